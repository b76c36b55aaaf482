export const CANDIDATE_TYPES = ['GRADUATE', 'FRESH_GRADUATE', 'ASSISTANT_UPGRADE', 'TCM_MENTORSHIP'] as const;
export type CandidateType = (typeof CANDIDATE_TYPES)[number];

export const CANDIDATE_TYPE_LABELS: Record<CandidateType, string> = {
  GRADUATE: '已毕业考生',
  FRESH_GRADUATE: '应届毕业生',
  ASSISTANT_UPGRADE: '执业助理医师报考执业医师',
  TCM_MENTORSHIP: '传统医学师承/确有专长',
};

/** Attributes that add materials on top of the candidate type. */
export const CANDIDATE_ATTRIBUTES = ['COLLEGE', 'HMT_FOREIGN', 'MILITARY', 'REG_CHANGED'] as const;
export type CandidateAttribute = (typeof CANDIDATE_ATTRIBUTES)[number];

export const CANDIDATE_ATTRIBUTE_LABELS: Record<CandidateAttribute, string> = {
  COLLEGE: '高校毕业生',
  HMT_FOREIGN: '港澳台/外籍人员',
  MILITARY: '现役军人',
  REG_CHANGED: '执业注册有变更',
};

export interface CandidateProfile {
  candidateType: CandidateType;
  attributes: readonly string[];
}

/** Shows an ID number as 120***********1234: first 3 and last 4 characters. */
export function maskIdNumber(idNumber: string): string {
  const s = idNumber.trim();
  if (s.length <= 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** Normalises an ID number for hashing: trim, upper-case the check letter X. */
export function normalizeIdNumber(idNumber: string): string {
  return idNumber.trim().toUpperCase();
}
