import { describe, expect, it } from 'vitest';
import { outboxFilterSchema } from './notification-status.js';

// route-fuzz found GET /api/notification/admin/outbox?from=x&to=y answering 500: the object refine compared the raw
// strings with getTime() after both times had failed (zod 4 still runs it).
describe('the 通知发送状态 filter', () => {
  it('answers two bad times with the field errors, not a TypeError', () => {
    const r = outboxFilterSchema.safeParse({ from: 'yesterday', to: 'x' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['开始时间格式不正确', '结束时间格式不正确']);
  });

  it('still refuses a start after the end', () => {
    const r = outboxFilterSchema.safeParse({ from: '2027-02-02T00:00:00Z', to: '2027-02-01T00:00:00Z' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('开始时间不能晚于结束时间');
  });
});
