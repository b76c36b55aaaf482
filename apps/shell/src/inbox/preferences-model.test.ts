import { describe, expect, it } from 'vitest';
import type { NotificationPreferenceEvent } from '@exam/api';
import { lockedReason, toggled } from './preferences-model';

const ev = (code: string, mandatory: boolean, EMAIL = true, SMS = true): NotificationPreferenceEvent => ({
  code,
  label: code,
  mandatory,
  channels: { INAPP: true, EMAIL, SMS },
});

describe('通知设置 model', () => {
  it('mandatory notices and the in-app channel are locked, with the reason shown', () => {
    expect(lockedReason(ev('RESULT_PUBLISHED', true), 'SMS')).toBe('必须接收');
    expect(lockedReason(ev('SUBMITTED', false), 'INAPP')).toBe('站内信始终接收');
    expect(lockedReason(ev('SUBMITTED', false), 'EMAIL')).toBeNull();
  });
  it('a switch turned off adds the notice to that channel’s muted list; on removes it; mandatory ones are never sent', () => {
    const events = [ev('SUBMITTED', false, true, false), ev('SITE_PASSED', false), ev('RETURNED', true, false, false)];
    expect(toggled(events, 'SITE_PASSED', 'EMAIL', false)).toEqual({ muted: { EMAIL: ['SITE_PASSED'], SMS: ['SUBMITTED'] } });
    expect(toggled(events, 'SUBMITTED', 'SMS', true)).toEqual({ muted: { EMAIL: [], SMS: [] } });
  });
});
