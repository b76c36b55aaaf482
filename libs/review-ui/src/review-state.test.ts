import { describe, expect, it } from 'vitest';
import type { ReviewCategoryView } from '@exam/api';
import { buildDecisionRequest, buildSlots, decisionBlocker, initialReviewState, reviewReducer, reviewSummary, type ReviewAction, type ReviewState } from './review-state';
import { keyToCommand, type KeyContext } from './review-keys';
import { fromBeijingInput, toBeijingInput, formatBeijing } from './time';
import { viewerReducer, INITIAL_VIEWER } from './viewer-state';

const img = (id: string, categoryCode: string) =>
  ({ id, categoryCode, state: 'READY', thumbUrl: null, previewUrl: null, originalUrl: '', width: null, height: null, sizeBytes: 1, uploadedAt: '', warnings: [], reusedFrom: null, replacement: false, marks: [] }) as const;
const cat = (code: string, ids: string[], required = true): ReviewCategoryView => ({
  code,
  name: code,
  description: '',
  minCount: required ? 1 : 0,
  maxCount: 5,
  required,
  images: ids.map((id) => ({ ...img(id, code), warnings: [], marks: [] })),
});

/** six images: ID_CARD ×2, GRAD_CERT ×2, PROBATION ×2 */
const SIX = [cat('ID_CARD', ['i1', 'i2']), cat('GRAD_CERT', ['g1', 'g2']), cat('PROBATION', ['p1', 'p2']), cat('DEGREE_CERT', [], false)];
const UUID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

function run(state: ReviewState, ...actions: ReviewAction[]) {
  return actions.reduce(reviewReducer, state);
}

/** Feeds key presses through the keyboard map into the reducer, like the dossier view does. */
function press(state: ReviewState, keys: string[], ctx: Omit<KeyContext, 'state'> = { level: 'SITE', allowed: ['PASS', 'RETURN', 'PROPOSE_REJECT'] }) {
  let confirmed = 0;
  for (const key of keys) {
    const cmd = keyToCommand({ key }, { ...ctx, state });
    if (cmd?.kind === 'review') state = reviewReducer(state, cmd.action);
    if (cmd?.kind === 'confirmDialog') confirmed++;
  }
  return { state, confirmed };
}

describe('review slots', () => {
  it('walks images category by category; optional empty categories are not stops, required empty ones come last', () => {
    const slots = buildSlots([cat('ID_CARD', ['a']), cat('GRAD_CERT', []), cat('DEGREE_CERT', [], false), cat('PROBATION', ['b'])]);
    expect(slots).toEqual([
      { kind: 'image', imageId: 'a', categoryCode: 'ID_CARD' },
      { kind: 'image', imageId: 'b', categoryCode: 'PROBATION' },
      { kind: 'category', categoryCode: 'GRAD_CERT' },
    ]);
  });
});

