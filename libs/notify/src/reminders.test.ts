import { describe, expect, it } from 'vitest';
import {
  OPTIONAL_NOTICES,
  isMuted,
  parseReminderEventKey,
  preferenceProblems,
  readMuted,
  reminderDue,
  reminderEventKey,
  stillNeedsReminder,
} from './index.js';

const H = 3600_000;
const deadline = new Date('2026-02-11T16:00:00Z');
const at = (hoursBefore: number) => new Date(deadline.getTime() - hoursBefore * H);

describe('reminderDue', () => {
  it('window 24 h: due inside (2 h, 24 h] before the end, not before, not in the 2 h band, not after', () => {
    expect(reminderDue('WINDOW_CLOSING_24H', { deadline, now: at(25), doneAt: null })).toBe(false);
    expect(reminderDue('WINDOW_CLOSING_24H', { deadline, now: at(24), doneAt: null })).toBe(true);
    expect(reminderDue('WINDOW_CLOSING_24H', { deadline, now: at(3), doneAt: null })).toBe(true);
    expect(reminderDue('WINDOW_CLOSING_24H', { deadline, now: at(2), doneAt: null })).toBe(false);
    expect(reminderDue('WINDOW_CLOSING_24H', { deadline, now: at(0), doneAt: null })).toBe(false);
  });
  it('window 2 h: due inside (0, 2 h]', () => {
    expect(reminderDue('WINDOW_CLOSING_2H', { deadline, now: at(2.01), doneAt: null })).toBe(false);
    expect(reminderDue('WINDOW_CLOSING_2H', { deadline, now: at(2), doneAt: null })).toBe(true);
    expect(reminderDue('WINDOW_CLOSING_2H', { deadline, now: at(0.01), doneAt: null })).toBe(true);
    expect(reminderDue('WINDOW_CLOSING_2H', { deadline, now: at(-1), doneAt: null })).toBe(false);
  });
  it('a reminder already fanned out is never due again', () => {
    expect(reminderDue('WINDOW_CLOSING_2H', { deadline, now: at(1), doneAt: at(1.5) })).toBe(false);
  });
  it('return 24 h: due in its band unless the return was opened inside the band', () => {
    expect(reminderDue('RETURN_DEADLINE_24H', { deadline, now: at(10), doneAt: null, openedAt: at(72) })).toBe(true);
    expect(reminderDue('RETURN_DEADLINE_24H', { deadline, now: at(30), doneAt: null, openedAt: at(72) })).toBe(false);
    expect(reminderDue('RETURN_DEADLINE_24H', { deadline, now: at(10), doneAt: null, openedAt: at(12) })).toBe(false);
    expect(reminderDue('RETURN_DEADLINE_24H', { deadline, now: at(10), doneAt: null, openedAt: at(24) })).toBe(false);
  });
});

describe('stillNeedsReminder', () => {
  it('window reminders: only a candidate who has not submitted (no dossier or DRAFT)', () => {
    expect(stillNeedsReminder('WINDOW_CLOSING_24H', { dossierStatus: null })).toBe(true);
    expect(stillNeedsReminder('WINDOW_CLOSING_2H', { dossierStatus: 'DRAFT' })).toBe(true);
    for (const s of ['PENDING_SITE', 'RETURNED', 'PENDING_DISTRICT', 'APPROVED', 'REJECTED', 'NOT_SUBMITTED'] as const) {
      expect(stillNeedsReminder('WINDOW_CLOSING_2H', { dossierStatus: s })).toBe(false);
    }
  });
  it('return reminders: only while RETURNED with that return open', () => {
    expect(stillNeedsReminder('RETURN_DEADLINE_24H', { dossierStatus: 'RETURNED', returnOpen: true })).toBe(true);
    expect(stillNeedsReminder('RETURN_DEADLINE_24H', { dossierStatus: 'RETURNED', returnOpen: false })).toBe(false);
    expect(stillNeedsReminder('RETURN_DEADLINE_24H', { dossierStatus: 'PENDING_DISTRICT', returnOpen: true })).toBe(false);
  });
});

describe('reminder event keys', () => {
  const y = '0190aa00-0000-7000-8000-000000000001';
  const c = '0190aa00-0000-7000-8000-000000000002';
  it('round-trip and fit the column (128)', () => {
    const k = reminderEventKey('WINDOW_CLOSING_24H', y, c);
    expect(k.length).toBeLessThanOrEqual(128);
    expect(parseReminderEventKey(k)).toEqual({ kind: 'WINDOW_CLOSING_24H', subjectId: y });
    expect(parseReminderEventKey(reminderEventKey('RETURN_DEADLINE_24H', y, c))).toEqual({ kind: 'RETURN_DEADLINE_24H', subjectId: y });
    expect(reminderEventKey('WINDOW_CLOSING_24H', y, c)).not.toBe(reminderEventKey('WINDOW_CLOSING_2H', y, c));
  });
  it('other events are not reminders', () => {
    expect(parseReminderEventKey(`transition:${y}`)).toBeNull();
    expect(parseReminderEventKey(`reminder:SUBMITTED:${y}`)).toBeNull();
  });
});

describe('preferences', () => {
  it('optional notices are exactly the non-mandatory ones; results, returns and deadlines are mandatory', () => {
    expect([...OPTIONAL_NOTICES].sort()).toEqual(['RESUBMITTED', 'SITE_PASSED', 'SITE_REVIEWED', 'SUBMITTED']);
  });
  it('isMuted: an optional notice on a muted channel only; never in-app, never a mandatory notice', () => {
    const muted = readMuted({ EMAIL: ['SUBMITTED'], SMS: ['SUBMITTED', 'RETURNED'] });
    expect(isMuted(muted, 'SUBMITTED', 'EMAIL')).toBe(true);
    expect(isMuted(muted, 'SUBMITTED', 'SMS')).toBe(true);
    expect(isMuted(muted, 'SUBMITTED', 'INAPP')).toBe(false);
    expect(isMuted(muted, 'SITE_PASSED', 'EMAIL')).toBe(false);
    expect(isMuted(muted, 'RETURNED', 'SMS')).toBe(false);
  });
  it('readMuted drops junk, unknown channels and mandatory codes', () => {
    expect(readMuted(null)).toEqual({});
    expect(readMuted([1])).toEqual({});
    expect(readMuted({ INAPP: ['SUBMITTED'], EMAIL: ['NOPE', 'RESULT_PUBLISHED', 3, 'SITE_PASSED', 'SITE_PASSED'] })).toEqual({ EMAIL: ['SITE_PASSED'] });
  });
  it('preferenceProblems names mandatory, unknown and in-app requests', () => {
    expect(preferenceProblems({ EMAIL: ['SUBMITTED'], SMS: [] })).toEqual([]);
    expect(preferenceProblems({ SMS: ['RETURNED', 'X'], INAPP: ['SUBMITTED'] })).toEqual([
      { code: 'RETURNED', channel: 'SMS', why: 'MANDATORY' },
      { code: 'X', channel: 'SMS', why: 'UNKNOWN_EVENT' },
      { code: 'SUBMITTED', channel: 'INAPP', why: 'INAPP' },
    ]);
  });
});
