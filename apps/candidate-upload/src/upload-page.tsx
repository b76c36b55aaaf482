import { useCallback, useEffect, useState } from 'react';
import type { DossierResponse, DossierStatus, ImageView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  DossierStatusTag,
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
import { UploadDialog } from './upload-dialog';

const POLL_MS = 1500;

const STATUS_NOTICE: Partial<Record<DossierStatus, { type: 'info' | 'success' | 'warning' | 'error'; text: string }>> = {
  PENDING_SITE: { type: 'success', text: '材料上传完成，内容已锁定，请等待考点审核。' },
  PENDING_DISTRICT: { type: 'success', text: '材料已提交，内容已锁定，请等待考区审核。' },
  RETURNED: { type: 'warning', text: '审核人员要求补充或更换部分材料：请按提示处理“未锁定”的图片后再次提交审核。' },
  APPROVED: { type: 'success', text: '审核结果：审核通过。' },
  REJECTED: { type: 'error', text: '审核结果：审核不通过。' },
  NOT_SUBMITTED: { type: 'error', text: '上传已截止，您未在规定时间内提交材料。' },
};

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
          await submitDossier();
          feedback.message.success('提交成功：材料上传完成，内容已锁定');
        } catch (e) {
          feedback.message.error(message(e, '提交失败，请稍后重试'));
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
  const canSubmit = (state.status === 'DRAFT' || state.status === 'RETURNED') && dossierEditable(dossier);
  const notice = STATUS_NOTICE[state.status];
  const windowText = `${formatWindowTime(examYear.windowStart)} 至 ${formatWindowTime(examYear.windowEnd, true)}`;

  return (
    <Flex vertical gap={12} data-testid="candidate-upload">
      <Card
        size="small"
        title={
          <Flex align="center" gap={8} wrap>
            <span>材料上传</span>
            <DossierStatusTag status={state.status} />
          </Flex>
        }
        extra={
          canSubmit && (
            <Button type="primary" loading={submitting} disabled={hasProcessing(dossier)} onClick={onSubmit}>
              提交审核
            </Button>
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
          ]}
        />
      </Card>

      {notice && <Alert type={notice.type} showIcon title={notice.text} />}
      {state.status === 'DRAFT' && examYear.windowState === 'NOT_OPEN' && (
        <Alert type="info" showIcon title={`上传尚未开始，开放时间：${windowText}`} />
      )}
      {state.status === 'DRAFT' && examYear.windowState === 'CLOSED' && (
        <Alert type="warning" showIcon title="上传已截止，系统已自动锁定，不能再修改或添加材料。" />
      )}
      {state.status === 'DRAFT' && examYear.windowState === 'OPEN' && (
        <Alert
          type="info"
          showIcon
          title="请按考区材料提交说明及本人情况上传下列材料"
          description={`照片内容须真实、准确、完整、有效。上传截止后系统自动锁定，不能再修改或添加。全部上传后，请点击右上角“提交审核”。`}
        />
      )}

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