describe('review reducer', () => {
  const start = initialReviewState(buildSlots(SIX));

  it('selects the first image when the dossier opens', () => {
    expect(start.selected).toBe(0);
  });

  it('Y marks OK and moves on; stays on the last image', () => {
    const s = run(start, ...Array.from({ length: 7 }, () => ({ type: 'markOk' }) as const));
    expect(s.selected).toBe(5);
    expect(reviewSummary(s)).toMatchObject({ images: 6, marked: 6, ok: 6, flagged: 0 });
  });

  it('a mark by mouse on another image does not move the selection', () => {
    const s = run(start, { type: 'markOk', imageId: 'p1' });
    expect(s.selected).toBe(0);
    expect(s.marks.p1?.mark).toBe('OK');
  });

  it('需更换 needs a reason; 其他 needs words; confirm marks and advances', () => {
    let s = run(start, { type: 'openReplace' }, { type: 'confirmPicker' });
    expect(s.picker).not.toBeNull(); // no reason yet
    s = run(s, { type: 'pickReasonIndex', index: 7 }, { type: 'confirmPicker' });
    expect(s.picker?.reasonCode).toBe('OTHER'); // still open: 其他 without words
    s = run(s, { type: 'setReasonText', text: ' 请上传原件 ' }, { type: 'confirmPicker' });
    expect(s.picker).toBeNull();
    expect(s.marks.i1).toEqual({ mark: 'NEEDS_REPLACEMENT', reasonCode: 'OTHER', reasonText: '请上传原件' });
    expect(s.selected).toBe(1);
  });

  it('材料缺失 presets the reason 材料缺失 for the selected image category', () => {
    const s = run(start, { type: 'next' }, { type: 'next' }, { type: 'openMissing' }, { type: 'confirmPicker' });
    expect(s.missing).toEqual({ GRAD_CERT: { reasonCode: 'MISSING', reasonText: '' } });
    expect(s.selected).toBe(2);
  });

  it('Y after 需更换 turns the mark back to OK; clearMark removes it', () => {
    let s = run(start, { type: 'openReplace' }, { type: 'pickReason', code: 'BLURRY' }, { type: 'confirmPicker' }, { type: 'prev' }, { type: 'markOk' });
    expect(s.marks.i1?.mark).toBe('OK');
    s = run(s, { type: 'clearMark', imageId: 'i1' });
    expect(s.marks.i1).toBeUndefined();
  });

  it('no dialog while the picker is open', () => {
    const s = run(start, { type: 'openReplace' }, { type: 'openDialog', decision: 'PASS' });
    expect(s.dialog).toBeNull();
  });

  it('blocks 通过 with flags, 退回补充 without flags, 不通过 without a reason', () => {
    const flagged = run(start, { type: 'openMissing', categoryCode: 'DEGREE_CERT' }, { type: 'confirmPicker' });
    expect(decisionBlocker(flagged, 'PASS', '')).toMatch('不能通过');
    expect(decisionBlocker(start, 'RETURN', '')).toMatch('至少标记');
    expect(decisionBlocker(flagged, 'RETURN', '')).toBeNull();
    expect(decisionBlocker(start, 'REJECT', '  ')).toMatch('原因');
    expect(decisionBlocker(start, 'REJECT', '学历不符')).toBeNull();
  });

  it('builds the decision body with version, marks in image order and missing categories', () => {
    const slots = buildSlots([cat('ID_CARD', [UUID(1), UUID(2)])]);
    const s = run(
      initialReviewState(slots),
      { type: 'markOk' },
      { type: 'openReplace' },
      { type: 'pickReason', code: 'BLURRY' },
      { type: 'setReasonText', text: '反面' },
      { type: 'confirmPicker' },
      { type: 'openMissing', categoryCode: 'OTHER' },
      { type: 'confirmPicker' },
    );
    expect(buildDecisionRequest(s, { decision: 'RETURN', version: 4, comment: ' ', returnDeadline: '2026-02-20T10:00:00.000Z' })).toEqual({
      decision: 'RETURN',
      version: 4,
      marks: [
        { imageId: UUID(1), mark: 'OK', reasonCode: null, reasonText: null },
        { imageId: UUID(2), mark: 'NEEDS_REPLACEMENT', reasonCode: 'BLURRY', reasonText: '反面' },
      ],
      missing: [{ categoryCode: 'OTHER', reasonCode: 'MISSING', reasonText: null }],
      comment: null,
      returnDeadline: '2026-02-20T10:00:00.000Z',
    });
    expect(buildDecisionRequest(s, { decision: 'PASS', version: 4, returnDeadline: 'x' }).returnDeadline).toBeNull();
  });
});

