import type { NotificationPreferenceEvent, NotificationPreferencesRequest, NotificationPreferencesResponse } from '@exam/api';

export const PREFERENCES_PATH = '/api/notification/preferences';

/** The columns of 通知设置, in order: in-app is always on (the inbox keeps every notice). */
export const PREFERENCE_CHANNELS = [
  { key: 'INAPP', label: '站内信' },
  { key: 'EMAIL', label: '邮件' },
  { key: 'SMS', label: '短信' },
] as const;
export type PreferenceChannel = (typeof PREFERENCE_CHANNELS)[number]['key'];

/** Why a switch cannot be changed, or null when it can. */
export function lockedReason(e: NotificationPreferenceEvent, channel: PreferenceChannel): string | null {
  if (e.mandatory) return '必须接收';
  if (channel === 'INAPP') return '站内信始终接收';
  return null;
}

/** The PUT body after one switch changed: every optional notice switched off, per mutable channel. */
export function toggled(events: readonly NotificationPreferenceEvent[], code: string, channel: 'EMAIL' | 'SMS', on: boolean): NotificationPreferencesRequest {
  const next = events.map((e) => (e.code === code ? { ...e, channels: { ...e.channels, [channel]: on } } : e));
  const off = (ch: 'EMAIL' | 'SMS') => next.filter((e) => !e.mandatory && !e.channels[ch]).map((e) => e.code);
  return { muted: { EMAIL: off('EMAIL'), SMS: off('SMS') } };
}

/** The events with one switch flipped (shown at once; the server's answer replaces it). */
export function withSwitch(p: NotificationPreferencesResponse, code: string, channel: 'EMAIL' | 'SMS', on: boolean): NotificationPreferencesResponse {
  return { ...p, events: p.events.map((e) => (e.code === code ? { ...e, channels: { ...e.channels, [channel]: on } } : e)) };
}
