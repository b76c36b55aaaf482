import { registerRemotes } from '@module-federation/enhanced/runtime';

/** `{ "candidate_upload": "http://host:4201/mf-manifest.json", ... }` served by the shell's server. */
export type RemotesManifest = Record<string, string>;

export const REMOTES_MANIFEST_URL = '/remotes.json';
const FEDERATION_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Resolves one entry URL: absolute URLs stay, relative ones are taken against the page, and `{hostname}` /
 * `{protocol}` are replaced by the page's (so one remotes.json works for http://localhost and a phone on the LAN).
 */
export function resolveEntryUrl(value: string, base: Location | URL): string {
  const filled = value.replaceAll('{hostname}', base.hostname).replaceAll('{protocol}', base.protocol);
  return new URL(filled, base.href).href;
}

/** Keeps only `name -> string` pairs with a valid federation name. */
export function parseRemotesManifest(json: unknown): RemotesManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  return Object.fromEntries(
    Object.entries(json).filter((e): e is [string, string] => FEDERATION_NAME.test(e[0]) && typeof e[1] === 'string' && e[1].length > 0),
  );
}

/**
 * Fetches remotes.json (never from cache) and registers every remote with the federation runtime.
 * A failure registers nothing: the remote routes then show their fallback, the rest of the shell works.
 */
export async function registerRemotesFromManifest(url = REMOTES_MANIFEST_URL): Promise<RemotesManifest> {
  try {
    const response = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const manifest = parseRemotesManifest(await response.json());
    registerRemotes(
      Object.entries(manifest).map(([name, entry]) => ({ name, entry: resolveEntryUrl(entry, window.location) })),
      { force: true },
    );
    return manifest;
  } catch (error) {
    console.error('[shell] could not load the remotes manifest', error);
    return {};
  }
}

let ready: Promise<RemotesManifest> | null = null;

/** Starts (once) and returns the registration; remote loaders await it. */
export function remotesReady(): Promise<RemotesManifest> {
  ready ??= registerRemotesFromManifest();
  return ready;
}
