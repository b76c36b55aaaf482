import { useState } from 'react';
import type { ReviewDossierResponse } from '@exam/api';
import { TRANSITION_ACTION_LABELS } from '@exam/domain';
import { Button, Descriptions, DossierStatusTag, Flex, Space, Tag, Typography, useFeedback } from '@exam/ui';
import { revealIdNumber } from './review-api';
import { describeError } from './use-review-dossier';
import { formatBeijing } from './time';

const actionLabel = (action: string | null) =>
  action ? ((TRANSITION_ACTION_LABELS as Record<string, string>)[action] ?? action) : null;

function Contact({ phone, email }: { phone: string | null; email: string | null }) {
  if (!phone && !email) return <>—</>;
  return (
    <Space size={4} wrap separator={<span aria-hidden>·</span>}>
      {phone && <a href={`tel:${phone}`}>{phone}</a>}
      {email && <a href={`mailto:${email}`}>{email}</a>}
    </Space>
  );
}

/** 姓名 / 报名号 / 考生类型 / 考点 / 证件号 (masked; 查看完整证件号 is an audited read) / contacts, and the dossier's tags. */
export function DossierHeader({ data }: { data: ReviewDossierResponse }) {
  const { candidate: c, dossier: d } = data;
  const { message } = useFeedback();
  const [fullId, setFullId] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);

  const reveal = async () => {
    setRevealing(true);
    try {
      setFullId((await revealIdNumber(d.id)).idNumber);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setRevealing(false);
    }
  };

  const via = actionLabel(d.lastAction);
  return (
    <Flex vertical gap={8} data-testid="dossier-header">
      <Flex wrap gap={8} align="center">
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="candidate-name">
          {c.name}
        </Typography.Title>
        <Typography.Text type="secondary">{c.registrationNo}</Typography.Text>
        <DossierStatusTag status={d.status} />
        {d.autoSubmitted && (
          <Tag color="orange" data-testid="tag-auto-submitted">
            截止自动提交
          </Tag>
        )}
        {d.proposedRejection && (
          <Tag color="red" data-testid="tag-proposed-rejection">
            考点建议不通过
          </Tag>
        )}
        {via && <Tag>{`来源：${via}`}</Tag>}
      </Flex>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'type', label: '考生类型', children: c.candidateTypeLabel },
          { key: 'site', label: '考点', children: c.siteName },
          {
            key: 'id',
            label: '证件号',
            children: (
              <Space size={8} wrap>
                <span data-testid="id-number">{fullId ?? c.idNumberMasked}</span>
                {!fullId && (
                  <Button size="small" type="link" loading={revealing} onClick={() => void reveal()} style={{ padding: 0 }}>
                    查看完整证件号
                  </Button>
                )}
              </Space>
            ),
          },
          { key: 'phone', label: '手机', children: <Contact phone={c.phone} email={null} /> },
          { key: 'email', label: '邮箱', children: <Contact phone={null} email={c.email} /> },
          { key: 'submitted', label: '提交时间', children: formatBeijing(d.submittedAt) },
          {
            key: 'unit',
            label: '报名单位',
            span: { xs: 1, sm: 2, lg: 3 },
            children: (
              <Space size={8} wrap>
                <span>{c.unitName}</span>
                <Contact phone={c.unitPhone} email={c.unitEmail} />
              </Space>
            ),
          },
        ]}
      />
    </Flex>
  );
}
