import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The code of the newest account-code SMS to `phone` sent after `sentAfter`, from the dev SMS sink of the system
 * whose data directory is `dataDir` (`<dataDir>/sms/sms.jsonl`, one JSON line per message: template ACCOUNT_CODE
 * with params { code, action }). Waits up to 10 s for it.
 */
export async function smsCode(dataDir: string, phone: string, sentAfter: number): Promise<string> {
  const file = join(dataDir, 'sms', 'sms.jsonl');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const code = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { at: string; to: string; templateCode: string; params: { code?: string } })
      .filter((m) => m.to === phone && m.templateCode === 'ACCOUNT_CODE' && Date.parse(m.at) >= sentAfter - 1000)
      .map((m) => m.params.code)
      .at(-1);
    if (code) return code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no account-code SMS to ${phone}`);
}
