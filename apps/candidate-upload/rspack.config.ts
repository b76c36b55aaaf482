import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@rspack/cli';
import { rspack, type SwcLoaderOptions } from '@rspack/core';
import { ModuleFederationPlugin } from '@module-federation/enhanced/rspack';

const appDir = fileURLToPath(new URL('.', import.meta.url));
const workspaceRoot = resolve(appDir, '../..');
const isProd = process.env.NODE_ENV === 'production';

/** The only shared modules (DESIGN §9): the same list in every front end's config. */
const shared = {
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

export default defineConfig({
  mode: isProd ? 'production' : 'development',
  context: appDir,
  entry: { main: './src/main.ts' },
  output: {
    path: resolve(workspaceRoot, 'dist/apps/candidate-upload'),
    // 'auto': chunks load from wherever remoteEntry.js / mf-manifest.json was fetched.
    publicPath: 'auto',
    filename: '[name].[contenthash:8].js',
    chunkFilename: '[name].[contenthash:8].js',
    uniqueName: 'candidate_upload',
    clean: true,
  },
  devtool: isProd ? false : 'cheap-module-source-map',
  resolve: {
    extensions: ['.tsx', '.ts', '.jsx', '.js', '.json'],
    // @exam/* through the workspace paths.
    tsConfig: { configFile: resolve(workspaceRoot, 'tsconfig.base.json') },
  },
  module: {
    rules: [{ test: /\.[cm]?[jt]sx?$/, exclude: /node_modules/, loader: 'builtin:swc-loader', options: swc, type: 'javascript/auto' }],
  },
  plugins: [
    // Standalone page: its own bootstrap only, never the remote entry; absolute URLs so deep links reload.
    new rspack.HtmlRspackPlugin({ template: './index.html', excludeChunks: ['candidate_upload'], publicPath: '/' }),
    new ModuleFederationPlugin({
      name: 'candidate_upload',
      filename: 'remoteEntry.js',
      exposes: { './App': './src/app.tsx' },
      shared,
      shareStrategy: 'loaded-first',
      manifest: true,
      dts: false,
    }),
  ],
  performance: { hints: false },
});
