import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecrets {
  ID_ENC_KEY: string;
  ID_HASH_KEY: string;
}

/**
 * Development keys, made once per data directory and kept beside the data (mode 0600), so that
 * a second start can still read the ID numbers it encrypted. Production sets them in the environment.
 */
export function loadOrCreateDevSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): DevSecrets {
  if (env.ID_ENC_KEY && env.ID_HASH_KEY) return { ID_ENC_KEY: env.ID_ENC_KEY, ID_HASH_KEY: env.ID_HASH_KEY };
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    ID_ENC_KEY: randomBytes(32).toString('base64'),
    ID_HASH_KEY: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
