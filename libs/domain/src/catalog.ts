import type { CandidateAttribute, CandidateProfile, CandidateType } from './candidate.js';
import { DomainError } from './errors.js';

/**
 * Which candidates a category applies to. A category applies when the candidate's type is in
 * `types` (absent = every type) or one of its attributes is in `attributes`; `excludeTypes` wins.
 * `required` false means it is shown but may stay empty (minCount is then 0 for that candidate).
 */
export interface AppliesTo {
  types?: CandidateType[];
  excludeTypes?: CandidateType[];
  attributes?: CandidateAttribute[];
  required: boolean;
}

export interface CatalogEntry {
  code: string;
  name: string;
  description: string;
  minCount: number;
  maxCount: number;
  appliesTo: AppliesTo;
}

/** DESIGN §5 default catalog (a district replaces it with its own Attachment 1). */
export const DEFAULT_CATALOG: readonly CatalogEntry[] = [
  { code: 'ID_CARD', name: '有效身份证明（正反面）', description: '居民身份证正面（人像面）和反面（国徽面）各一张，四角完整、字迹清晰。', minCount: 2, maxCount: 2, appliesTo: { required: true } },
  { code: 'GRAD_CERT', name: '毕业证书', description: '毕业证书原件照片，姓名、专业、学制、毕业时间、证书编号清晰可见。', minCount: 1, maxCount: 2, appliesTo: { required: true } },
  { code: 'EDU_VERIFY', name: '学历证书电子注册备案表 / 学历认证报告', description: '学信网《教育部学历证书电子注册备案表》或学历认证报告，在有效期内。', minCount: 1, maxCount: 3, appliesTo: { attributes: ['COLLEGE'], required: true } },
  { code: 'DEGREE_CERT', name: '学位证书', description: '如有学位证书请上传（选填）。', minCount: 0, maxCount: 2, appliesTo: { required: false } },
  { code: 'PROBATION', name: '医师资格考试试用期考核证明', description: '试用期考核证明，加盖试用机构公章；在多个机构试用的，每个机构一份。', minCount: 1, maxCount: 5, appliesTo: { excludeTypes: ['ASSISTANT_UPGRADE'], required: true } },
  { code: 'FRESH_PLEDGE', name: '应届医学专业毕业生报考承诺书', description: '本人签名的应届医学专业毕业生报考承诺书。', minCount: 1, maxCount: 2, appliesTo: { types: ['FRESH_GRADUATE'], required: true } },
  { code: 'INST_LICENSE', name: '医疗机构执业许可证', description: '试用机构的《医疗机构执业许可证》正本或副本（按考区要求）。', minCount: 0, maxCount: 3, appliesTo: { required: false } },
  { code: 'ASSIST_QUAL', name: '执业助理医师资格证书', description: '执业助理医师资格证书。', minCount: 1, maxCount: 2, appliesTo: { types: ['ASSISTANT_UPGRADE'], required: true } },
  { code: 'ASSIST_PRACTICE', name: '医师执业证书', description: '医师执业证书中的个人信息页、注册信息页及变更记录页。', minCount: 1, maxCount: 4, appliesTo: { types: ['ASSISTANT_UPGRADE'], required: true } },
  { code: 'PRACTICE_PERIOD', name: '执业期考核证明', description: '执业期考核证明，加盖执业机构公章。', minCount: 1, maxCount: 2, appliesTo: { types: ['ASSISTANT_UPGRADE'], required: true } },
  { code: 'FIRST_REG', name: '首次执业注册证明', description: '执业注册有变更的，提供首次执业注册证明。', minCount: 0, maxCount: 2, appliesTo: { attributes: ['REG_CHANGED'], required: false } },
  { code: 'TCM_CERT', name: '传统医学师承出师证书 / 医术确有专长证书', description: '传统医学师承出师证书或传统医学医术确有专长证书。', minCount: 1, maxCount: 2, appliesTo: { types: ['TCM_MENTORSHIP'], required: true } },
  { code: 'HMT_FOREIGN', name: '港澳台/外籍人员实习申请审核表', description: '港澳台或外籍人员在内地（大陆）实习申请审核表。', minCount: 1, maxCount: 2, appliesTo: { attributes: ['HMT_FOREIGN'], required: true } },
  { code: 'MILITARY', name: '团级以上政治部门同意报考证明', description: '现役军人须提供团级以上政治部门出具的同意报考证明。', minCount: 1, maxCount: 2, appliesTo: { attributes: ['MILITARY'], required: true } },
  { code: 'OTHER', name: '其他材料', description: '审核人员要求补充的其他材料。', minCount: 0, maxCount: 5, appliesTo: { required: false } },
];

