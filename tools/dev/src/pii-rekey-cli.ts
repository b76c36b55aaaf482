/**
 * `npm run pii:rekey [-- --batch-size=500] [-- --after=<candidate id>]`: re-encrypts every candidate's ID number
 * under ID_ENC_KEY_CURRENT (see README, "Rotating the ID-number key"). Needs DATABASE_URL and the keyring
 * (ID_ENC_KEYS / ID_ENC_KEY_CURRENT, or ID_ENC_KEY). Prints progress per batch and the counts; exits 1 when a row
 * could not be decrypted (listed by candidate id), 2 on a bad configuration.
 */
import { loadIdKeyring } from '@exam/auth';
import { ConfigError, loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { rekeyIdNumbers } from './pii-rekey.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

let cfg;
let keyring;
try {
  cfg = loadConfig(['DATABASE_URL']);
  keyring = loadIdKeyring();
} catch (e) {
  console.error(`pii:rekey: ${e instanceof ConfigError ? e.message : String(e)}`);
  process.exit(2);
}
const batchSize = Number(arg('batch-size') ?? 500);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  console.error('pii:rekey: --batch-size must be 1..10000');
  process.exit(2);
}
const after = arg('after');

const prisma = createPrismaClient(cfg.DATABASE_URL, { max: 2 });
try {
  console.log(`pii:rekey: re-encrypting under key id ${keyring.currentKid}${after ? `, after ${after}` : ''} …`);
  const r = await rekeyIdNumbers(prisma, keyring, {
    batchSize,
    ...(after ? { after } : {}),
    onBatch: (p) => console.log(`  scanned ${p.scanned}, re-encrypted ${p.rekeyed}, already current ${p.current}, failed ${p.failed} (last id ${p.lastId})`),
  });
  console.log(JSON.stringify({ scanned: r.scanned, rekeyed: r.rekeyed, current: r.current, changed: r.changed, failed: r.failed }));
  if (r.changed) console.log(`pii:rekey: ${r.changed} row(s) changed while running; run again to finish them`);
  if (r.failed) {
    console.error(`pii:rekey: ${r.failed} row(s) could not be decrypted with this keyring, e.g. candidate ids: ${r.failedIds.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await prisma.$disconnect();
}
