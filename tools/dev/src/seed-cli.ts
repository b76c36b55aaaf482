/** Seeds the demo data into DATABASE_URL (used by docker-compose's `seed` job). Idempotent. */
import { loadIdKeyring } from '@exam/auth';
import { loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { seedDemo } from './seed.js';

const cfg = loadConfig(['NODE_ENV', 'SEED_DEMO', 'DATABASE_URL', 'ID_HASH_KEY']);
if (cfg.NODE_ENV === 'production' && !cfg.SEED_DEMO) {
  // the demo accounts' passwords are published: a production database gets them only when asked for
  console.error('SEED_DEMO: 生产环境不写入演示数据，除非明确设置 SEED_DEMO=1 / production seeds no demo data unless SEED_DEMO=1');
  process.exit(1);
}
const idEncKey = loadIdKeyring();
const prisma = createPrismaClient(cfg.DATABASE_URL);
try {
  const r = await seedDemo(prisma, { idEncKey, idHashKey: cfg.ID_HASH_KEY });
  console.log(r.created ? 'demo data seeded' : 'demo data already present');
} finally {
  await prisma.$disconnect();
}
