import { createRoot } from 'react-dom/client';
import { registerPlugins } from '@module-federation/enhanced/runtime';
import { AppProviders } from '@exam/ui';
import { ShellApp } from './app';
import { fallbackPlugin } from './mf/fallback.plugin';
import { remotesReady } from './mf/remotes-manifest';

registerPlugins([fallbackPlugin()]);
// Start fetching /remotes.json right away; remote routes wait for it.
void remotesReady();

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
createRoot(container).render(
  <AppProviders>
    <ShellApp />
  </AppProviders>,
);
