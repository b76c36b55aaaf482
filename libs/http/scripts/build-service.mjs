#!/usr/bin/env node
// Bundles a Node service or worker with esbuild (shared by every Express service and apps/workers).
//
//   node libs/http/scripts/build-service.mjs <app> [--entry <file>] [--outfile <file>] [--no-sourcemap]
//
// Defaults: entry apps/<app>/src/main.ts, output dist/apps/<app>/main.js. ESM, platform node, target node20.
// Third-party packages stay external (resolved from node_modules at run time); the workspace libs (@exam/*)
// are bundled from their TypeScript sources (libs/<name>/src/index.ts, the same map as tsconfig.base.json),
// so the output does not depend on npm-workspace symlinks. A banner defines `require`, `__filename` and
// `__dirname` for bundled code that expects CommonJS globals.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const app = args.find((a) => !a.startsWith('--'));
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!app) {
  console.error('usage: node libs/http/scripts/build-service.mjs <app> [--entry <file>] [--outfile <file>] [--no-sourcemap]');
  process.exit(2);
}
const entry = path.resolve(root, opt('entry') ?? `apps/${app}/src/main.ts`);
const outfile = path.resolve(root, opt('outfile') ?? `dist/apps/${app}/main.js`);
if (!existsSync(entry)) {
  console.error(`build-service: entry not found: ${path.relative(root, entry)}`);
  process.exit(2);
}

// @exam/<name> -> its source entry, from tsconfig.base.json paths.
const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const workspace = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths ?? {}).map(([name, [target]]) => [name, path.resolve(root, target)]),
);

/** Bundle workspace libs, keep every other bare import external. */
const externals = {
  name: 'workspace-bundled-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:') || a.kind === 'entry-point') return undefined;
      if (workspace[a.path]) return { path: workspace[a.path] };
      if (a.path.startsWith('@exam/')) {
        return { errors: [{ text: `unknown workspace import ${a.path} (add it to tsconfig.base.json paths)` }] };
      }
      if (path.isAbsolute(a.path)) return undefined;
      return { path: a.path, external: true };
    });
  },
};

const banner = [
  "import { createRequire as __examCreateRequire } from 'node:module';",
  "import { fileURLToPath as __examFileURLToPath } from 'node:url';",
  "import { dirname as __examDirname } from 'node:path';",
  'const require = __examCreateRequire(import.meta.url);',
  'const __filename = __examFileURLToPath(import.meta.url);',
  'const __dirname = __examDirname(__filename);',
].join('\n');

const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: !args.includes('--no-sourcemap'),
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  banner: { js: banner },
  plugins: [externals],
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `build-service: ${path.relative(root, entry)} -> ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
);
