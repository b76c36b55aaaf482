import type { DossierStatus } from '@exam/domain';
import type { TemplateCode } from './templates.js';

/**
 * Reminders (issue 7 item 1), without I/O: which deadline a reminder is about, when it is due, who still needs it,
 * and the outbox event key of one candidate's reminder. Recipients are chosen when the reminder runs; a row is
 * re-checked before it is delivered (`stillNeedsReminder`), and it expires at the deadline itself.
 */

export const REMINDER_KINDS = ['WINDOW_CLOSING_24H', 'WINDOW_CLOSING_2H', 'RETURN_DEADLINE_24H'] as const satisfies readonly TemplateCode[];
export type ReminderKind = (typeof REMINDER_KINDS)[number];

const HOUR = 3600_000;
/** How long before its deadline each reminder is sent. */
export const REMINDER_LEAD_MS: Readonly<Record<ReminderKind, number>> = Object.freeze({
  WINDOW_CLOSING_24H: 24 * HOUR,
  WINDOW_CLOSING_2H: 2 * HOUR,
  RETURN_DEADLINE_24H: 24 * HOUR,
});

export const isReminderKind = (v: string): v is ReminderKind => (REMINDER_KINDS as readonly string[]).includes(v);

/** The subject of a reminder: an exam year's upload window or one return. */
export const reminderSubject = (kind: ReminderKind): 'window' | 'return' => (kind === 'RETURN_DEADLINE_24H' ? 'return' : 'window');

export interface ReminderTiming {
  /** the deadline: end of the upload window, or the return deadline */
  deadline: Date;
  now: Date;
  /** when it was already fanned out (ExamYear.windowReminder24hAt…, Return.reminder24hAt) */
  doneAt: Date | null;
  /** a return: when it was made (a return given less than 24 h is not reminded: its RETURNED notice names the deadline) */
  openedAt?: Date;
}

/**
 * Is the reminder due now: not done yet, and `now` in its band [deadline − lead, deadline). The 24 h window reminder is
 * no longer sent once the 2 h band began (the 2 h one says it better); a return opened inside its 24 h band gets none.
 * A worker that was down catches up while the band lasts; after the deadline nothing is sent.
 */
export function reminderDue(kind: ReminderKind, t: ReminderTiming): boolean {
  if (t.doneAt) return false;
  const left = t.deadline.getTime() - t.now.getTime();
  if (left <= 0 || left > REMINDER_LEAD_MS[kind]) return false;
  if (kind === 'WINDOW_CLOSING_24H' && left <= REMINDER_LEAD_MS.WINDOW_CLOSING_2H) return false;
  if (kind === 'RETURN_DEADLINE_24H' && t.openedAt && t.deadline.getTime() - t.openedAt.getTime() <= REMINDER_LEAD_MS[kind]) return false;
  return true;
}

/** What a reminder's recipient looks like at the moment of the check. */
export interface ReminderRecipientState {
  /** the candidate's dossier status; null: no dossier yet (nothing uploaded, not submitted) */
  dossierStatus: DossierStatus | null;
  /** return reminders: is the return still open (not resubmitted, not expired) */
  returnOpen?: boolean;
}

/**
 * Does this candidate still need the reminder: a window reminder while the dossier is not submitted (no dossier, or
 * DRAFT); a return reminder while the dossier is RETURNED and that return is still open. A candidate who submitted or
 * resubmitted in the meantime gets nothing.
 */
export function stillNeedsReminder(kind: ReminderKind, s: ReminderRecipientState): boolean {
  if (reminderSubject(kind) === 'window') return s.dossierStatus === null || s.dossierStatus === 'DRAFT';
  return s.dossierStatus === 'RETURNED' && s.returnOpen === true;
}

/** The outbox event key of one candidate's reminder (unique per recipient and channel: a re-run adds nothing). */
export function reminderEventKey(kind: ReminderKind, subjectId: string, candidateId: string): string {
  return reminderSubject(kind) === 'window' ? `reminder:${kind}:${subjectId}:${candidateId}` : `reminder:${kind}:${subjectId}`;
}

export interface ParsedReminderKey {
  kind: ReminderKind;
  /** exam year id (window) or return id */
  subjectId: string;
}

/** The reminder an outbox event key belongs to, or null for any other event. */
export function parseReminderEventKey(eventKey: string): ParsedReminderKey | null {
  const [prefix, kind, subjectId] = eventKey.split(':');
  if (prefix !== 'reminder' || !kind || !subjectId || !isReminderKind(kind)) return null;
  return { kind, subjectId };
}

/** The outbox event type of a reminder. */
export const reminderEventType = (kind: ReminderKind) => `reminder.${kind.toLowerCase()}`;
