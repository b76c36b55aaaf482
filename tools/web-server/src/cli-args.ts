import { parseArgs } from 'node:util';
import { loadConfig, parseAddressList } from '@exam/config';
import type { WebServerOptions } from './web-server';

export type CliOptions = WebServerOptions;

const USAGE = `usage: web-server --root <dist> --port <n> [--host 0.0.0.0] [--spa] [--cors] [--hsts]
  [--proxy /api/identity=http://127.0.0.1:3101 ...]   (several instances: /api/material=http://a:3102,http://b:3102, taken in turn)
  [--remotes candidate_upload=http://localhost:4201/mf-manifest.json ...]   (serves /remotes.json)
  [--trusted-proxy 10.0.0.0/8 ...]
environment: PORT (default port), TRUSTED_PROXIES (proxies in front whose X-Forwarded-For is believed),
  COOKIE_SECURE=true (served over HTTPS: Strict-Transport-Security, same as --hsts)`;

function splitPair(value: string, flag: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new Error(`${flag} expects key=value, got "${value}"\n${USAGE}`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

/** Parses the CLI flags (see USAGE). `PORT`, `TRUSTED_PROXIES` and `COOKIE_SECURE` come from the environment. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      spa: { type: 'boolean', default: false },
      cors: { type: 'boolean', default: false },
      hsts: { type: 'boolean', default: false },
      proxy: { type: 'string', multiple: true },
      remotes: { type: 'string', multiple: true },
      'trusted-proxy': { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (!values.root) throw new Error(`--root is required\n${USAGE}`);
  const port = Number(values.port ?? env.PORT ?? NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number\n${USAGE}`);
  // validated once, like every process's environment (throws ConfigError naming the variable)
  const config = loadConfig(['TRUSTED_PROXIES', 'COOKIE_SECURE'], env);
  const flagged = (values['trusted-proxy'] ?? []).flatMap((v) => {
    try {
      return parseAddressList(v);
    } catch (e) {
      throw new Error(`--trusted-proxy: ${(e as Error).message}\n${USAGE}`);
    }
  });

  const proxy = Object.fromEntries(
    (values.proxy ?? []).map((p) => {
      const [prefix, targets] = splitPair(p, '--proxy');
      const list = targets.split(',').map((t) => t.trim());
      if (list.some((t) => !t)) throw new Error(`--proxy ${prefix}: an empty upstream in "${targets}"\n${USAGE}`);
      return [prefix, list.length === 1 ? list[0]! : list];
    }),
  );
  const options: CliOptions = {
    root: values.root,
    port,
    spa: values.spa,
    cors: values.cors,
    proxy,
    hsts: values.hsts || config.COOKIE_SECURE,
    trustedProxies: [...new Set([...config.TRUSTED_PROXIES, ...flagged])],
  };
  if (values.host) options.host = values.host;
  if (values.remotes?.length) options.remotes = Object.fromEntries(values.remotes.map((r) => splitPair(r, '--remotes')));
  return options;
}
