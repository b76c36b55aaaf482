import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecrets {
  ID_ENC_KEY: string;
  ID_HASH_KEY: string;
  /** the registration system's launch-link key ring (`dev1:<base64>`): identity verifies, the stand-in signs */
  LAUNCH_LINK_KEYS: string;
  /** the stand-in registration system's results-API secret (base64): review-service knows it as client `regsys-dev` */
  RESULTS_API_SECRET: string;
}

const newLaunchLinkKeys = () => `dev1:${randomBytes(32).toString('base64')}`;
const newSecret = () => randomBytes(32).toString('base64');

/**
 * Development keys, made once per data directory and kept beside the data (mode 0600), so that
 * a second start can still read the ID numbers it encrypted. Production sets them in the environment.
 */
export function loadOrCreateDevSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (env.ID_ENC_KEY && env.ID_HASH_KEY) {
    return {
      ID_ENC_KEY: env.ID_ENC_KEY,
      ID_HASH_KEY: env.ID_HASH_KEY,
      LAUNCH_LINK_KEYS: env.LAUNCH_LINK_KEYS || newLaunchLinkKeys(),
      RESULTS_API_SECRET: newSecret(),
    };
  }
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    // a data directory from before the launch link or the results API: the new keys are added once, the ID-number keys stay
    if (!kept.LAUNCH_LINK_KEYS || !kept.RESULTS_API_SECRET) {
      kept.LAUNCH_LINK_KEYS ||= newLaunchLinkKeys();
      kept.RESULTS_API_SECRET ||= newSecret();
      writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
    }
    if (env.LAUNCH_LINK_KEYS) kept.LAUNCH_LINK_KEYS = env.LAUNCH_LINK_KEYS;
    return kept as DevSecrets;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    ID_ENC_KEY: randomBytes(32).toString('base64'),
    ID_HASH_KEY: randomBytes(32).toString('base64'),
    LAUNCH_LINK_KEYS: env.LAUNCH_LINK_KEYS || newLaunchLinkKeys(),
    RESULTS_API_SECRET: newSecret(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
