import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@exam/config';
import { newBlobKey } from '@exam/storage';
import { rosterKeys } from '@exam/roster';
import { pruneAuditLog, purgeRawUploads, purgeRosterUploads } from './retention.service.js';
import { startWorkerApp } from './worker-app.js';
import { createFixture, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

const DAY = 24 * 3600_000;

describe('retention: raw-upload purge and audit log (real Postgres, Redis and BullMQ worker)', () => {
  let f: Fixture;
  let dossierId: string;
  let candidateId: string;
  beforeAll(async () => {
    f = await createFixture();
    const { year, site } = await seedYear(f.prisma);
    const c = await seedCandidate(f.prisma, year.id, site.id);
    dossierId = c.dossier.id;
    candidateId = c.candidate.id;
  });
  afterAll(() => f?.close());

  /** An image row with its blobs stored, in the given end state. */
  async function image(opts: { state: 'READY' | 'REJECTED' | 'PROCESSING'; processedAt?: Date | null; deletedAt?: Date | null }) {
    const ready = opts.state === 'READY';
    const keys = {
      storageKey: newBlobKey(ready ? 'originals' : 'uploads'),
      thumbKey: ready ? newBlobKey('thumbs') : null,
      previewKey: ready ? newBlobKey('previews') : null,
    };
    for (const k of Object.values(keys)) if (k) await f.storage.put(k, Buffer.from(`bytes of ${k}`));
    const row = await f.prisma.image.create({
      data: {
        dossierId,
        categoryCode: 'GRAD_CERT',
        ...keys,
        sha256: '0'.repeat(64),
        sizeBytes: 10,
        state: opts.state,
        reason: opts.state === 'REJECTED' ? '文件已损坏或不完整，无法识别为图片，请重新上传' : null,
        uploadedAt: new Date(Date.now() - 30 * DAY),
        processedAt: opts.processedAt ?? null,
        deletedAt: opts.deletedAt ?? null,
      },
    });
    return { row, keys: Object.values(keys).filter((k): k is string => !!k) };
  }
  const exists = async (keys: string[]) => Promise.all(keys.map((k) => f.storage.exists(k)));

  it('a rejected image’s raw bytes are gone after the retention period, its row stays', async () => {
    const now = Date.now();
    const rejectedOld = await image({ state: 'REJECTED', processedAt: new Date(now - 8 * DAY) });
    const deletedOld = await image({ state: 'READY', processedAt: new Date(now - 20 * DAY), deletedAt: new Date(now - 8 * DAY) });
    const deletedWhileProcessing = await image({ state: 'PROCESSING', deletedAt: new Date(now - 9 * DAY) });
    const rejectedRecently = await image({ state: 'REJECTED', processedAt: new Date(now - 2 * DAY) });
    const deletedRecently = await image({ state: 'READY', processedAt: new Date(now - 20 * DAY), deletedAt: new Date(now - 1 * DAY) });
    const live = await image({ state: 'READY', processedAt: new Date(now - 20 * DAY) });
    await f.prisma.auditLog.create({
      data: { actorType: 'CANDIDATE', actorId: candidateId, action: 'material.image_upload', targetType: 'Image', targetId: rejectedOld.row.id, candidateId },
    });

    const r = await purgeRawUploads(f.deps, { batchSize: 2 }); // 3 due, in batches of 2
    expect(r).toEqual({ images: 3, failed: 0 });
    for (const gone of [rejectedOld, deletedOld, deletedWhileProcessing]) {
      expect(await exists(gone.keys)).toEqual(gone.keys.map(() => false));
      const row = await f.prisma.image.findUniqueOrThrow({ where: { id: gone.row.id } });
      expect(row.rawPurgedAt).toBeInstanceOf(Date);
      expect({ state: row.state, reason: row.reason, deletedAt: row.deletedAt }).toEqual({
        state: gone.row.state,
        reason: gone.row.reason,
        deletedAt: gone.row.deletedAt,
      });
    }
    for (const kept of [rejectedRecently, deletedRecently, live]) {
      expect(await exists(kept.keys)).toEqual(kept.keys.map(() => true));
      expect((await f.prisma.image.findUniqueOrThrow({ where: { id: kept.row.id } })).rawPurgedAt).toBeNull();
    }
    expect(await f.prisma.auditLog.count({ where: { targetId: rejectedOld.row.id } })).toBe(1);

    // idempotent: nothing left to do; a week later the recent ones follow
    expect(await purgeRawUploads(f.deps)).toEqual({ images: 0, failed: 0 });
    f.clock.set(new Date(now + 7 * DAY));
    try {
      expect((await purgeRawUploads(f.deps)).images).toBe(2);
      expect(await exists(live.keys)).toEqual(live.keys.map(() => true));
    } finally {
      f.clock.set(new Date(now));
    }
  });

  it('the retention period is configurable (RAW_UPLOAD_RETENTION_DAYS)', async () => {
    const rejected = await image({ state: 'REJECTED', processedAt: new Date(Date.now() - 2 * DAY) });
    expect((await purgeRawUploads(f.deps)).images).toBe(0);
    expect((await purgeRawUploads({ ...f.deps, retention: { rawUploadDays: 1 } })).images).toBe(1);
    expect(await exists(rejected.keys)).toEqual([false]);
  });

  it('runs as the repeatable deadline.purge-raw job', async () => {
    const rejected = await image({ state: 'REJECTED', processedAt: new Date(Date.now() - 10 * DAY) });
    const rt = f.startWorkers(['deadline']);
    try {
      await f.producer.add('deadline.purge-raw', {});
      await waitFor(async () => (await f.prisma.image.findUniqueOrThrow({ where: { id: rejected.row.id } })).rawPurgedAt);
      expect(await exists(rejected.keys)).toEqual([false]);
    } finally {
      await rt.close(5_000);
    }
  });

  /** An audit row dated `ageSql` before the database's now (the trigger judges age by the database clock). */
  async function auditRow(ageSql: string, action: string): Promise<bigint> {
    const [row] = await f.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO "AuditLog" ("at", "actorType", "action", "targetType") VALUES (now() - interval '${ageSql}', 'SYSTEM', $1, 'Test') RETURNING id`,
      action,
    );
    return row!.id;
  }

  it('deletes audit rows older than the retention (default 3 years), in batches, and keeps the younger ones', async () => {
    await auditRow('4 years', 'test.old');
    await auditRow('1100 days', 'test.old');
    await auditRow('1096 days', 'test.old');
    await auditRow('200 days', 'test.mid');
    await auditRow('10 days', 'test.recent');
    expect(await pruneAuditLog(f.deps, { batchSize: 2 })).toEqual({ deleted: 3 });
    expect(await f.prisma.auditLog.count({ where: { action: 'test.old' } })).toBe(0);
    expect(await f.prisma.auditLog.count({ where: { action: { in: ['test.mid', 'test.recent'] } } })).toBe(2);
    // a shorter retention (never under 180 days) reaches further back, and never a row the database would refuse
    expect(await pruneAuditLog({ ...f.deps, retention: { auditDays: 180 } })).toEqual({ deleted: 1 });
    expect(await f.prisma.auditLog.count({ where: { action: 'test.recent' } })).toBe(1);
    expect(await pruneAuditLog(f.deps)).toEqual({ deleted: 0 });
  });

  it('deletes a roster file that was never imported after the retention period (its upload audit row finds it); reports stay', async () => {
    const uploaded = async (ageSql: string) => {
      const importId = randomUUID();
      const keys = rosterKeys(importId);
      await f.storage.put(keys.source, Buffer.from('报名号,证件号码\n1,120101199001011234\n'));
      await f.storage.put(keys.dryRun, Buffer.from('{}'));
      await f.prisma.$executeRawUnsafe(
        `INSERT INTO "AuditLog" ("at", "actorType", "action", "targetType", "details") VALUES (now() - interval '${ageSql}', 'STAFF', 'roster.uploaded', 'ExamYear', $1::jsonb)`,
        JSON.stringify({ importId, fileName: 'roster.csv', size: 40 }),
      );
      return keys;
    };
    const old = await uploaded('8 days');
    const recent = await uploaded('2 days');
    expect(await purgeRosterUploads(f.deps)).toMatchObject({ failed: 0 });
    expect(await f.storage.exists(old.source)).toBe(false);
    expect(await f.storage.exists(old.dryRun)).toBe(true);
    expect(await f.storage.exists(recent.source)).toBe(true);
    // again: nothing left to do, nothing fails
    expect(await purgeRosterUploads(f.deps)).toMatchObject({ failed: 0 });
    expect(await f.storage.exists(recent.source)).toBe(true);
  });

  it('the database itself refuses UPDATE and DELETE of a recent audit row, and TRUNCATE (append-only trigger)', async () => {
    const recent = await auditRow('1 day', 'test.trigger');
    await expect(f.prisma.$executeRaw`UPDATE "AuditLog" SET "action" = 'rewritten' WHERE id = ${recent}`).rejects.toThrow(/append-only/);
    await expect(f.prisma.$executeRaw`DELETE FROM "AuditLog" WHERE id = ${recent}`).rejects.toThrow(/append-only/);
    await expect(f.prisma.$executeRawUnsafe('TRUNCATE "AuditLog"')).rejects.toThrow(/append-only/);
    expect(await f.prisma.auditLog.findUniqueOrThrow({ where: { id: recent } })).toMatchObject({ action: 'test.trigger' });
    // an old row may be deleted (that is what the retention job does), but not rewritten
    const old = await auditRow('181 days', 'test.trigger-old');
    await expect(f.prisma.$executeRaw`UPDATE "AuditLog" SET "action" = 'rewritten' WHERE id = ${old}`).rejects.toThrow(/append-only/);
    expect(await f.prisma.$executeRaw`DELETE FROM "AuditLog" WHERE id = ${old}`).toBe(1);
  });

  it('refuses an audit retention under 180 days: in the job and at worker start', async () => {
    await expect(pruneAuditLog({ ...f.deps, retention: { auditDays: 179 } })).rejects.toThrow(/>= 180/);
    expect(() => loadConfig(['AUDIT_RETENTION_DAYS'], { AUDIT_RETENTION_DAYS: '90' })).toThrow(ConfigError);
    expect(loadConfig(['AUDIT_RETENTION_DAYS', 'RAW_UPLOAD_RETENTION_DAYS'], {})).toEqual({ AUDIT_RETENTION_DAYS: 1095, RAW_UPLOAD_RETENTION_DAYS: 7 });
    await expect(
      startWorkerApp({ DATABASE_URL: f.databaseUrl, WORKER_QUEUES: 'deadline', LOG_LEVEL: 'silent', AUDIT_RETENTION_DAYS: '90' }),
    ).rejects.toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
