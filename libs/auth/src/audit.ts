import type { Prisma, PrismaClient } from '@exam/db';
import type { AuthContext } from './auth-context.js';

export interface AuditEntry {
  actorType: 'CANDIDATE' | 'STAFF' | 'SYSTEM';
  actorId?: string | null;
  /** dotted verb, e.g. identity.login, identity.login_failed, material.image_view */
  action: string;
  targetType: string;
  targetId?: string | null;
  candidateId?: string | null;
  ip?: string | null;
  /** Small JSON context. Never ID numbers, passwords or tokens: such keys and ID-number-like values are dropped. */
  details?: Record<string, unknown>;
}

/** A PrismaClient or a transaction client. */
export type AuditWriter = { auditLog: Pick<PrismaClient['auditLog'], 'create'> };

const FORBIDDEN_KEY = /password|idnumber|id_number|token|secret|cookie|authorization/i;
const ID_NUMBER_LIKE = /\b\d{17}[\dXx]\b|\b\d{15}\b/g;

/** Removes sensitive keys and masks anything that looks like a Chinese ID number. */
export function sanitizeAuditDetails(value: unknown, depth = 0): unknown {
  if (depth > 5) return '[TRUNCATED]';
  if (typeof value === 'string') return value.replace(ID_NUMBER_LIKE, '[REDACTED]').slice(0, 2000);
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => sanitizeAuditDetails(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN_KEY.test(k) || v === undefined) continue;
      out[k] = sanitizeAuditDetails(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** The audit actor of an authenticated caller. */
export function auditActor(auth: Pick<AuthContext, 'role' | 'user'>): Pick<AuditEntry, 'actorType' | 'actorId'> {
  return { actorType: auth.role === 'CANDIDATE' ? 'CANDIDATE' : 'STAFF', actorId: auth.user.id };
}

function auditRow(entry: AuditEntry) {
  return {
    actorType: entry.actorType,
    actorId: entry.actorId ?? null,
    action: entry.action.slice(0, 64),
    targetType: entry.targetType.slice(0, 32),
    targetId: entry.targetId?.slice(0, 64) ?? null,
    candidateId: entry.candidateId ?? null,
    ip: entry.ip?.slice(0, 64) ?? null,
    ...(entry.details ? { details: sanitizeAuditDetails(entry.details) as Prisma.InputJsonValue } : {}),
  };
}

/** Appends one AuditLog row (the table is append-only: nothing updates or deletes it); returns its id. */
export async function writeAudit(db: AuditWriter, entry: AuditEntry): Promise<bigint> {
  const row = await db.auditLog.create({ data: auditRow(entry), select: { id: true } });
  return row.id;
}

/** Appends many AuditLog rows in one statement (a bulk state change, e.g. the deadline lock of a batch). */
export async function writeAudits(db: { auditLog: Pick<PrismaClient['auditLog'], 'createMany'> }, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length) await db.auditLog.createMany({ data: entries.map(auditRow) });
}
