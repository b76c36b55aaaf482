import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { startMailSink } from './mail-sink.js';

describe('mail sink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail-sink-'));
  const sink = await startMailSink({ port: 0, dir });
  afterAll(async () => {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a mail sent with nodemailer as an .eml file', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false });
    try {
      await transport.sendMail({
        from: '医师资格考试审核系统 <noreply@exam.local>',
        to: 'candidate@example.com',
        subject: '报名材料提交成功',
        text: '考生张三的报名材料已提交成功。',
      });
    } finally {
      transport.close();
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = await readFile(join(dir, files[0] ?? ''), 'utf8');
    expect(eml).toMatch(/^To: candidate@example\.com/m);
    expect(eml).toMatch(/^Subject: .+/m);
  });

  it('accepts a client that authenticates', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      auth: { user: 'any', pass: 'thing' },
    });
    try {
      await transport.sendMail({ from: 'a@exam.local', to: 'unit@example.com', subject: 'x', text: 'y' });
    } finally {
      transport.close();
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
  });
});
