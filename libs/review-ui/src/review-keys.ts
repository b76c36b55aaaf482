/**
 * The review keyboard, as a pure function from a key press (and what is open) to a command.
 * A clean 6-image dossier: Y Y Y Y Y Y P Enter (8 keys).
 */
import type { ReviewDecisionKind, ReviewLevel } from '@exam/api';
import { DECISION_LABELS, REVIEW_REASON_CODES, REVIEW_REASONS } from '@exam/domain';
import type { ReviewAction, ReviewState } from './review-state';

export type KeyCommand =
  | { kind: 'review'; action: ReviewAction }
  | { kind: 'confirmDialog' }
  | { kind: 'viewer'; op: 'zoomIn' | 'zoomOut' | 'reset' | 'rotate' }
  | { kind: 'help' };

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** the key went to a text field, a select or an editable element: never a shortcut */
  inEditable?: boolean;
}

export interface KeyContext {
  level: ReviewLevel;
  /** decisions the reviewer may take now; empty: read only (navigation and viewer keys only) */
  allowed: readonly ReviewDecisionKind[];
  state: Pick<ReviewState, 'picker' | 'dialog'>;
  /** another modal of the page is open (e.g. the 快捷键 help): only its own keys */
  otherModalOpen?: boolean;
}

/** The decision behind P / R / X at each level. */
export const DECISION_KEYS: Record<ReviewLevel, Record<'p' | 'r' | 'x', ReviewDecisionKind>> = {
  SITE: { p: 'PASS', r: 'RETURN', x: 'PROPOSE_REJECT' },
  DISTRICT: { p: 'APPROVE', r: 'RETURN', x: 'REJECT' },
};

const review = (action: ReviewAction): KeyCommand => ({ kind: 'review', action });

export function keyToCommand(press: KeyPress, ctx: KeyContext): KeyCommand | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (press.inEditable) return null;
  if (ctx.otherModalOpen) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  const { picker, dialog } = ctx.state;

  if (picker) {
    if (/^[1-9]$/.test(key)) {
      const index = Number(key) - 1;
      return index < REVIEW_REASON_CODES.length ? review({ type: 'pickReasonIndex', index }) : null;
    }
    // Enter confirms even when antd focused a button of the modal (the caller prevents its native click)
    if (key === 'Enter') return review({ type: 'confirmPicker' });
    return null; // Escape: the modal's own cancel
  }
  if (dialog) {
    if (key === 'Enter') return { kind: 'confirmDialog' };
    return null;
  }

  switch (key) {
    case 'ArrowRight':
    case 'j':
      return review({ type: 'next' });
    case 'ArrowLeft':
    case 'k':
      return review({ type: 'prev' });
    case '+':
    case '=':
      return { kind: 'viewer', op: 'zoomIn' };
    case '-':
      return { kind: 'viewer', op: 'zoomOut' };
    case '0':
      return { kind: 'viewer', op: 'reset' };
    case 'o':
      return { kind: 'viewer', op: 'rotate' };
    case '?':
    case 'h':
      return { kind: 'help' };
  }
  if (ctx.allowed.length === 0) return null;
  switch (key) {
    case 'y':
      return review({ type: 'markOk' });
    case 'n':
      return review({ type: 'openReplace' });
    case 'm':
      return review({ type: 'openMissing' });
    case 'p':
    case 'r':
    case 'x': {
      const decision = DECISION_KEYS[ctx.level][key];
      return ctx.allowed.includes(decision) ? review({ type: 'openDialog', decision }) : null;
    }
  }
  return null;
}

/** The 快捷键 help, in the order shown. */
export function shortcutHelp(level: ReviewLevel): { keys: string; what: string }[] {
  const d = DECISION_KEYS[level];
  return [
    { keys: '← / →（或 K / J）', what: '上一张 / 下一张图片' },
    { keys: 'Y', what: '当前图片 ✓ 合格，并跳到下一张' },
    { keys: 'N', what: '当前图片“需更换”：打开原因选择' },
    { keys: REVIEW_REASON_CODES.map((_, i) => i + 1).join(' '), what: `在原因选择中选原因：${REVIEW_REASON_CODES.map((c, i) => `${i + 1} ${REVIEW_REASONS[c]}`).join('，')}` },
    { keys: 'Enter', what: '确认原因 / 确认审核决定' },
    { keys: 'M', what: '当前图片所属类别“材料缺失”' },
    { keys: 'P', what: DECISION_LABELS[d.p] },
    { keys: 'R', what: DECISION_LABELS[d.r] },
    { keys: 'X', what: DECISION_LABELS[d.x] },
    { keys: '+ / - / 0', what: '放大 / 缩小 / 还原' },
    { keys: 'O', what: '旋转 90°' },
    { keys: 'Esc', what: '关闭对话框' },
    { keys: '? 或 H', what: '显示本帮助' },
  ];
}

/** Is the event's target a place where the user types (keys must not become shortcuts there)? */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
  }
  if (el.isContentEditable) return true;
  // antd Select keeps focus on an inner input, but guard its combobox role too
  return el.getAttribute?.('role') === 'combobox';
}
