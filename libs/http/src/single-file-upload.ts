import type { RequestHandler } from 'express';
import multer from 'multer';
import { DomainError } from '@exam/domain';
import { findInvalidText, invalidTextError } from './input-guard.js';

export interface SingleFileUploadOptions {
  /** the form field of the file */
  field: string;
  limits: multer.Options['limits'];
  /** what the user reads when the body cannot be read at all (no boundary, cut short, malformed part headers …) */
  unreadableMessage: string;
  /** 'utf8' to read Chinese file names as browsers send them */
  defParamCharset?: string;
}

/**
 * A multipart parser for one file held in memory (every upload route uses it). Whatever goes wrong while reading the
 * body is the request's fault: multer's limit errors pass on for the route's own mapper (they name the limit),
 * busboy's answer 400 UPLOAD_INVALID with `unreadableMessage`; the text fields must be valid text, as JSON bodies
 * must (the input guard).
 */
export function singleFileUpload(opts: SingleFileUploadOptions): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: opts.limits,
    ...(opts.defParamCharset ? { defParamCharset: opts.defParamCharset } : {}),
  }).single(opts.field);
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        next(err instanceof multer.MulterError ? err : new DomainError('UPLOAD_INVALID', opts.unreadableMessage, 400));
        return;
      }
      const field = findInvalidText(req.body);
      next(field === undefined ? undefined : invalidTextError('body', field));
    });
  };
}
