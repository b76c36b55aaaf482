/**
 * The reviewer's work on one dossier, as a pure reducer: which image is selected, the ✓ / 需更换 mark of each
 * image, the 材料缺失 categories, the open reason picker and the open decision dialog. The keyboard
 * (review-keys.ts) and the mouse dispatch the same actions; the request body is built from this state.
 */
import type { ReviewDecisionKind, ReviewDecisionRequest, ReviewDossierResponse, ReviewMarkValue } from '@exam/api';
import { REVIEW_REASON_CODES, REVIEW_REASONS, type ReviewReasonCode } from '@exam/domain';

/** One stop of the ←/→ walk: an image, or a required category that has no image at all (at the end). */
export type ReviewSlot = { kind: 'image'; imageId: string; categoryCode: string } | { kind: 'category'; categoryCode: string };

export interface ImageMark {
  mark: ReviewMarkValue;
  reasonCode: ReviewReasonCode | null;
  reasonText: string;
}

export interface MissingMark {
  reasonCode: ReviewReasonCode;
  reasonText: string;
}

export type PickerTarget = { kind: 'image'; imageId: string } | { kind: 'category'; categoryCode: string };

export interface ReasonPicker {
  target: PickerTarget;
  reasonCode: ReviewReasonCode | null;
  reasonText: string;
}

export interface ReviewState {
  slots: readonly ReviewSlot[];
  /** index into slots (0 when the dossier opens) */
  selected: number;
  marks: Readonly<Record<string, ImageMark>>;
  missing: Readonly<Record<string, MissingMark>>;
  picker: ReasonPicker | null;
  dialog: ReviewDecisionKind | null;
}

export type ReviewAction =
  | { type: 'select'; index: number }
  | { type: 'selectImage'; imageId: string }
  | { type: 'next' }
  | { type: 'prev' }
  /** ✓ for the image (default: the selected one); the selection moves on when it was the selected image */
  | { type: 'markOk'; imageId?: string }
  /** 需更换: opens the reason picker for the image (default: the selected one) */
  | { type: 'openReplace'; imageId?: string }
  /** 材料缺失: opens the reason picker for the category (default: the selected slot's), preset 材料缺失 */
  | { type: 'openMissing'; categoryCode?: string }
  | { type: 'pickReason'; code: ReviewReasonCode }
  /** digit 1–8 of the picker: the n-th preset reason */
  | { type: 'pickReasonIndex'; index: number }
  | { type: 'setReasonText'; text: string }
  | { type: 'confirmPicker' }
  | { type: 'cancelPicker' }
  | { type: 'clearMark'; imageId: string }
  | { type: 'clearMissing'; categoryCode: string }
  | { type: 'openDialog'; decision: ReviewDecisionKind }
  | { type: 'closeDialog' };

/** The ←/→ order: images category by category, then each required category that has no image. */
export function buildSlots(categories: ReviewDossierResponse['categories']): ReviewSlot[] {
  const images: ReviewSlot[] = categories.flatMap((c) => c.images.map((img) => ({ kind: 'image' as const, imageId: img.id, categoryCode: c.code })));
  const empty: ReviewSlot[] = categories
    .filter((c) => c.images.length === 0 && (c.required || c.minCount > 0))
    .map((c) => ({ kind: 'category' as const, categoryCode: c.code }));
  return [...images, ...empty];
}

export function initialReviewState(slots: readonly ReviewSlot[]): ReviewState {
  return { slots, selected: 0, marks: {}, missing: {}, picker: null, dialog: null };
}

export function selectedSlot(state: ReviewState): ReviewSlot | undefined {
  return state.slots[state.selected];
}

/** A picker may be confirmed once a reason is chosen; 其他 needs words. */
export function pickerComplete(picker: ReasonPicker): boolean {
  if (!picker.reasonCode) return false;
  return picker.reasonCode !== 'OTHER' || picker.reasonText.trim().length > 0;
}

const clamp = (i: number, n: number) => Math.max(0, Math.min(n - 1, i));

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

function indexOfImage(state: ReviewState, imageId: string): number {
  return state.slots.findIndex((s) => s.kind === 'image' && s.imageId === imageId);
}

function targetImage(state: ReviewState, imageId: string | undefined): string | null {
  if (imageId) return indexOfImage(state, imageId) >= 0 ? imageId : null;
  const slot = selectedSlot(state);
  return slot?.kind === 'image' ? slot.imageId : null;
}

/** After a mark on the selected image: the next slot (stays on the last). */
function advanceFrom(state: ReviewState, imageId: string): number {
  const i = indexOfImage(state, imageId);
  return i === state.selected ? clamp(state.selected + 1, state.slots.length) : state.selected;
}

