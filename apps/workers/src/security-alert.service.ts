import type { WorkerDeps } from './deps.js';

const KIND_TEXT: Record<string, string> = {
  ACCOUNT_BLOCKED: '账号连续验证失败，已暂时阻止从陌生设备继续尝试',
  IP_THROTTLED: '同一 IP 地址验证失败次数过多，已暂时阻止',
  NETWORK_THROTTLED: '同一网段验证失败次数过多，已暂时阻止',
};
const ACTION_TEXT: Record<string, string> = {
  login: '登录',
  activate: '账号激活',
  reset: '找回密码',
  'sms-code': '获取验证码',
  totp: '身份验证器验证码',
};

/**
 * Mails the operators one security alert (SECURITY_ALERT_EMAIL). The AuditLog row is the alert; this only tells
 * someone. Idempotent: the Message-ID is derived from the row, so a retried job is recognisably the same mail.
 * The account name is masked: an alert mailbox is not a place for full 报名号.
 */
export async function sendSecurityAlert(deps: WorkerDeps, auditId: string): Promise<'sent' | 'skipped'> {
  if (!deps.securityAlertEmail) return 'skipped';
  if (!/^\d{1,19}$/.test(auditId)) return 'skipped';
  const row = await deps.prisma.auditLog.findUnique({ where: { id: BigInt(auditId) } });
  if (!row || row.action !== 'security.alert') return 'skipped';
  const d = (row.details ?? {}) as Record<string, unknown>;
  const kind = String(d['kind'] ?? '');
  const account = typeof d['account'] === 'string' ? maskAccount(d['account']) : null;
  const lines = [
    `${KIND_TEXT[kind] ?? kind}。`,
    `时间：${row.at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}（北京时间）`,
    `操作：${ACTION_TEXT[String(d['action'])] ?? String(d['action'] ?? '')}`,
    ...(account ? [`账号：${account}`] : []),
    ...(row.ip ? [`来源 IP：${row.ip}`] : []),
    ...(typeof d['network'] === 'string' ? [`网段：${d['network']}`] : []),
    ...(typeof d['blockSeconds'] === 'number' ? [`阻止时长：${Math.round(d['blockSeconds'] / 60)} 分钟（当日第 ${String(d['blockCount'])} 次）`] : []),
    '',
    '账号本人在其常用设备上仍可正常登录。若同一时段出现大量此类告警，可能是针对考生账号的集中猜测攻击，请核查访问日志。',
    `审计记录编号：${auditId}`,
  ];
  await deps.email.send({
    to: deps.securityAlertEmail,
    subject: `【安全告警】${KIND_TEXT[kind] ?? kind}`,
    text: lines.join('\n'),
    messageId: `<security-alert-${auditId}@exam.local>`,
  });
  return 'sent';
}

/** cand:2026120001 → cand:2026****01 */
function maskAccount(account: string): string {
  const [kind, name = ''] = account.split(/:(.*)/s);
  const masked = name.length <= 4 ? '****' : `${name.slice(0, Math.min(4, name.length - 4))}****${name.slice(-2)}`;
  return `${kind}:${masked}`;
}
