import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CategoryView, DossierResponse, ImageView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  RemoteFallback,
  Row,
  Spin,
  Tag,
  Typography,
  WINDOW_STATE_LABELS,
  useFeedback,
} from '@exam/ui';
import { CATEGORY_CARD_CSS, CategoryCard } from './category-card';
import { deleteImage, fetchDossier, submitDossier } from './dossier-api';
import { dossierEditable, formatWindowTime, hasProcessing, missingCategories, replaceDeletesFirst } from './dossier-rules';
import { formatManualTime, pageBanner, returnOpen, SUBMITTED_NOTICE, SUBMITTED_TITLE, statusTag, unresolvedItems } from './review-status';
import { StatusBanner } from './status-banner';
import { TOUCH_TARGET } from './touch';
import { UploadDialog, type UploadTarget } from './upload-dialog';
import { useUploadQueue, type PendingUpload } from './use-upload-queue';
import { describeWarning, openWarnings } from './warnings';

const POLL_MS = 1500;
const NO_UPLOADS: readonly PendingUpload[] = [];

function message(e: unknown, fallback: string): string {
  return isApiClientError(e) ? e.message : fallback;
}

export function UploadPage() {
  const feedback = useFeedback();
  const [dossier, setDossier] = useState<DossierResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** failed reads so far: a failed poll (a network blip) schedules the next one instead of stopping the polling */
  const [failedReads, setFailedReads] = useState(0);
  const [uploadTo, setUploadTo] = useState<UploadTarget | null>(null);
  const [submitting, setSubmitting] = useState(false);
  /** the last upload event, read out by screen readers (aria-live) */
  const [announcement, setAnnouncement] = useState('');

  // Reads overlap (the poll, an upload that finished, a delete): an answer older than one already shown is dropped.
  const requested = useRef(0);
  const shown = useRef(0);
  const reload = useCallback(async (signal?: AbortSignal) => {
    const mine = ++requested.current;
    try {
      const next = await fetchDossier(signal);
      if (mine < shown.current) return;
      shown.current = mine;
      setDossier(next);
      setLoadError(null);
      setFailedReads(0);
    } catch (e) {
      if (signal?.aborted || mine < shown.current) return;
      setLoadError(message(e, '材料信息加载失败，请稍后重试'));
      setFailedReads((n) => n + 1);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  const queue = useUploadQueue({
    onStored: () => void reload(),
    onChanged: () => void reload(),
    onAnnounce: (text, tone) => {
      setAnnouncement(text);
      if (tone === 'success') feedback.message.success(text);
      else if (tone === 'error') feedback.message.error(text);
    },
  });
  const uploadsByCategory = useMemo(() => {
    const map = new Map<string, PendingUpload[]>();
    for (const u of queue.uploads) map.set(u.categoryCode, [...(map.get(u.categoryCode) ?? []), u]);
    return map;
  }, [queue.uploads]);

  const startUpload = (file: File) => {
    if (!uploadTo) return;
    const { category, replaces } = uploadTo;
    const inFlight = uploadsByCategory.get(category.code)?.length ?? 0;
    queue.start({
      categoryCode: category.code,
      file,
      replaces,
      deleteFirst: replaces ? replaceDeletesFirst(category, replaces, inFlight) : false,
    });
    setUploadTo(null);
  };

  // While the server processes an upload, ask again every ~1.5 s until it is READY or REJECTED (also after a failed read).
  useEffect(() => {
    if (!dossier || !hasProcessing(dossier)) return;
    const timer = setTimeout(() => void reload(), failedReads > 0 ? POLL_MS * 2 : POLL_MS);
    return () => clearTimeout(timer);
  }, [dossier, reload, failedReads]);

  const onDelete = async (image: ImageView) => {
    try {
      await deleteImage(image.id);
      feedback.message.success('已删除');
    } catch (e) {
      feedback.message.error(message(e, '删除失败，请稍后重试'));
    }
    await reload();
  };

  const onSubmit = () => {
    if (!dossier) return;
    if (queue.uploads.length > 0) {
      feedback.modal.warning({
        title: '还有图片正在上传',
        content: '请等待上传完成（或取消失败的上传）后再提交审核。',
        okText: '知道了',
        okButtonProps: { style: TOUCH_TARGET },
        centered: true,
      });
      return;
    }
    const missing = missingCategories(dossier);
    if (missing.length > 0) {
      feedback.modal.warning({
        title: '还有材料未上传完整',
        content: (
          <ul style={{ paddingInlineStart: 18, margin: 0 }}>
            {missing.map((c) => (
              <li key={c.code}>
                {c.name}：至少 {c.minCount} 张
              </li>
            ))}
          </ul>
        ),
        okText: '知道了',
        okButtonProps: { style: TOUCH_TARGET },
        centered: true,
      });
      return;
    }
    // what the pipeline noticed and the candidate has not replaced: listed in the one confirmation
    const warnings = openWarnings(dossier);
    feedback.modal.confirm({
      title: warnings.length > 0 ? '以下图片可能有问题，确认提交审核？' : '确认提交审核？',
      centered: true,
      width: 480,
      content: (
        <Flex vertical gap={8}>
          {warnings.length > 0 && (
            <div data-testid="submit-warnings">
              <ul style={{ paddingInlineStart: 18, margin: 0 }}>
                {warnings.map((w) => (
                  <li key={`${w.imageId}-${w.code}`} data-testid="submit-warning" style={{ color: '#d46b08' }}>
                    {describeWarning(w)}
                  </li>
                ))}
              </ul>
              <div style={{ marginTop: 4 }}>如图片内容清晰可辨认，可直接提交；否则请点击“返回修改”，在图片下方点击“重新上传”更换。</div>
            </div>
          )}
          <div>提交后材料将被锁定，不能再修改或添加，请确认所有材料已上传无误。</div>
        </Flex>
      ),
      okText: '提交审核',
      cancelText: warnings.length > 0 ? '返回修改' : '再检查一下',
      okButtonProps: { style: TOUCH_TARGET },
      cancelButtonProps: { style: TOUCH_TARGET },
      onOk: async () => {
        setSubmitting(true);
        try {
          const answer = await submitDossier();
          feedback.modal.success({
            title: answer.message || SUBMITTED_TITLE,
            content: SUBMITTED_NOTICE,
            okText: '知道了',
            okButtonProps: { style: TOUCH_TARGET },
            centered: true,
          });
        } catch (e) {
          // the server's reason, e.g. which returned materials still lack a new image
          feedback.modal.error({
            title: '提交失败',
            content: message(e, '提交失败，请稍后重试'),
            okText: '知道了',
            okButtonProps: { style: TOUCH_TARGET },
            centered: true,
          });
        } finally {
          setSubmitting(false);
          await reload();
        }
      },
    });
  };

  if (!dossier) {
    if (loadError) return <RemoteFallback description={loadError} onRetry={() => void reload()} />;
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin size="large" />
      </Flex>
    );
  }

  const { candidate, examYear, dossier: state } = dossier;
  const banner = pageBanner(dossier);
  const tag = statusTag(dossier);
  // after a return: offered again once every returned item has a new image (the server re-checks)
  const openReturn = returnOpen(dossier, Date.now());
  const unresolved = openReturn ? unresolvedItems(dossier) : [];
  const busy = hasProcessing(dossier) || queue.uploads.length > 0;
  const canSubmit =
    dossierEditable(dossier) && (state.status === 'DRAFT' || (openReturn && unresolved.length === 0));
  const windowText = `${formatWindowTime(examYear.windowStart)} 至 ${formatWindowTime(examYear.windowEnd, true)}`;

  return (
    <Flex vertical gap={12} data-testid="candidate-upload">
      <style>{CATEGORY_CARD_CSS}</style>
      <div aria-live="polite" role="status" className="cu-visually-hidden" data-testid="upload-announcement">
        {announcement}
      </div>
      <Card
        size="small"
        title={
          <Flex align="center" gap={8} wrap>
            <span>材料上传</span>
            <Tag color={tag.color} data-testid="dossier-status" data-status={state.status}>
              {tag.label}
            </Tag>
          </Flex>
        }
        extra={
          canSubmit ? (
            <Button
              type="primary"
              loading={submitting}
              disabled={busy}
              title={busy ? '图片上传、处理完成后可提交' : undefined}
              style={TOUCH_TARGET}
              onClick={onSubmit}
              data-testid="submit-dossier"
            >
              提交审核
            </Button>
          ) : (
            openReturn && (
              <Typography.Text type="warning" data-testid="resubmit-hint">
                还有 {unresolved.length} 项退回材料待处理
              </Typography.Text>
            )
          )
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, md: 3 }}
          items={[
            { key: 'name', label: '姓名', children: candidate.name },
            { key: 'no', label: '报名号', children: candidate.registrationNo },
            { key: 'site', label: '考点', children: candidate.siteName },
            { key: 'type', label: '考生类型', children: candidate.candidateTypeLabel },
            { key: 'id', label: '证件号码', children: candidate.idNumberMasked },
            {
              key: 'window',
              label: '上传时间',
              children: (
                <span>
                  {windowText} <Tag>{WINDOW_STATE_LABELS[examYear.windowState]}</Tag>
                </span>
              ),
            },
            ...(state.submittedAt
              ? [{ key: 'submitted', label: '提交时间', children: formatManualTime(state.submittedAt) }]
              : []),
          ]}
        />
      </Card>

      <YearNotices notices={examYear.notices} guideUrl={examYear.guideUrl} />

      <StatusBanner
        banner={banner}
        windowText={windowText}
        windowEnd={examYear.windowEnd}
        unresolved={unresolved}
        onReturnExpired={() => void reload()}
      />

      <Row gutter={[12, 12]}>
        {dossier.categories.map((category) => (
          <Col key={category.code} xs={24} md={12}>
            <CategoryCard
              dossier={dossier}
              category={category}
              uploads={uploadsByCategory.get(category.code) ?? NO_UPLOADS}
              onUpload={(c: CategoryView) => setUploadTo({ category: c, replaces: null })}
              onReplace={(c: CategoryView, image: ImageView) => setUploadTo({ category: c, replaces: image })}
              onDelete={onDelete}
              onCancelUpload={queue.cancel}
              onRetryUpload={queue.retry}
            />
          </Col>
        ))}
      </Row>
      {dossier.categories.length === 0 && <Typography.Text type="secondary">暂无需要上传的材料。</Typography.Text>}

      <UploadDialog target={uploadTo} onClose={() => setUploadTo(null)} onStart={startUpload} />
    </Flex>
  );
}

/** The district's 提示 (paragraphs the admin edits) and its 材料说明 PDF, opened in a new tab. */
function YearNotices({ notices, guideUrl }: { notices: string[]; guideUrl: string | null }) {
  if (notices.length === 0 && !guideUrl) return null;
  return (
    <Alert
      type="info"
      showIcon
      title="提示"
      data-testid="year-notices"
      description={
        <Flex vertical gap={4}>
          {notices.map((text, i) => (
            <Typography.Paragraph key={i} style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
              {text}
            </Typography.Paragraph>
          ))}
          {guideUrl && (
            <Typography.Link href={guideUrl} target="_blank" rel="noopener" data-testid="guide-link" style={{ ...TOUCH_TARGET, display: 'inline-flex', alignItems: 'center' }}>
              查看「材料说明」（PDF）
            </Typography.Link>
          )}
        </Flex>
      }
    />
  );
}
