import type { CatalogEntry } from '@exam/domain';
import type { Prisma } from './generated/prisma/client.ts';

/** The `MaterialCategory` rows of one exam year for a catalog (Attachment 1), in its order. */
export function catalogRows(examYearId: string, catalog: readonly CatalogEntry[]): Prisma.MaterialCategoryCreateManyInput[] {
  return catalog.map((c, i) => ({
    examYearId,
    code: c.code,
    name: c.name,
    description: c.description,
    minCount: c.minCount,
    maxCount: c.maxCount,
    appliesTo: { ...c.appliesTo } as Prisma.InputJsonValue,
    sortOrder: i,
  }));
}
