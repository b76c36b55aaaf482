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

/**
 * The look-up alone (also what the benchmark times): per band, the earliest row of another dossier within the
 * distance — each branch walks its band index in (createdAt, imageId) order and stops at the first match, checking
 * the distance on the index's own columns — then the earliest of the four.
 */
export function findReuseSql(examYearId: string, dossierId: string, hash: bigint, bands: readonly number[]): Prisma.Sql {
  const branch = (column: 'b0' | 'b1' | 'b2' | 'b3', value: number) => Prisma.sql`(
    SELECT h."imageId", h."createdAt" FROM "ImageHash" h
    WHERE h."examYearId" = ${examYearId}::uuid AND h.${Prisma.raw(`"${column}"`)} = ${value}
      AND h."dossierId" <> ${dossierId}::uuid AND bit_count((h.hash # ${hash})::bit(64)) <= ${REUSE_MAX_DISTANCE}
    ORDER BY h."createdAt", h."imageId"
    LIMIT 1)`;
  const columns = ['b0', 'b1', 'b2', 'b3'] as const;
  return Prisma.sql`
    SELECT x."imageId"::text AS "imageId" FROM (${Prisma.join(columns.map((c, i) => branch(c, bands[i]!)), ' UNION ALL ')}) x
    ORDER BY x."createdAt", x."imageId"
    LIMIT 1`;
}
