import { useState } from 'react';
import { formatBeijing } from '@exam/review-ui';
import { Alert, Button, Col, Flex, Row, Skeleton, Statistic, Typography, useFeedback } from '@exam/ui';
import { publishResults } from './review-api';
import { describeError, usePublication } from './use-district-data';

/** The words of the 发布结果 confirmation. */
export function publishConfirmText(open: number, ready: number): string {
  return open > 0
    ? `仍有 ${open} 份材料未审核完毕，确定仅发布已审核完成的 ${ready} 份结果吗？`
    : `确定发布已审核完成的 ${ready} 份结果吗？发布后考生即可查看最终审核结果。`;
}

/** 发布结果: decided-but-unpublished, still open, published; publish with a confirmation. */
export function PublicationPanel() {
  const { data, loading, error, reload } = usePublication();
  const { modal, message } = useFeedback();
  const [publishing, setPublishing] = useState(false);

  const publish = () => {
    if (!data) return;
    const { open, decidedUnpublished } = data;
    modal.confirm({
      title: '发布结果',
      content: publishConfirmText(open, decidedUnpublished),
      okText: '确定发布',
      cancelText: '取消',
      onOk: async () => {
        setPublishing(true);
        try {
          const r = await publishResults(open);
          void message.success(`已发布 ${r.published} 份审核结果`);
        } catch (e) {
          void message.error(describeError(e));
        } finally {
          setPublishing(false);
          void reload();
        }
      },
    });
  };

  if (!data) {
    return error ? (
      <Alert type="error" showIcon title={error} action={<Button size="small" onClick={() => void reload()}>重试</Button>} />
    ) : (
      <Skeleton active />
    );
  }
  return (
    <Flex vertical gap={16} data-testid="publication">
      {error && <Alert type="error" showIcon title={error} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title="已审核、待发布" value={data.decidedUnpublished} loading={loading} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="尚未审核完毕" value={data.open} loading={loading} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="已发布" value={data.published} loading={loading} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="上次发布（北京时间）" value={formatBeijing(data.lastPublishedAt)} loading={loading} />
        </Col>
      </Row>
      {data.open > 0 && <Alert type="warning" showIcon title={`仍有 ${data.open} 份材料未审核完毕（待考点审核、待考区审核或待补充材料），发布时只发布已审核完成的结果。`} />}
      <Flex gap={8} align="center" wrap>
        <Button type="primary" onClick={publish} loading={publishing} disabled={data.decidedUnpublished === 0} data-testid="publish">
          发布结果
        </Button>
        {data.decidedUnpublished === 0 && <Typography.Text type="secondary">暂无可发布的结果</Typography.Text>}
      </Flex>
    </Flex>
  );
}
