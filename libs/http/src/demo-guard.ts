import { verifyPassword } from '@exam/auth';
import { ConfigError, DEMO_DATA } from '@exam/config';
import type { PrismaClient } from '@exam/db';

/**
 * The demo data still present: demo staff accounts whose password is still the published one, and exam
 * years named …（演示）. Two small indexed reads and at most four password checks.
 */
export async function findDemoData(prisma: PrismaClient): Promise<string[]> {
  const [staff, years] = await Promise.all([
    prisma.user.findMany({
      where: { username: { in: [...DEMO_DATA.staffUsernames] } },
      select: { username: true, passwordHash: true },
    }),
    prisma.examYear.findMany({ where: { name: { contains: DEMO_DATA.yearNameMarker } }, select: { code: true }, take: 5 }),
  ]);
  const found: string[] = [];
  for (const u of staff) {
    if (await verifyPassword(DEMO_DATA.staffPassword, u.passwordHash)) found.push(`演示账号 / demo account "${u.username}" with its published password`);
  }
  for (const y of years) found.push(`演示考试年度 / demo exam year ${y.code}`);
  return found;
}

/**
 * In production, refuses to start (ConfigError naming SEED_DEMO) while demo data is present, unless
 * SEED_DEMO=1 says this deployment is a demo; then it only warns.
 */
export async function refuseDemoDataInProduction(
  prisma: PrismaClient,
  config: { NODE_ENV: string; SEED_DEMO: boolean },
  log: { warn: (obj: object, msg: string) => void },
): Promise<void> {
  if (config.NODE_ENV !== 'production') return;
  const found = await findDemoData(prisma);
  if (!found.length) return;
  if (config.SEED_DEMO) {
    log.warn({ found }, 'SEED_DEMO=1: running in production with the demo accounts');
    return;
  }
  throw new ConfigError([
    `SEED_DEMO: 生产环境数据库中存在演示数据，请删除或修改密码 / the production database holds demo data (${found.join('; ')}); remove it, or set SEED_DEMO=1 if this deployment is a demo`,
  ]);
}
