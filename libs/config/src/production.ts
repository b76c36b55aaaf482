/**
 * What NODE_ENV=production refuses on top of the schema in env.ts: keys anyone can know (development
 * defaults, the example files' values, the test keys), keys that are not random bytes, insecure cookies
 * and database passwords from the examples. Messages name the variable and never echo its value.
 */

/**
 * Keys published in this repository: the old docker-compose defaults, the placeholders of `.env.example`
 * and the test keys of libs/testing (Buffer.alloc(32, 7) / (32, 9)). Compared after base64 decoding.
 */
export const WELL_KNOWN_KEYS: readonly string[] = [
  'ZGVtby1rZXktZGVtby1rZXktZGVtby1rZXktMDAwMDA=', // "demo-key-demo-key-demo-key-00000" (docker-compose default)
  'ZGVtby1oYXNoLWRlbW8taGFzaC1kZW1vLWhhc2gtMDA=', // "demo-hash-demo-hash-demo-hash-00" (docker-compose default)
  'Q0hBTkdFLU1FLUNIQU5HRS1NRS1DSEFOR0UtTUUtMDE=', // "CHANGE-ME-CHANGE-ME-CHANGE-ME-01" (.env.example)
  'Q0hBTkdFLU1FLUNIQU5HRS1NRS1DSEFOR0UtTUUtMDI=', // "CHANGE-ME-CHANGE-ME-CHANGE-ME-02" (.env.example)
  'Q0hBTkdFLU1FLUNIQU5HRS1NRS1DSEFOR0UtTUUtMDM=', // "CHANGE-ME-CHANGE-ME-CHANGE-ME-03" (.env.example, LAUNCH_LINK_KEYS)
  Buffer.alloc(32, 7).toString('base64'), // TEST_ID_ENC_KEY
  Buffer.alloc(32, 9).toString('base64'), // TEST_ID_HASH_KEY
  Buffer.alloc(32, 0).toString('base64'),
  'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', // bytes 0x00-0x1f: the launch-link test key of docs/INTEGRATION.md
];

/**
 * Object-storage credentials anyone can know: MinIO's built-in root account, the AWS documentation's example pair,
 * s3rver's (the tests' local S3) and the placeholders of `.env.example` (`CHANGE-ME…`, checked by prefix).
 */
export const WELL_KNOWN_S3_CREDENTIALS: readonly string[] = [
  'minioadmin',
  'minio',
  'minio123',
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'S3RVER',
  'changeme',
  'password',
  'secret',
];

/** Database passwords of the examples (docker-compose, .env.example) and the usual defaults. */
export const WELL_KNOWN_PASSWORDS: readonly string[] = ['exam', 'postgres', 'password', 'secret', 'changeme', 'change-me', 'CHANGE-ME-postgres-password'];

const KNOWN_KEY_BYTES = new Set(WELL_KNOWN_KEYS.map((k) => Buffer.from(k, 'base64').toString('hex')));
const KNOWN_PASSWORDS = new Set(WELL_KNOWN_PASSWORDS.map((p) => p.toLowerCase()));

const GENERATE = '请用 openssl rand -base64 32 生成 / generate one with `openssl rand -base64 32`';

/** Why a 32-byte base64 key is not fit for production, or null. */
export function keyProblem(value: string): string | null {
  const bytes = Buffer.from(value.trim(), 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value.trim()) {
    return `必须是 32 字节随机数的 base64 编码 / must be exactly 32 bytes, base64-encoded; ${GENERATE}`;
  }
  if (KNOWN_KEY_BYTES.has(bytes.toString('hex'))) {
    return `生产环境拒绝公开的开发或示例密钥 / a well-known development or example key; ${GENERATE}`;
  }
  // 32 random bytes have ~30 distinct values and are almost never all printable: a passphrase or a
  // repeated pattern is not a key.
  if (new Set(bytes).size < 16 || bytes.every((b) => b >= 0x20 && b <= 0x7e)) {
    return `不是随机密钥（文字或重复字节）/ not random bytes (text or a repeated pattern); ${GENERATE}`;
  }
  return null;
}

function databasePasswordProblem(url: string): string | null {
  let password: string;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return null; // the schema reports a malformed URL
  }
  if (password && KNOWN_PASSWORDS.has(password.toLowerCase())) {
    return '生产环境拒绝示例中的数据库密码 / the database password is a well-known example password';
  }
  return null;
}

/**
 * The production problems of the chosen variables (raw strings as read from the environment; a variable
 * left unset reads undefined). Only variables in `keys` are judged.
 */
