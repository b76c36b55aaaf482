/**
 * `npm start`: the whole system on embedded defaults, with demo data.
 * Environment: DATABASE_URL, REDIS_URL, SMTP_URL (all optional), DATA_DIR (default .data).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORDS, DEMO_STAFF } from './demo-data.js';
import { startSystem, type RunningSystem } from './system.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function banner(sys: RunningSystem): string {
  const activated = sys.seed.candidates.filter((c) => c.activated);
  const inactive = sys.seed.candidates.find((c) => !c.activated);
  const lines = [
    '',
    '================ 医师资格考试线上审核系统 已启动 / system is up ================',
    `  打开 / open:  ${sys.url}`,
    `  报名系统（模拟）/ registration-system stand-in: ${sys.registrationUrl}  (【上传相关材料】 → signed launch link)`,
    '',
    '  考生 / candidates (报名号 / 密码):',
    ...activated.slice(0, 4).map((c) => `    ${c.registrationNo} / ${DEMO_PASSWORDS.candidate}   ${c.name}（${c.candidateType}）`),
    `    … ${activated.length} activated demo candidates in all, same password`,
    ...(inactive
      ? [
          `  首次激活 / first-entry activation: 报名号 ${inactive.registrationNo}, 身份证件号码 ${inactive.idNumber}`,
          `    验证码 / the SMS code: see ${join(sys.dataDir, 'sms', 'sms.jsonl')} (the development SMS sink)`,
        ]
      : []),
    '',
    '  审核人员 / staff (用户名 / 密码):',
    ...DEMO_STAFF.map((s) => `    ${s.username.padEnd(9)} / ${DEMO_PASSWORDS.staff}   ${s.displayName}`),
    '    首次登录需绑定身份验证器 (TOTP) / first login enrols an authenticator app;',
    '    without one: `npm run totp -- <secret shown on the page>` prints the current code',
    '',
    `  邮件 / mail: ${join(sys.dataDir, 'mail')}    短信 / SMS: ${join(sys.dataDir, 'sms')}`,
    `  Ctrl-C 停止 / to stop (data is kept in ${sys.dataDir})`,
    '==============================================================================',
    '',
  ];
  return lines.join('\n');
}

async function main() {
  const sys = await startSystem({
    root,
    dataDir: process.env.DATA_DIR,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    smtpUrl: process.env.SMTP_URL || undefined,
  });
  console.log(banner(sys));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: 正在停止 / stopping …`);
    await sys.stop();
    console.log('已停止 / stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
