import { renderStandaloneRemote } from '@exam/ui';
import App from './app';

// Standalone use (focused work): the providers the shell gives the remote when mounted there.
renderStandaloneRemote(App);
