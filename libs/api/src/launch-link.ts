import { z } from 'zod';
import type { SessionUser } from './index.js';

/** What every malformed launch link is told (the page adds the link to the normal login). */
export const LAUNCH_LINK_MALFORMED_MESSAGE = '链接无效：链接不完整或格式不正确。请回到报名系统重新点击【上传相关材料】';

const param = (max: number) => z.string({ error: LAUNCH_LINK_MALFORMED_MESSAGE }).max(max, LAUNCH_LINK_MALFORMED_MESSAGE);

/**
 * Body of POST /api/identity/launch: the query parameters of the registration system's signed launch link
 * (docs/INTEGRATION.md §1), as the shell's /launch page read them. Only lengths here; libs/auth launch-link judges the rest.
 */
export const launchLinkSchema = z.object({
  v: param(8),
  kid: param(64),
  rn: param(64),
  yr: param(32),
  exp: param(16),
  nonce: param(128),
  sig: param(128),
});
export type LaunchLinkRequest = z.infer<typeof launchLinkSchema>;

/**
 * Answer of POST /api/identity/launch: an activated candidate is logged in (session cookies set, `user`);
 * one not activated yet gets no session and goes to 账号激活 with the 报名号 filled in.
 */
export type LaunchResponse = { next: 'UPLOAD'; user: SessionUser } | { next: 'ACTIVATE'; registrationNo: string };

/** Error codes of POST /api/identity/launch (each with its Chinese message). */
export const LAUNCH_ERRORS = {
  /** malformed, wrongly signed, tampered, or an expiry too far ahead */
  INVALID: 'LAUNCH_LINK_INVALID',
  /** the key id is unknown or retired */
  UNKNOWN_KEY: 'LAUNCH_LINK_UNKNOWN_KEY',
  EXPIRED: 'LAUNCH_LINK_EXPIRED',
  USED: 'LAUNCH_LINK_USED',
  /** no candidate with that 报名号 in that exam year */
  NO_CANDIDATE: 'LAUNCH_LINK_NO_CANDIDATE',
} as const;
