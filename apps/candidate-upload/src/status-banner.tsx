import { useEffect, useRef, useState } from 'react';
import type { CandidateResultView, CandidateReturnView } from '@exam/api';
import { Alert, Button, Card, Flex, Result, Tag, Typography } from '@exam/ui';
import { categoryAnchorId } from './category-card';
import {
  RETURN_EXPIRED_TEXT,
  RETURN_TITLE,
  SUBMITTED_NOTICE,
  SUBMITTED_TITLE,
  countdown,
  formatCountdown,
  formatManualTime,
  msUntilNextTick,
  type PageBanner,
} from './review-status';
import { TOUCH_MIN } from './touch';

type ReturnItem = CandidateReturnView['items'][number];

export interface StatusBannerProps {
  banner: PageBanner;
  /** `2026-01-29 10:00 至 2026-02-11 24:00` */
  windowText: string;
  windowEnd: string;
  /** return items still without a new image */
  unresolved: readonly ReturnItem[];
  /** the return deadline passed while the page was open: the page asks the server again */
  onReturnExpired(): void;
}

/** What the top of the page says: the draft hints, the open return, 审核中, the published result, or 逾期未提交. */
export function StatusBanner({ banner, windowText, windowEnd, unresolved, onReturnExpired }: StatusBannerProps) {
  switch (banner.kind) {
    case 'draft':
      if (banner.windowState === 'NOT_OPEN') return <Alert type="info" showIcon title={`上传尚未开始，开放时间：${windowText}`} />;
      if (banner.windowState === 'CLOSED') {
        return <Alert type="warning" showIcon title="上传已截止，系统已自动锁定，不能再修改或添加材料。" />;
      }
      return (
        <Alert
          type="info"
          showIcon
          title="请按考区材料提交说明及本人情况上传下列材料"
          description="照片内容须真实、准确、完整、有效。上传截止后系统自动锁定，不能再修改或添加。全部上传后，请点击右上角“提交审核”。"
        />
      );
    case 'return':
      return <ReturnNotice openReturn={banner.openReturn} unresolved={unresolved} onExpired={onReturnExpired} />;
    case 'returnClosed':
      return (
        <Alert
          type="warning"
          showIcon
          data-testid="return-closed-notice"
          title={RETURN_EXPIRED_TEXT}
          description={`补充材料的期限已结束，内容已锁定，不能再修改或提交。${SUBMITTED_NOTICE}`}
        />
      );
    case 'inReview':
      return <SubmittedNotice />;
    case 'result':
      return <ResultNotice result={banner.result} />;
    case 'notSubmitted':
      return (
        <Alert
          type="error"
          showIcon
          data-testid="not-submitted-notice"
          title="逾期未提交：上传已截止，您未在规定时间内提交材料"
          description={`材料上传时间已于 ${formatManualTime(windowEnd)}（北京时间）截止，截止前未提交报名材料，系统已锁定，不能再上传或提交。`}
        />
      );
  }
}

/** The manual's §二7/§二9 prompt after 提交审核, shown for as long as the materials are under review. */
function SubmittedNotice() {
  return (
    <Card size="small" data-testid="submitted-notice">
      <Result
        status="success"
        style={{ padding: '16px 8px' }}
        title={SUBMITTED_TITLE}
        subTitle={<span style={{ display: 'block', maxWidth: 640, margin: '0 auto', textAlign: 'left' }}>{SUBMITTED_NOTICE}</span>}
        extra={
          <Typography.Text type="secondary">
            当前状态：<Tag color="processing">审核中</Tag>
          </Typography.Text>
        }
      />
    </Card>
  );
}

function ResultNotice({ result }: { result: CandidateResultView }) {
  const approved = result.status === 'APPROVED';
  return (
    <Card size="small" data-testid="review-result" data-result={result.status}>
      <Result
        status={approved ? 'success' : 'error'}
        style={{ padding: '16px 8px' }}
        title={`审核结果：${result.label || (approved ? '审核通过' : '审核不通过')}`}
        subTitle={
          <Flex vertical gap={4} align="center">
            {result.reason && <span data-testid="review-result-reason">原因：{result.reason}</span>}
            <span>发布时间：{formatManualTime(result.publishedAt)}（北京时间）</span>
            <span>材料已锁定，仅供查看。</span>
          </Flex>
        }
      />
    </Card>
  );
}