export function productionProblems(keys: readonly string[], raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const has = (k: string) => keys.includes(k);
  const keyValues: { name: string; hex: string }[] = [];

  for (const name of ['ID_ENC_KEY', 'ID_HASH_KEY']) {
    const v = raw[name];
    if (!has(name) || v === undefined) continue;
    const p = keyProblem(v);
    if (p) problems.push(`${name}: ${p}`);
    else keyValues.push({ name, hex: Buffer.from(v.trim(), 'base64').toString('hex') });
  }
  const ring = raw['ID_ENC_KEYS'];
  if (has('ID_ENC_KEYS') && ring !== undefined) {
    for (const entry of ring.split(',')) {
      const m = /^\s*(\d{1,3})\s*:\s*(\S+)\s*$/.exec(entry);
      if (!m) continue; // the schema reports malformed entries
      const p = keyProblem(m[2]!);
      if (p) problems.push(`ID_ENC_KEYS: key id ${m[1]}: ${p}`);
      else keyValues.push({ name: `ID_ENC_KEYS key id ${m[1]}`, hex: Buffer.from(m[2]!, 'base64').toString('hex') });
    }
  }
  const clients = raw['RESULTS_API_CLIENTS'];
  if (has('RESULTS_API_CLIENTS') && clients !== undefined) {
    for (const entry of clients.split(',')) {
      const m = /^\s*([A-Za-z0-9_-]{1,64})\s*:\s*(\S+?)\s*:/.exec(entry);
      if (!m) continue; // the schema reports malformed entries
      const p = keyProblem(m[2]!);
      if (p) problems.push(`RESULTS_API_CLIENTS: key id ${m[1]}: ${p}`);
    }
  }
  // the registration system's launch-link keys: required, and each one random (32 bytes or more)
  if (has('LAUNCH_LINK_KEYS')) {
    const launch = raw['LAUNCH_LINK_KEYS'];
    if (!launch?.trim()) problems.push('LAUNCH_LINK_KEYS: 生产环境必须配置报名系统跳转链接的密钥 / required in production (kid:base64, openssl rand -base64 32)');
    for (const entry of launch?.split(',') ?? []) {
      const m = /^\s*([A-Za-z0-9_-]{1,32})\s*:\s*(\S+)\s*$/.exec(entry);
      if (!m) continue; // the schema reports malformed entries
      const bytes = Buffer.from(m[2]!, 'base64');
      // a 32-byte key is judged like the others; a longer one only for randomness (text or a repeated pattern)
      const p =
        bytes.length === 32
          ? keyProblem(bytes.toString('base64'))
          : new Set(bytes).size < 16 || bytes.every((b) => b >= 0x20 && b <= 0x7e)
            ? `不是随机密钥（文字或重复字节）/ not random bytes (text or a repeated pattern); ${GENERATE}`
            : null;
      if (p) problems.push(`LAUNCH_LINK_KEYS: key id ${m[1]}: ${p}`);
    }
  }
  const hashKey = keyValues.find((k) => k.name === 'ID_HASH_KEY');
  const reused = hashKey && keyValues.find((k) => k !== hashKey && k.hex === hashKey.hex);
  if (reused) problems.push(`ID_HASH_KEY: 不能与 ${reused.name} 相同 / must differ from ${reused.name}`);

  if (has('COOKIE_SECURE') && !['true', '1'].includes(raw['COOKIE_SECURE'] ?? '')) {
    problems.push('COOKIE_SECURE: 生产环境必须为 true（会话 Cookie 只经 HTTPS 发送）/ must be true in production (cookies over HTTPS only)');
  }
  // SMS: the development file sink would swallow every account code and notice. Only a demo deployment may keep it.
  if (has('SMS_PROVIDER') && (raw['SMS_PROVIDER'] ?? 'file') === 'file' && !['1', 'true'].includes(raw['SEED_DEMO'] ?? '')) {
    problems.push(
      'SMS_PROVIDER: 生产环境不能把短信写入文件，请配置真实短信服务商（aliyun）；演示部署需 SEED_DEMO=1 / production refuses the file sink: configure aliyun (a demo deployment needs SEED_DEMO=1)',
    );
  }
  for (const name of ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET']) {
    if (has(name) && /^CHANGE-ME/i.test(raw[name] ?? '')) problems.push(`${name}: 生产环境拒绝示例中的占位值 / a placeholder from the examples`);
  }
  // object storage: the example or default credentials of MinIO, AWS's docs, the tests, or the .env.example placeholders
  if (has('STORAGE_DRIVER') && raw['STORAGE_DRIVER'] === 's3') {
    const knownS3 = new Set(WELL_KNOWN_S3_CREDENTIALS.map((c) => c.toLowerCase()));
    for (const name of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      const v = raw[name]?.trim();
      if (has(name) && v && (/^CHANGE-ME/i.test(v) || knownS3.has(v.toLowerCase()))) {
        problems.push(`${name}: 生产环境拒绝示例或默认的对象存储凭据 / an example or default object-storage credential`);
      }
    }
    const secret = raw['S3_SECRET_ACCESS_KEY'];
    if (has('S3_SECRET_ACCESS_KEY') && secret && secret.length < 16) {
      problems.push('S3_SECRET_ACCESS_KEY: 至少 16 个字符 / must be at least 16 characters (openssl rand -hex 24)');
    }
  }
  const db = raw['DATABASE_URL'];
  if (has('DATABASE_URL') && db) {
    const p = databasePasswordProblem(db);
    if (p) problems.push(`DATABASE_URL: ${p}`);
  }
  return problems;
}

/**
 * The demo data `npm start` and the compose `seed` job create (tools/dev/src/demo-data.ts, seed.ts): staff
 * accounts whose password is printed in the README, and exam years named …（演示）. Production services
 * refuse to start while any is present, unless SEED_DEMO=1 says the deployment is a demo.
 */
export const DEMO_DATA = Object.freeze({
  staffUsernames: Object.freeze(['site1201', 'site1202', 'district', 'admin']),
  staffPassword: 'Shenhe2027',
  yearNameMarker: '（演示）',
});
