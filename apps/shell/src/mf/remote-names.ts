/** Federation names of the micro-frontends the shell knows (keys of remotes.json). */
export const REMOTE_NAMES = ['candidate_upload', 'site_review', 'district_review'] as const;
export type RemoteName = (typeof REMOTE_NAMES)[number];

export const REMOTE_LABELS: Readonly<Record<RemoteName, string>> = {
  candidate_upload: '材料上传',
  site_review: '考点审核',
  district_review: '考区审核',
};
