import { describe, expect, it } from 'vitest';
import type { ImageView } from '@exam/api';
import { canUploadTo, replaceDeletesFirst } from './dossier-rules';
import { category, dossier, image } from './test-fixtures';
import { describeWarning, imageWarnings, openWarnings, warningsActionable } from './warnings';

const UNCLEAR = { code: 'UNCLEAR', label: '图片可能不清晰' };
const MIRRORED = { code: 'MIRRORED', label: '图片可能是镜像（左右翻转）' };

describe('warnings the pipeline found', () => {
  it('shows a READY image’s warnings by their labels, whatever the code', () => {
    expect(imageWarnings(image({ warnings: [UNCLEAR, MIRRORED] }))).toEqual([UNCLEAR, MIRRORED]);
    expect(imageWarnings(image({ state: 'PROCESSING', warnings: [UNCLEAR] }))).toEqual([]);
    expect(imageWarnings(image({ state: 'REJECTED', reason: '文件已损坏', warnings: [UNCLEAR] }))).toEqual([]);
    // an older server without the field, or a label-less entry
    expect(imageWarnings({ ...image(), warnings: undefined } as unknown as ImageView)).toEqual([]);
    expect(imageWarnings(image({ warnings: [{ code: 'X', label: ' ' }] }))).toEqual([]);
  });

  it('offers them for action only while the image can be replaced', () => {
    expect(warningsActionable(image({ warnings: [UNCLEAR] }), true)).toBe(true);
    expect(warningsActionable(image({ warnings: [UNCLEAR], locked: true }), true)).toBe(false);
    expect(warningsActionable(image({ warnings: [UNCLEAR] }), false)).toBe(false);
    expect(warningsActionable(image(), true)).toBe(false);
  });

  it('lists the open ones before 提交审核, in page order with the tile’s number', () => {
    const d = dossier('DRAFT', 'OPEN', [
      category([image({ id: 'a' }), image({ id: 'b', warnings: [UNCLEAR] })]),
      category([image({ id: 'c', categoryCode: 'GRAD_CERT', warnings: [UNCLEAR, MIRRORED] })], { code: 'GRAD_CERT', name: '毕业证书' }),
      category([image({ id: 'd', categoryCode: 'OTHER', warnings: [UNCLEAR], locked: true })], { code: 'OTHER', name: '其他材料' }),
    ]);
    const open = openWarnings(d);
    expect(open.map(describeWarning)).toEqual([
      '有效身份证明（正反面） 第2张：图片可能不清晰',
      '毕业证书 第1张：图片可能不清晰',
      '毕业证书 第1张：图片可能是镜像（左右翻转）',
    ]);
    expect(open.map((w) => w.imageId)).toEqual(['b', 'c', 'c']);
    expect(openWarnings(dossier('DRAFT', 'OPEN', [category([image()])]))).toEqual([]);
  });
});

describe('uploads in flight count against the limit', () => {
  it('hides 上传 once stored + in-flight uploads fill the category', () => {
    const one = category([image()]);
    const d = dossier('DRAFT', 'OPEN', [one]);
    expect(canUploadTo(d, one, 0)).toBe(true);
    expect(canUploadTo(d, one, 1)).toBe(false);
  });

  it('重新上传 deletes first only when the category is full', () => {
    const full = category([image({ id: 'a' }), image({ id: 'b', warnings: [UNCLEAR] })]);
    expect(replaceDeletesFirst(full, full.images[1]!)).toBe(true);
    const room = category([image({ id: 'b', warnings: [UNCLEAR] })], { maxCount: 3 });
    expect(replaceDeletesFirst(room, room.images[0]!)).toBe(false);
    expect(replaceDeletesFirst(room, room.images[0]!, 2)).toBe(true);
    // a rejected image takes no place: the new one goes first
    const rejected = category([image({ id: 'a' }), image({ id: 'r', state: 'REJECTED' })], { maxCount: 2 });
    expect(replaceDeletesFirst(rejected, rejected.images[1]!)).toBe(false);
  });
});
