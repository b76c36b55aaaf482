import { parseArgs } from 'node:util';
import type { WebServerOptions } from './web-server';

export type CliOptions = WebServerOptions;

const USAGE = `usage: web-server --root <dist> --port <n> [--host 0.0.0.0] [--spa] [--cors]
  [--proxy /api/identity=http://127.0.0.1:3101 ...]
  [--remotes candidate_upload=http://localhost:4201/mf-manifest.json ...]   (serves /remotes.json)`;

function splitPair(value: string, flag: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new Error(`${flag} expects key=value, got "${value}"\n${USAGE}`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

/** Parses the CLI flags (see USAGE). `PORT` in the environment is the default port. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      spa: { type: 'boolean', default: false },
      cors: { type: 'boolean', default: false },
      proxy: { type: 'string', multiple: true },
      remotes: { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (!values.root) throw new Error(`--root is required\n${USAGE}`);
  const port = Number(values.port ?? env.PORT ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number\n${USAGE}`);

  const proxy = Object.fromEntries((values.proxy ?? []).map((p) => splitPair(p, '--proxy')));
  const options: CliOptions = { root: values.root, port, spa: values.spa, cors: values.cors, proxy };
  if (values.host) options.host = values.host;
  if (values.remotes?.length) {
    const remotes = Object.fromEntries(values.remotes.map((r) => splitPair(r, '--remotes')));
    const body = JSON.stringify(remotes, null, 2);
    options.extraFiles = { '/remotes.json': () => body };
  }
  return options;
}
