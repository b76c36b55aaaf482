/**
 * The demo data `npm start` seeds (idempotent): a district, two exam sites, a demo exam year whose
 * upload window is open now, a second year with the candidate manual's window
 * (2026-01-29 10:00 – 2026-02-11 24:00 Beijing time), 20 candidates of different types, a reviewer
 * per site, a district reviewer and an admin.
 */
import type { CandidateAttribute, CandidateType } from '@exam/domain';

export const DEMO_DISTRICT = { code: '12', name: '天津考区' } as const;

export const DEMO_SITES = [
  { code: '1201', name: '和平区考点' },
  { code: '1202', name: '南开区考点' },
] as const;

export const DEMO_PASSWORDS = {
  candidate: 'Kaosheng2027',
  staff: 'Shenhe2027',
} as const;

export const DEMO_STAFF = [
  { username: 'site1201', displayName: '和平区考点审核员', role: 'SITE_REVIEWER', siteCode: '1201' },
  { username: 'site1202', displayName: '南开区考点审核员', role: 'SITE_REVIEWER', siteCode: '1202' },
  { username: 'district', displayName: '天津考区审核员', role: 'DISTRICT_REVIEWER', siteCode: null },
  { username: 'admin', displayName: '天津考区管理员', role: 'ADMIN', siteCode: null },
] as const;

export interface DemoCandidate {
  registrationNo: string;
  name: string;
  candidateType: CandidateType;
  attributes: CandidateAttribute[];
  siteCode: string;
  idNumber: string;
  activated: boolean;
  phone: string | null;
  email: string | null;
  unitName: string;
  unitEmail: string | null;
}

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '杰'];
const TYPES: { type: CandidateType; attributes: CandidateAttribute[] }[] = [
  { type: 'GRADUATE', attributes: ['COLLEGE'] },
  { type: 'FRESH_GRADUATE', attributes: ['COLLEGE'] },
  { type: 'ASSISTANT_UPGRADE', attributes: [] },
  { type: 'TCM_MENTORSHIP', attributes: [] },
  { type: 'GRADUATE', attributes: ['COLLEGE', 'MILITARY'] },
  { type: 'ASSISTANT_UPGRADE', attributes: ['REG_CHANGED'] },
  { type: 'GRADUATE', attributes: ['HMT_FOREIGN'] },
];

/** A syntactically valid 18-digit ID number (with the GB 11643 check digit) — fictional people. */
export function demoIdNumber(seq: number): string {
  const body = `120101${1990 + (seq % 10)}0${1 + (seq % 9)}${String(10 + (seq % 18)).padStart(2, '0')}${String(100 + seq).slice(-3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split('').reduce((s, d, i) => s + Number(d) * (weights[i] ?? 0), 0);
  return body + '10X98765432'[sum % 11];
}

export function demoCandidates(yearCode: string, count: number, firstSeq = 1): DemoCandidate[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const t = TYPES[i % TYPES.length]!;
    const site = DEMO_SITES[i % 2]!;
    return {
      registrationNo: `${yearCode}${site.code}${String(seq).padStart(5, '0')}`,
      name: `${SURNAMES[i % 10]}${GIVEN[(i * 3) % 10]}${i >= 10 ? GIVEN[i % 10] : ''}`,
      candidateType: t.type,
      attributes: t.attributes,
      siteCode: site.code,
      idNumber: demoIdNumber(seq),
      // the last three are left unactivated to show 首次进入 account activation
      activated: i < count - 3,
      phone: `1380000${String(seq).padStart(4, '0')}`,
      email: `candidate${seq}@example.com`,
      unitName: i % 2 ? '天津市第一中心医院' : '天津医科大学总医院',
      unitEmail: i % 2 ? 'hr@tjfch.example.com' : 'hr@tmugh.example.com',
    };
  });
}