describe('review keyboard', () => {
  const start = initialReviewState(buildSlots(SIX));

  it('a clean 6-image dossier takes 8 keys: Y×6, P, Enter', () => {
    const keys = ['y', 'y', 'y', 'y', 'y', 'y', 'p', 'Enter'];
    const { state, confirmed } = press(start, keys);
    expect(reviewSummary(state)).toMatchObject({ ok: 6, flagged: 0 });
    expect(state.dialog).toBe('PASS');
    expect(confirmed).toBe(1);
    expect(decisionBlocker(state, 'PASS', '')).toBeNull();
    expect(keys.length).toBeLessThanOrEqual(10);
  });

  it('upper-case letters work too (Caps Lock / Shift)', () => {
    expect(press(start, ['Y', 'P']).state.dialog).toBe('PASS');
  });

  it('N, digit, Enter marks 需更换 with the n-th preset reason; R opens 退回补充', () => {
    const { state } = press(start, ['ArrowRight', 'n', '1', 'Enter', 'r']);
    expect(state.marks.i2).toEqual({ mark: 'NEEDS_REPLACEMENT', reasonCode: 'BLURRY', reasonText: '' });
    expect(state.selected).toBe(2);
    expect(state.dialog).toBe('RETURN');
  });

  it('letters inside the picker are not shortcuts; digits beyond the list are ignored', () => {
    const { state } = press(start, ['n', 'y', 'p', '9']);
    expect(state.picker?.reasonCode).toBeNull();
    expect(state.marks.i1).toBeUndefined();
    expect(state.dialog).toBeNull();
  });

  it('J/K and arrows move the selection', () => {
    expect(press(start, ['j', 'j', 'k', 'ArrowRight']).state.selected).toBe(2);
    expect(press(start, ['ArrowLeft']).state.selected).toBe(0);
  });

  it('district keys: P 审核通过, X 审核不通过, R 退回补充', () => {
    const ctx = { level: 'DISTRICT' as const, allowed: ['APPROVE', 'REJECT', 'RETURN'] as const };
    expect(press(start, ['p'], { ...ctx, allowed: [...ctx.allowed] }).state.dialog).toBe('APPROVE');
    expect(press(start, ['x'], { ...ctx, allowed: [...ctx.allowed] }).state.dialog).toBe('REJECT');
    expect(press(start, ['r'], { ...ctx, allowed: [...ctx.allowed] }).state.dialog).toBe('RETURN');
  });

  it('is silent while typing, with modifiers, when read only, and for decisions not allowed', () => {
    const ctx: KeyContext = { level: 'SITE', allowed: ['PASS'], state: start };
    expect(keyToCommand({ key: 'y', inEditable: true }, ctx)).toBeNull();
    expect(keyToCommand({ key: 'p', ctrlKey: true }, ctx)).toBeNull();
    expect(keyToCommand({ key: 'r' }, ctx)).toBeNull();
    expect(keyToCommand({ key: 'y' }, { ...ctx, allowed: [] })).toBeNull();
    expect(keyToCommand({ key: 'ArrowRight' }, { ...ctx, allowed: [] })).toEqual({ kind: 'review', action: { type: 'next' } });
    expect(keyToCommand({ key: 'y' }, { ...ctx, otherModalOpen: true })).toBeNull();
  });

  it('Enter confirms the open dialog; other keys do nothing there', () => {
    const ctx: KeyContext = { level: 'SITE', allowed: ['PASS'], state: { picker: null, dialog: 'PASS' } };
    expect(keyToCommand({ key: 'Enter' }, ctx)).toEqual({ kind: 'confirmDialog' });
    expect(keyToCommand({ key: 'y' }, ctx)).toBeNull();
    expect(keyToCommand({ key: 'Enter', inEditable: true }, ctx)).toBeNull();
  });
});

describe('Beijing time', () => {
  it('shows and edits instants in Beijing time', () => {
    expect(formatBeijing('2026-02-11T15:59:00Z')).toBe('2026-02-11 23:59');
    expect(toBeijingInput('2026-02-11T16:00:00.000Z')).toBe('2026-02-12T00:00');
    expect(fromBeijingInput('2026-02-12T00:00')).toBe('2026-02-11T16:00:00.000Z');
    expect(fromBeijingInput('')).toBeNull();
  });
});

describe('viewer', () => {
  it('zooms in steps and rotates by 90°', () => {
    const s = [
      'zoomIn',
      'zoomIn',
      'rotate',
      'rotate',
      'rotate',
      'rotate',
      'rotate',
    ].reduce((v, op) => viewerReducer(v, op as 'zoomIn' | 'rotate'), INITIAL_VIEWER);
    expect(s).toEqual({ zoom: 2, rotation: 90 });
    expect(viewerReducer(viewerReducer(INITIAL_VIEWER, 'zoomOut'), 'zoomOut').zoom).toBe(0.5);
  });
});
