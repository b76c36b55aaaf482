import { useCallback, useEffect, useState } from 'react';
import type { DossierResponse, ImageView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import {
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
import { CategoryCard } from './category-card';
import { deleteImage, fetchDossier, submitDossier, type CategoryWithExample } from './dossier-api';
import { dossierEditable, formatWindowTime, hasProcessing, missingCategories } from './dossier-rules';
import { formatManualTime, pageBanner, returnOpen, SUBMITTED_NOTICE, SUBMITTED_TITLE, statusTag, unresolvedItems } from './review-status';
import { StatusBanner } from './status-banner';
import { UploadDialog } from './upload-dialog';

const POLL_MS = 1500;

function message(e: unknown, fallback: string): string {
  return isApiClientError(e) ? e.message : fallback;
}

export function UploadPage() {
  const feedback = useFeedback();
  const [dossier, setDossier] = useState<DossierResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [uploadTo, setUploadTo] = useState<CategoryWithExample | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const reload = useCallback(async (signal?: AbortSignal) => {
    try {
      const next = await fetchDossier(signal);
      setDossier(next);
      setLoadError(null);
    } catch (e) {
      if (signal?.aborted) return;
      setLoadError(message(e, '材料信息加载失败，请稍后重试'));
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  // While the server processes an upload, ask again every ~1.5 s until it is READY or REJECTED.
  useEffect(() => {
    if (!dossier || !hasProcessing(dossier)) return;
    const timer = setTimeout(() => void reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [dossier, reload]);

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
      });
      return;
    }
    feedback.modal.confirm({
      title: '确认提交审核？',
      content: '提交后材料将被锁定，不能再修改或添加，请确认所有材料已上传无误。',
      okText: '提交审核',
      cancelText: '再检查一下',
      onOk: async () => {
        setSubmitting(true);
        try {
          const answer = await submitDossier();
          feedback.modal.success({
            title: answer.message || SUBMITTED_TITLE,
            content: SUBMITTED_NOTICE,
            okText: '知道了',
            centered: true,
          });
        } catch (e) {
          // the server's reason, e.g. which returned materials still lack a new image
          feedback.modal.error({ title: '提交失败', content: message(e, '提交失败，请稍后重试'), okText: '知道了', centered: true });
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
  const canSubmit =
    dossierEditable(dossier) && (state.status === 'DRAFT' || (openReturn && unresolved.length === 0));
  const windowText = `${formatWindowTime(examYear.windowStart)} 至 ${formatWindowTime(examYear.windowEnd, true)}`;

  return (
    <Flex vertical gap={12} data-testid="candidate-upload">
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
            <Button type="primary" loading={submitting} disabled={hasProcessing(dossier)} onClick={onSubmit} data-testid="submit-dossier">
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
            <CategoryCard dossier={dossier} category={category} onUpload={setUploadTo} onDelete={onDelete} />
          </Col>
        ))}
      </Row>
      {dossier.categories.length === 0 && <Typography.Text type="secondary">暂无需要上传的材料。</Typography.Text>}

      <UploadDialog
        category={uploadTo}
        onClose={() => setUploadTo(null)}
        onUploaded={() => {
          setUploadTo(null);
          void reload();
        }}
      />
    </Flex>
  );
}
