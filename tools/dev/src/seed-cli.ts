/** Seeds the demo data into DATABASE_URL (used by docker-compose's `seed` job). Idempotent. */
import { loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { seedDemo } from './seed.js';

const cfg = loadConfig(['DATABASE_URL', 'ID_ENC_KEY', 'ID_HASH_KEY']);
const prisma = createPrismaClient(cfg.DATABASE_URL);
try {
  const r = await seedDemo(prisma, { idEncKey: cfg.ID_ENC_KEY, idHashKey: cfg.ID_HASH_KEY });
  console.log(r.created ? 'demo data seeded' : 'demo data already present');
} finally {
  await prisma.$disconnect();
}