export function reviewReducer(state: ReviewState, action: ReviewAction): ReviewState {
  const n = state.slots.length;
  switch (action.type) {
    case 'select':
      return n ? { ...state, selected: clamp(action.index, n) } : state;
    case 'selectImage': {
      const i = indexOfImage(state, action.imageId);
      return i >= 0 ? { ...state, selected: i } : state;
    }
    case 'next':
      return n ? { ...state, selected: clamp(state.selected + 1, n) } : state;
    case 'prev':
      return n ? { ...state, selected: clamp(state.selected - 1, n) } : state;
    case 'markOk': {
      const id = targetImage(state, action.imageId);
      if (!id) return state;
      return {
        ...state,
        marks: { ...state.marks, [id]: { mark: 'OK', reasonCode: null, reasonText: '' } },
        selected: advanceFrom(state, id),
      };
    }
    case 'openReplace': {
      const id = targetImage(state, action.imageId);
      if (!id) return state;
      const prev = state.marks[id];
      const keep = prev?.mark === 'NEEDS_REPLACEMENT';
      return {
        ...state,
        selected: action.imageId ? indexOfImage(state, id) : state.selected,
        picker: { target: { kind: 'image', imageId: id }, reasonCode: keep ? prev.reasonCode : null, reasonText: keep ? prev.reasonText : '' },
      };
    }
    case 'openMissing': {
      const code = action.categoryCode ?? selectedSlot(state)?.categoryCode;
      if (!code) return state;
      const prev = state.missing[code];
      return {
        ...state,
        picker: { target: { kind: 'category', categoryCode: code }, reasonCode: prev?.reasonCode ?? 'MISSING', reasonText: prev?.reasonText ?? '' },
      };
    }
    case 'pickReason':
      return state.picker ? { ...state, picker: { ...state.picker, reasonCode: action.code } } : state;
    case 'pickReasonIndex': {
      const code = REVIEW_REASON_CODES[action.index];
      return state.picker && code ? { ...state, picker: { ...state.picker, reasonCode: code } } : state;
    }
    case 'setReasonText':
      return state.picker ? { ...state, picker: { ...state.picker, reasonText: action.text } } : state;
    case 'confirmPicker': {
      const p = state.picker;
      if (!p || !pickerComplete(p) || !p.reasonCode) return state;
      const reasonText = p.reasonText.trim();
      if (p.target.kind === 'image') {
        const id = p.target.imageId;
        return {
          ...state,
          picker: null,
          marks: { ...state.marks, [id]: { mark: 'NEEDS_REPLACEMENT', reasonCode: p.reasonCode, reasonText } },
          selected: advanceFrom(state, id),
        };
      }
      return { ...state, picker: null, missing: { ...state.missing, [p.target.categoryCode]: { reasonCode: p.reasonCode, reasonText } } };
    }
    case 'cancelPicker':
      return state.picker ? { ...state, picker: null } : state;
    case 'clearMark':
      return state.marks[action.imageId] ? { ...state, marks: without(state.marks, action.imageId) } : state;
    case 'clearMissing':
      return state.missing[action.categoryCode] ? { ...state, missing: without(state.missing, action.categoryCode) } : state;
    case 'openDialog':
      return state.picker ? state : { ...state, dialog: action.decision };
    case 'closeDialog':
      return state.dialog ? { ...state, dialog: null } : state;
  }
}

/** How far the reviewer got: images marked, flagged (需更换 + 材料缺失), images still unmarked. */
export function reviewSummary(state: ReviewState) {
  const imageIds = state.slots.flatMap((s) => (s.kind === 'image' ? [s.imageId] : []));
  const marked = imageIds.filter((id) => state.marks[id]).length;
  const replace = imageIds.filter((id) => state.marks[id]?.mark === 'NEEDS_REPLACEMENT').length;
  const missing = Object.keys(state.missing).length;
  return { images: imageIds.length, marked, ok: marked - replace, replace, missing, flagged: replace + missing, unmarked: imageIds.length - marked };
}

/** Why the decision cannot be sent yet (Chinese, as the server would say it), or null. */
export function decisionBlocker(state: ReviewState, decision: ReviewDecisionKind, comment: string): string | null {
  const { flagged } = reviewSummary(state);
  if ((decision === 'PASS' || decision === 'APPROVE') && flagged > 0) return '有标记为“需更换”或“材料缺失”的材料，不能通过；请选择退回补充';
  if (decision === 'RETURN' && flagged === 0) return '退回补充时请至少标记一张“需更换”的图片或一类“材料缺失”';
  if ((decision === 'PROPOSE_REJECT' || decision === 'REJECT') && !comment.trim()) return '请填写不通过的原因';
  return null;
}

/** The body of POST /api/review/dossiers/:id/decision. */
export function buildDecisionRequest(
  state: ReviewState,
  input: { decision: ReviewDecisionKind; version: number; comment?: string; returnDeadline?: string | null },
): ReviewDecisionRequest {
  const imageIds = state.slots.flatMap((s) => (s.kind === 'image' ? [s.imageId] : []));
  const comment = input.comment?.trim();
  return {
    decision: input.decision,
    version: input.version,
    marks: imageIds.flatMap((imageId) => {
      const m = state.marks[imageId];
      if (!m) return [];
      return [{ imageId, mark: m.mark, reasonCode: m.mark === 'OK' ? null : m.reasonCode, reasonText: m.mark === 'OK' ? null : m.reasonText || null }];
    }),
    missing: Object.entries(state.missing).map(([categoryCode, m]) => ({ categoryCode, reasonCode: m.reasonCode, reasonText: m.reasonText || null })),
    comment: comment || null,
    returnDeadline: input.decision === 'RETURN' ? (input.returnDeadline ?? null) : null,
  };
}

/** 模糊不清：请重新拍摄 — what the candidate will read for a mark. */
export function markReasonLabel(m: { reasonCode: ReviewReasonCode | null; reasonText: string }): string {
  if (!m.reasonCode) return '';
  const label = REVIEW_REASONS[m.reasonCode];
  return m.reasonText ? `${label}：${m.reasonText}` : label;
}
