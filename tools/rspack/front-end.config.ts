/**
 * The one rspack + Module Federation 2 configuration of the front ends (shell and the three remotes).
 * Each app's rspack.config.ts calls `frontEndConfig` with what differs: its federation name and role.
 */
import { resolve } from 'node:path';
import { defineConfig } from '@rspack/cli';
import { rspack, type SwcLoaderOptions } from '@rspack/core';
import { ModuleFederationPlugin } from '@module-federation/enhanced/rspack';

const workspaceRoot = resolve(import.meta.dirname, '../..');
const isProd = process.env.NODE_ENV === 'production';

/** The only shared modules (DESIGN §9), singletons: react, react-dom, the router, the context-carrying libs. */
export const SHARED = {
  react: { singleton: true, requiredVersion: '^19.0.0' },
  'react-dom': { singleton: true, requiredVersion: '^19.0.0' },
  'react-router': { singleton: true, requiredVersion: '^7.0.0' },
  '@exam/session': { singleton: true, requiredVersion: false as const },
  '@exam/ui': { singleton: true, requiredVersion: false as const },
};

const swc: SwcLoaderOptions = {
  jsc: {
    parser: { syntax: 'typescript', tsx: true },
    transform: { react: { runtime: 'automatic', development: !isProd } },
  },
  env: { targets: ['chrome >= 100', 'safari >= 15', 'firefox >= 100', 'edge >= 100'] },
};

export type FrontEnd =
  /** the host: remotes are registered at runtime from /remotes.json, nothing host-specific is built in */
  | { role: 'host'; appDir: string; distDir: string; name: string; runtimePlugins: string[] }
  /** a remote: exposes ./App, publishes mf-manifest.json, and has a standalone page of its own */
  | { role: 'remote'; appDir: string; distDir: string; name: string };

export function frontEndConfig(app: FrontEnd) {
  const remote = app.role === 'remote';
  return defineConfig({
    mode: isProd ? 'production' : 'development',
    context: app.appDir,
    entry: { main: './src/main.ts' },
    output: {
      path: resolve(workspaceRoot, 'dist/apps', app.distDir),
      // remote: 'auto' — chunks load from wherever remoteEntry.js / mf-manifest.json was fetched;
      // host: absolute, since the shell serves deep links (/candidate/...) from its SPA fallback
      publicPath: remote ? 'auto' : '/',
      filename: '[name].[contenthash:8].js',
      chunkFilename: '[name].[contenthash:8].js',
      uniqueName: app.name,
      clean: true,
    },
    devtool: isProd ? false : 'cheap-module-source-map',
    resolve: {
      extensions: ['.tsx', '.ts', '.jsx', '.js', '.json'],
      // ESM-style './x.js' imports of TypeScript sources (libs/domain is written that way)
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      // @exam/* through the workspace paths. The remotes' type paths live only in apps/shell/tsconfig.json:
      // the shell's bundle must never contain a remote's code.
      tsConfig: { configFile: resolve(workspaceRoot, 'tsconfig.base.json') },
    },
    module: {
      rules: [{ test: /\.[cm]?[jt]sx?$/, exclude: /node_modules/, loader: 'builtin:swc-loader', options: swc, type: 'javascript/auto' }],
    },
    plugins: [
      remote
        ? // standalone page: its own bootstrap only, never the remote entry; absolute URLs so deep links reload
          new rspack.HtmlRspackPlugin({ template: './index.html', excludeChunks: [app.name], publicPath: '/' })
        : new rspack.HtmlRspackPlugin({ template: './index.html' }),
      new ModuleFederationPlugin(
        remote
          ? {
              name: app.name,
              filename: 'remoteEntry.js',
              exposes: { './App': './src/app.tsx' },
              shared: SHARED,
              shareStrategy: 'loaded-first',
              manifest: true,
              dts: false,
            }
          : {
              name: app.name,
              remotes: {},
              shared: SHARED,
              shareStrategy: 'loaded-first',
              runtimePlugins: app.runtimePlugins,
              dts: false,
              manifest: false,
            },
      ),
    ],
    performance: { hints: false },
  });
}
