// Valid samples of a zod (v4) schema and the field paths to break, read from the schema's definition.
import { randomUUID } from 'node:crypto';
import type { ZodType } from 'zod';

/** Valid values to prefer for a field name (e.g. examYearId → the seeded year's id). */
export type Hints = Record<string, readonly unknown[]>;

interface Def {
  type: string;
  [k: string]: unknown;
}
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
}
const checksOf = (d: Def): CheckDef[] => ((d['checks'] as { _zod: { def: CheckDef } }[] | undefined) ?? []).map((c) => c._zod.def);

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** The object schema under wrappers, pipes and refinements, if it is one. */
export function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let d = defOf(schema);
  for (;;) {
    if (WRAPPERS.has(d.type)) d = defOf(d['innerType']);
    else if (d.type === 'pipe') d = defOf(d['in']);
    else break;
  }
  return d.type === 'object' ? (d['shape'] as Record<string, unknown>) : undefined;
}

function sampleString(d: Def, key: string | undefined, hints: Hints): string {
  const checks = checksOf(d);
  const format = (d['format'] as string | undefined) ?? checks.find((c) => c.check === 'string_format' && c.format !== 'regex')?.format;
  if (format === 'uuid' || format === 'guid') return String((hints['*uuid'] ?? [])[0] ?? randomUUID());
  if (format === 'datetime') return new Date(Date.now() + 2 * 86_400_000).toISOString();
  if (format === 'date') return '2026-02-01';
  if (format === 'email') return 'fuzz@example.com';
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 1;
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 64;
  let s = 'Abc12345';
  while (s.length < min) s += s;
  return s.slice(0, Math.max(min, Math.min(max, s.length)));
}

function sampleNumber(d: Def): number {
  const checks = checksOf(d);
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  let n = 0;
  if (lower?.value !== undefined) n = lower.inclusive ? lower.value : lower.value + 1;
  if (upper?.value !== undefined && n > upper.value) n = upper.value;
  return n;
}

/** A zod object field that may be left out (optional, default, prefault). */
const isOptionalField = (s: unknown) => (s as { _zod: { optin?: string } })._zod.optin === 'optional';

export interface Samples {
  /** required fields, plus optional ones named in the hints */
  minimal: unknown;
  /** every field, one element per array */
  full: unknown;
}

/**
 * Valid values of `schema`, per option of a top-level union. Field names found in `hints` take the hint's first
 * value. Mutating a field of `full` on top of `minimal` breaks that one field while the rest stays valid (a full
 * sample would fail on some generic optional value, e.g. a cursor, before the broken field is looked at).
 */
export function validSamples(schema: ZodType<unknown> | unknown, hints: Hints): Samples[] {
  const d = defOf(schema);
  if (d.type === 'union') return (d['options'] as unknown[]).flatMap((o) => validSamples(o, hints));
  if (WRAPPERS.has(d.type) && d.type !== 'default') return validSamples(d['innerType'], hints);
  return [{ minimal: sample(schema, undefined, hints, 0, true), full: sample(schema, undefined, hints, 0, false) }];
}

function sample(schema: unknown, key: string | undefined, hints: Hints, depth: number, minimal: boolean): unknown {
  const d = defOf(schema);
  if (key !== undefined && hints[key]?.length) return hints[key]![0];
  if (depth > 8) return null;
  const inner = (s: unknown, k = key) => sample(s, k, hints, depth + 1, minimal);
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d['shape'] as Record<string, unknown>)) {
        if (minimal && isOptionalField(v) && !hints[k]?.length) continue;
        out[k] = inner(v, k);
      }
      return out;
    }
    case 'string':
      return sampleString(d, key, hints);
    case 'number':
    case 'int':
      return sampleNumber(d);
    case 'bigint':
      return 0;
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(d['entries'] as Record<string, unknown>)[0];
    case 'literal':
      return (d['values'] as unknown[])[0];
    case 'array': {
      const min = checksOf(d).find((c) => c.check === 'min_length')?.minimum ?? 0;
      return Array.from({ length: minimal ? min : Math.max(1, min) }, () => inner(d['element'], undefined));
    }
    case 'tuple':
      return (d['items'] as unknown[]).map((i) => inner(i, undefined));
    case 'union':
      return inner((d['options'] as unknown[])[0]);
    case 'intersection':
      return { ...(inner(d['left']) as object), ...(inner(d['right']) as object) };
    case 'record':
      return {};
    case 'pipe':
      return inner(d['in']);
    case 'lazy':
      return inner((d['getter'] as () => unknown)());
    case 'date':
      return new Date().toISOString();
    case 'null':
      return null;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'success':
      return inner(d['innerType']);
    default:
      return 'x';
  }
}

/**
 * For each path of `full`: `minimal` with the path's top-level field taken from `full` (so the path exists and
 * everything else stays minimal), and the path.
 */
export function pathsToBreak(samples: Samples): { base: unknown; path: (string | number)[] }[] {
  const { minimal, full } = samples;
  if (full === null || typeof full !== 'object' || Array.isArray(full)) return valuePaths(full).map((path) => ({ base: full, path }));
  return valuePaths(full).map((path) => {
    const top = path[0] as string;
    return { base: { ...(minimal as object), [top]: (full as Record<string, unknown>)[top] }, path };
  });
}

/** Paths (keys and array indexes) of every value inside `value`, containers included, root excluded. */
export function valuePaths(value: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : v !== null && typeof v === 'object' ? Object.entries(v) : [];
    for (const [k, x] of children) {
      out.push([...path, k]);
      walk(x, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

/** A deep copy of `value` with the value at `path` replaced (or removed when `replacement` is REMOVE). */
export const REMOVE = Symbol('remove');
export function withValue(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}
