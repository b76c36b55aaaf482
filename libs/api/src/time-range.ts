import { z } from 'zod';

/** An ISO-8601 instant in a query or body, parsed to a Date; `what` names the field in the Chinese error. */
export const isoTimeParam = (what: string) =>
  z
    .string()
    .trim()
    .max(40, `${what}格式不正确`)
    .refine((s) => !Number.isNaN(Date.parse(s)), `${what}格式不正确`)
    .transform((s) => new Date(s));

const isDate = (d: unknown): d is Date => d instanceof Date;

/**
 * `superRefine` of an object with optional `from`/`to` times: `from` not after `to` (issue on `from`), and when
 * `maxDays` is given at most that many days apart (issue on `to`). zod 4 runs an object refine even when a field
 * failed (the field is then the raw string, its transform did not run), so only real dates are compared — comparing
 * the strings once threw a 500.
 */
export function checkTimeRange(maxDays?: number) {
  return (f: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx): void => {
    if (!isDate(f.from) || !isDate(f.to)) return;
    if (f.from.getTime() > f.to.getTime()) ctx.addIssue({ code: 'custom', message: '开始时间不能晚于结束时间', path: ['from'] });
    else if (maxDays !== undefined && f.to.getTime() - f.from.getTime() > maxDays * 86_400_000)
      ctx.addIssue({ code: 'custom', message: `时间范围不能超过 ${maxDays} 天`, path: ['to'] });
  };
}