/** Re-renders when the countdown text changes (at least every minute), and when the tab is shown again. */
function useCountdownNow(deadline: string): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const delay = msUntilNextTick(deadline, now);
    if (delay === null) return;
    const timer = setTimeout(() => setNow(Date.now()), delay);
    return () => clearTimeout(timer);
  }, [deadline, now]);
  useEffect(() => {
    // background tabs throttle timers: catch up when the candidate comes back
    const refresh = () => document.visibilityState === 'visible' && setNow(Date.now());
    document.addEventListener('visibilitychange', refresh);
    return () => document.removeEventListener('visibilitychange', refresh);
  }, []);
  return now;
}

function scrollToCategory(code: string) {
  document.getElementById(categoryAnchorId(code))?.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function ReturnNotice({
  openReturn,
  unresolved,
  onExpired,
}: {
  openReturn: CandidateReturnView;
  unresolved: readonly ReturnItem[];
  onExpired(): void;
}) {
  const now = useCountdownNow(openReturn.deadline);
  const expired = countdown(openReturn.deadline, now).expired;

  // refetch once when the deadline passes (the server then reports the return closed)
  const onExpiredRef = useRef(onExpired);
  useEffect(() => {
    onExpiredRef.current = onExpired;
  });
  const firedFor = useRef<string | null>(null);
  useEffect(() => {
    if (expired && firedFor.current !== openReturn.deadline) {
      firedFor.current = openReturn.deadline;
      onExpiredRef.current();
    }
  }, [expired, openReturn.deadline]);

  const open = new Set(unresolved);
  return (
    <Alert
      type={expired ? 'error' : 'warning'}
      showIcon
      data-testid="return-notice"
      title={<strong style={{ fontSize: 16 }}>{RETURN_TITLE}</strong>}
      description={
        <Flex vertical gap={8}>
          {openReturn.message && (
            <div data-testid="return-message" style={{ whiteSpace: 'pre-wrap' }}>
              审核意见：{openReturn.message}
            </div>
          )}
          <Flex gap={8} align="center" wrap>
            <span>
              补充截止时间：<strong data-testid="return-deadline">{formatManualTime(openReturn.deadline)}</strong>（北京时间）
            </span>
            <Tag color={expired ? 'error' : 'orange'} data-testid="return-countdown" style={{ fontSize: 14 }}>
              {formatCountdown(openReturn.deadline, now)}
            </Tag>
          </Flex>
          {openReturn.items.length > 0 && (
            <div>
              <div>需要补充或更换的材料：</div>
              <ol style={{ margin: '4px 0 0', paddingInlineStart: 22 }} data-testid="return-items">
                {openReturn.items.map((item, index) => (
                  <li key={`${item.categoryCode}-${item.imageId ?? 'category'}-${index}`} data-testid="return-item">
                    <Button
                      type="link"
                      size="small"
                      style={{ padding: 0, height: 'auto', minHeight: TOUCH_MIN, verticalAlign: 'middle' }}
                      onClick={() => scrollToCategory(item.categoryCode)}
                    >
                      {item.categoryName}
                    </Button>
                    {item.imageId ? '（更换图片）' : '（补充图片）'}：
                    <Typography.Text type="danger">{item.reason}</Typography.Text>
                    {!open.has(item) && (
                      <Tag color="success" style={{ marginInlineStart: 8 }}>
                        已重新上传
                      </Tag>
                    )}
                  </li>
                ))}
              </ol>
            </div>
          )}
          {expired ? (
            <div>补充期限已过，内容已锁定，不能再修改或提交。</div>
          ) : (
            <div>
              请在截止时间前处理以上材料：需更换的图片请点击图片下方的“重新上传”（或点击右上角“－”删除后再上传），需补充的类别请点击“上传”；全部处理后，点击右上角“提交审核”。其余材料已锁定，无需改动。
            </div>
          )}
        </Flex>
      }
    />
  );
}