export function appliesToCandidate(rule: AppliesTo, candidate: CandidateProfile): boolean {
  if (rule.excludeTypes?.includes(candidate.candidateType)) return false;
  const byType = rule.types ? rule.types.includes(candidate.candidateType) : undefined;
  const byAttr = rule.attributes ? rule.attributes.some((a) => candidate.attributes.includes(a)) : undefined;
  if (byType === undefined && byAttr === undefined) return true;
  return byType === true || byAttr === true;
}

export interface ApplicableCategory extends CatalogEntry {
  required: boolean;
  /** effective minimum for this candidate (0 when optional) */
  effectiveMin: number;
}

export function applicableCategories<T extends CatalogEntry>(
  catalog: readonly T[],
  candidate: CandidateProfile,
): (T & { required: boolean; effectiveMin: number })[] {
  return catalog
    .filter((c) => appliesToCandidate(c.appliesTo, candidate))
    .map((c) => ({ ...c, required: c.appliesTo.required, effectiveMin: c.appliesTo.required ? c.minCount : 0 }));
}

/** Validates a catalog entry edited by the admin or loaded from a data file. */
export function validateCatalogEntry(e: CatalogEntry): void {
  if (!/^[A-Z][A-Z0-9_]{1,31}$/.test(e.code)) throw new DomainError('CATALOG_INVALID', `材料代码不合法：${e.code}`);
  if (!e.name.trim()) throw new DomainError('CATALOG_INVALID', `材料 ${e.code} 缺少名称`);
  if (!Number.isInteger(e.minCount) || !Number.isInteger(e.maxCount) || e.minCount < 0 || e.maxCount < 1 || e.minCount > e.maxCount) {
    throw new DomainError('CATALOG_INVALID', `材料 ${e.code} 的数量范围不合法（${e.minCount}–${e.maxCount}）`);
  }
}

export interface CategoryCount {
  code: string;
  name: string;
  effectiveMin: number;
  /** number of READY (valid) images */
  validCount: number;
  /** images still being processed */
  processingCount: number;
}

/** 提交审核 is allowed only when every required category has its minimum of valid images. */
export function submissionProblems(categories: readonly CategoryCount[]): string[] {
  const problems: string[] = [];
  for (const c of categories) {
    if (c.processingCount > 0) problems.push(`「${c.name}」还有图片正在处理，请稍候`);
    else if (c.validCount < c.effectiveMin) problems.push(`「${c.name}」至少需要 ${c.effectiveMin} 张有效图片，当前 ${c.validCount} 张`);
  }
  return problems;
}

export function assertCanSubmit(categories: readonly CategoryCount[]): void {
  const problems = submissionProblems(categories);
  if (problems.length) {
    throw new DomainError('DOSSIER_INCOMPLETE', `材料不完整，无法提交审核：${problems.join('；')}`, 409, { problems });
  }
}

/** A new image may be added only while the category is below its maximum. */
export function assertCanAddImage(category: { name: string; maxCount: number }, currentCount: number): void {
  if (currentCount >= category.maxCount) {
    throw new DomainError('CATEGORY_FULL', `「${category.name}」最多上传 ${category.maxCount} 张，已达上限`, 409);
  }
}
