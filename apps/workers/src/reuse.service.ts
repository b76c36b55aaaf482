import { Prisma, type PrismaClient } from '@exam/db';
import { REUSE_MAX_DISTANCE, hashBands, hashToBigInt } from '@exam/domain';

/**
 * Records a READY image's perceptual hash (four indexed 16-bit bands) and returns the earliest image of another
 * candidate of the same exam year within REUSE_MAX_DISTANCE bits, or null. Two hashes that close share at least
 * one band exactly, so the look-up reads four small index ranges instead of every hash of the year. Idempotent.
 */
export async function recordAndFindReuse(
  prisma: Pick<PrismaClient, '$executeRaw' | '$queryRaw'>,
  image: { id: string; dossierId: string; examYearId: string; phash: string },
): Promise<string | null> {
  const [b0, b1, b2, b3] = hashBands(image.phash);
  const hash = hashToBigInt(image.phash);
  await prisma.$executeRaw`
    INSERT INTO "ImageHash" ("imageId", "examYearId", "dossierId", hash, b0, b1, b2, b3)
    VALUES (${image.id}::uuid, ${image.examYearId}::uuid, ${image.dossierId}::uuid, ${hash}, ${b0}, ${b1}, ${b2}, ${b3})
    ON CONFLICT ("imageId") DO NOTHING`;
  const rows = await prisma.$queryRaw<{ imageId: string }[]>(findReuseSql(image.examYearId, image.dossierId, hash, [b0, b1, b2, b3]));
  return rows[0]?.imageId ?? null;
}

/** The look-up alone (also what the benchmark times). */
export function findReuseSql(examYearId: string, dossierId: string, hash: bigint, [b0, b1, b2, b3]: readonly number[]): Prisma.Sql {
  return Prisma.sql`
    SELECT h."imageId"::text AS "imageId" FROM "ImageHash" h
    WHERE h."examYearId" = ${examYearId}::uuid AND h."dossierId" <> ${dossierId}::uuid
      AND (h.b0 = ${b0} OR h.b1 = ${b1} OR h.b2 = ${b2} OR h.b3 = ${b3})
      AND bit_count((h.hash # ${hash})::bit(64)) <= ${REUSE_MAX_DISTANCE}
    ORDER BY h."createdAt", h."imageId"
    LIMIT 1`;
}
