import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailSinkOptions {
  /** 0 picks a free port */
  port: number;
  /** where `.eml` files go, e.g. `.data/mail` */
  dir: string;
  host?: string;
  /** largest accepted message in bytes (default 10 MB) */
  maxBytes?: number;
}

export interface MailSink {
  port: number;
  close(): Promise<void>;
}

/**
 * An in-process SMTP server for development and tests: accepts any mail (AUTH optional, no TLS) and writes
 * each message as `<dir>/<time>-<uuid>.eml` (written to a temp name, then renamed, so readers never see half a mail).
 */
export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const { dir, host = '127.0.0.1', maxBytes = 10 * 1024 * 1024 } = opts;
  await mkdir(dir, { recursive: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    banner: 'exam dev mail sink',
    size: maxBytes,
    closeTimeout: 1_000,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'dev' });
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
        const file = join(dir, name);
        const tmp = `${file}.tmp`;
        writeFile(tmp, Buffer.concat(chunks), { mode: 0o600 })
          .then(() => rename(tmp, file))
          .then(() => callback(), (err: Error) => callback(err));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => console.error('[mail-sink]', err.message));
  const port = (server.server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    port,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
