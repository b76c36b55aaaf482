import type { Dispatch } from 'react';
import type { ReviewDecisionKind, ReviewLevel } from '@exam/api';
import { DECISION_LABELS, DISTRICT_DECISIONS, SITE_DECISIONS } from '@exam/domain';
import { Button, Flex, Typography } from '@exam/ui';
import { DECISION_KEYS } from './review-keys';
import { reviewSummary, type ReviewAction, type ReviewState } from './review-state';

const keyOf = (level: ReviewLevel, d: ReviewDecisionKind) =>
  (Object.entries(DECISION_KEYS[level]).find(([, v]) => v === d)?.[0] ?? '').toUpperCase();

const BUTTON_PROPS: Record<ReviewDecisionKind, { type: 'primary' | 'default'; danger: boolean }> = {
  PASS: { type: 'primary', danger: false },
  APPROVE: { type: 'primary', danger: false },
  RETURN: { type: 'default', danger: false },
  PROPOSE_REJECT: { type: 'default', danger: true },
  REJECT: { type: 'default', danger: true },
};

/** 通过 / 退回补充 / 建议不通过 (site) or 审核通过 / 审核不通过 / 退回补充 (district), as allowed now. */
export function DecisionBar({ level, allowed, state, dispatch }: { level: ReviewLevel; allowed: readonly ReviewDecisionKind[]; state: ReviewState; dispatch: Dispatch<ReviewAction> }) {
  const order: readonly ReviewDecisionKind[] = level === 'SITE' ? SITE_DECISIONS : DISTRICT_DECISIONS;
  const s = reviewSummary(state);
  return (
    <Flex wrap gap={8} align="center" justify="space-between" data-testid="decision-bar">
      <Typography.Text type="secondary" data-testid="review-progress">
        已标记 {s.marked}/{s.images} 张 · ✓ {s.ok} · 需更换 {s.replace} · 材料缺失 {s.missing}
      </Typography.Text>
      <Flex wrap gap={8}>
        {order
          .filter((d) => allowed.includes(d))
          .map((d) => {
            const key = keyOf(level, d);
            return (
              <Button
                key={d}
                {...BUTTON_PROPS[d]}
                aria-label={DECISION_LABELS[d]}
                aria-keyshortcuts={key}
                data-testid={`decision-${d}`}
                onClick={() => dispatch({ type: 'openDialog', decision: d })}
              >
                {DECISION_LABELS[d]}
                <kbd className="rv-kbd" aria-hidden>
                  {key}
                </kbd>
              </Button>
            );
          })}
      </Flex>
    </Flex>
  );
}
