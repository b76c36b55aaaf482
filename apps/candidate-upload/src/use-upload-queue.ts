import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImageView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { deleteImage } from './dossier-api';
import { canRetryManually, failureText, newIdempotencyKey, nextRetryDelay, type UploadFailure } from './upload-retry';
import { UploadAttemptError, sendUpload } from './upload-transport';

/** An upload the candidate started that has not been stored yet (shown in its category with progress). */
export interface PendingUpload {
  /** local id */
  id: string;
  categoryCode: string;
  file: File;
  /** the image this upload replaces (重新上传): deleted once the new one is stored, or before when the category is full */
  replaces: ImageView | null;
  deleteFirst: boolean;
  phase: 'uploading' | 'waiting' | 'failed';
  /** 0–100 of the request body */
  percent: number;
  /** automatic retries made in this round */
  retries: number;
  /** when the next automatic retry starts (phase waiting) */
  retryAt: number | null;
  error: string | null;
  /** 重试 offered (phase failed) */
  canRetry: boolean;
}

export interface StartUpload {
  categoryCode: string;
  file: File;
  replaces?: ImageView | null;
  deleteFirst?: boolean;
}

export interface UploadEvents {
  /** an upload was stored (the dossier should be read again) */
  onStored(upload: PendingUpload): void;
  /** something the candidate should hear about (screen readers, message) */
  onAnnounce(text: string, tone: 'info' | 'success' | 'error'): void;
  /** after 取消 or a delete, the server's view may have changed */
  onChanged(): void;
}

interface Runtime {
  key: string;
  controller: AbortController;
  /** the replaced image is gone already (a retry must not delete it again) */
  replacedDeleted: boolean;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new UploadAttemptError({ kind: 'aborted' }));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UploadAttemptError({ kind: 'aborted' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** DELETE of the replaced image, as an upload failure when it fails (404: gone already, fine). */
async function deleteReplaced(image: ImageView, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new UploadAttemptError({ kind: 'aborted' });
  try {
    await deleteImage(image.id);
  } catch (e) {
    if (isApiClientError(e)) {
      if (e.status === 404) return;
      throw new UploadAttemptError(e.status === 0 ? { kind: 'network' } : { kind: 'http', status: e.status, code: e.code, message: e.message });
    }
    throw new UploadAttemptError({ kind: 'network' });
  }
}

let localIds = 0;

/**
 * The candidate's uploads in flight: each gets one idempotency key for all of its attempts, shows its progress,
 * is retried automatically after network errors (1 s, 2 s, 4 s), then offers 重试; 取消 aborts it.
 * Uploads continue while the candidate picks the next photo; leaving the page asks first.
 */
export function useUploadQueue(events: UploadEvents) {
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const runtime = useRef(new Map<string, Runtime>());
  const eventsRef = useRef(events);
  useEffect(() => {
    eventsRef.current = events;
  });

  const patch = useCallback((id: string, change: Partial<PendingUpload>) => {
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));
  }, []);
  const remove = useCallback((id: string) => {
    runtime.current.delete(id);
    setUploads((list) => list.filter((u) => u.id !== id));
  }, []);

  const run = useCallback(
    async (upload: PendingUpload) => {
      const rt = runtime.current.get(upload.id);
      if (!rt) return;
      const { signal } = rt.controller;
      let retries = 0;
      for (;;) {
        patch(upload.id, { phase: 'uploading', percent: 0, retries, retryAt: null, error: null, canRetry: false });
        try {
          if (upload.replaces && upload.deleteFirst && !rt.replacedDeleted) {
            await deleteReplaced(upload.replaces, signal);
            rt.replacedDeleted = true;
          }
          await sendUpload({
            categoryCode: upload.categoryCode,
            file: upload.file,
            idempotencyKey: rt.key,
            signal,
            onProgress: (sent, total) => patch(upload.id, { percent: total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 0 }),
          });
          if (upload.replaces && !rt.replacedDeleted) {
            rt.replacedDeleted = true;
            // the new image is stored: a failed delete only leaves the old one for the candidate to delete
            await deleteReplaced(upload.replaces, signal).catch(() =>
              eventsRef.current.onAnnounce('新图片已上传，但原图片未能删除，请手动删除原图片', 'error'),
            );
          }
          remove(upload.id);
          eventsRef.current.onAnnounce('上传成功，图片正在处理', 'success');
          eventsRef.current.onStored(upload);
          return;
        } catch (e) {
          const failure: UploadFailure = e instanceof UploadAttemptError ? e.failure : { kind: 'network' };
          if (failure.kind === 'aborted') return; // 取消 removed it already
          const delay = nextRetryDelay(failure, retries);
          if (delay === null) {
            const manual = canRetryManually(failure);
            patch(upload.id, {
              phase: 'failed',
              retryAt: null,
              error: failureText(failure) + (failure.kind === 'network' && retries > 0 ? `（已自动重试 ${retries} 次）` : ''),
              canRetry: manual,
            });
            eventsRef.current.onAnnounce(`上传失败：${failureText(failure)}`, 'error');
            if (rt.replacedDeleted) eventsRef.current.onChanged();
            return;
          }
          retries += 1;
          patch(upload.id, { phase: 'waiting', retryAt: Date.now() + delay, retries, error: failureText(failure) });
          try {
            await wait(delay, signal);
          } catch {
            return;
          }
        }
      }
    },
    [patch, remove],
  );

  const start = useCallback(
    ({ categoryCode, file, replaces = null, deleteFirst = false }: StartUpload) => {
      localIds += 1;
      const upload: PendingUpload = {
        id: `upload-${localIds}`,
        categoryCode,
        file,
        replaces,
        deleteFirst,
        phase: 'uploading',
        percent: 0,
        retries: 0,
        retryAt: null,
        error: null,
        canRetry: false,
      };
      // one key per chosen file, reused by every retry of it
      runtime.current.set(upload.id, { key: newIdempotencyKey(), controller: new AbortController(), replacedDeleted: false });
      setUploads((list) => [...list, upload]);
      void run(upload);
    },
    [run],
  );

  /** 重试 after the automatic retries: a fresh round with the same key. */
  const retry = useCallback(
    (id: string) => {
      const rt = runtime.current.get(id);
      const upload = uploads.find((u) => u.id === id);
      if (!rt || !upload) return;
      rt.controller = new AbortController();
      void run(upload);
    },
    [run, uploads],
  );

  /** 取消: stops the request (or the wait before a retry) and forgets the upload. */
  const cancel = useCallback(
    (id: string) => {
      const rt = runtime.current.get(id);
      rt?.controller.abort();
      remove(id);
      eventsRef.current.onAnnounce('已取消上传', 'info');
      // the request may have reached the server before it was stopped: show what the server has
      eventsRef.current.onChanged();
    },
    [remove],
  );

  // leaving the page with an upload in flight loses it: the browser asks first
  const busy = uploads.length > 0;
  useEffect(() => {
    if (!busy) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [busy]);

  // the page unmounts (logout, another route): stop everything
  useEffect(() => {
    const all = runtime.current;
    return () => {
      for (const rt of all.values()) rt.controller.abort();
      all.clear();
    };
  }, []);

  return { uploads, start, retry, cancel };
}
