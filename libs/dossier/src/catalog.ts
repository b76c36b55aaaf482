import { z } from 'zod';
import type { Candidate, MaterialCategory } from '@exam/db';
import {
  applicableCategories,
  type AppliesTo,
  type CandidateAttribute,
  type CandidateType,
  type CatalogEntry,
} from '@exam/domain';

const appliesToSchema = z.object({
  types: z.array(z.string()).optional(),
  excludeTypes: z.array(z.string()).optional(),
  attributes: z.array(z.string()).optional(),
  required: z.boolean().optional(),
  /** older spelling of `required: false` */
  optional: z.boolean().optional(),
});

/** Reads a catalog row's `appliesTo` JSON into the domain rule (an unreadable rule applies to no one). */
export function toCatalogEntry(row: MaterialCategory): CatalogEntry & { sortOrder: number; hidden: boolean; id: string; exampleKey: string | null } {
  const parsed = appliesToSchema.safeParse(row.appliesTo);
  // an unreadable rule applies to no one rather than to everyone
  const a: z.infer<typeof appliesToSchema> = parsed.success ? parsed.data : { types: [], required: false };
  const appliesTo: AppliesTo = {
    ...(a.types ? { types: a.types as CandidateType[] } : {}),
    ...(a.excludeTypes ? { excludeTypes: a.excludeTypes as CandidateType[] } : {}),
    ...(a.attributes ? { attributes: a.attributes as CandidateAttribute[] } : {}),
    // a hidden category (MaterialCategory.hidden) takes no new uploads and is never required
    required: row.hidden ? false : (a.required ?? a.optional !== true),
  };
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    minCount: row.minCount,
    maxCount: row.maxCount,
    appliesTo,
    sortOrder: row.sortOrder,
    hidden: row.hidden,
    id: row.id,
    exampleKey: row.exampleKey,
  };
}

export type ApplicableCategory = ReturnType<typeof loadApplicable>[number];

/** The catalog rows of the candidate's exam year that apply to them, in catalog order. */
export function loadApplicable(rows: MaterialCategory[], candidate: Pick<Candidate, 'candidateType' | 'attributes'>) {
  const entries = rows.map(toCatalogEntry).sort((a, b) => a.sortOrder - b.sortOrder);
  return applicableCategories(entries, { candidateType: candidate.candidateType as CandidateType, attributes: candidate.attributes });
}

