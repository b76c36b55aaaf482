import type { Dispatch } from 'react';
import { Link } from 'react-router';
import type { ReviewCategoryView, ReviewMarkView } from '@exam/api';
import { Alert, Button, Empty, Flex, List, Space, Tag, Typography } from '@exam/ui';
import type { ImageEntry } from './image-label';
import { markReasonLabel, type ReviewAction, type ReviewState } from './review-state';
import { formatBeijing } from './time';

const LEVEL_LABELS = { SITE: '考点', DISTRICT: '考区' } as const;

function EarlierMarks({ marks }: { marks: readonly ReviewMarkView[] }) {
  if (marks.length === 0) return <Typography.Text type="secondary">此前无审核标记</Typography.Text>;
  return (
    <List
      size="small"
      data-testid="earlier-marks"
      dataSource={[...marks]}
      renderItem={(m) => (
        <List.Item style={{ paddingInline: 0 }}>
          <Flex wrap gap={6} align="center">
            <Tag>{LEVEL_LABELS[m.level]}</Tag>
            {m.mark === 'OK' ? <Tag color="success">✓ 合格</Tag> : <Tag color="error">需更换</Tag>}
            {m.reason && <span>{m.reason}</span>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {m.reviewerName} · {formatBeijing(m.at)}
            </Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
}

interface MarkPanelProps {
  entry: ImageEntry | null;
  /** the selected stop is a required category without images */
  emptyCategory: ReviewCategoryView | null;
  state: ReviewState;
  dispatch: Dispatch<ReviewAction>;
  readOnly: boolean;
  dossierLink: (dossierId: string) => string;
}

/** The selected image: warnings, this review's mark (✓ / 需更换) and the marks of earlier reviews. */
export function MarkPanel({ entry, emptyCategory, state, dispatch, readOnly, dossierLink }: MarkPanelProps) {
  if (!entry) {
    if (!emptyCategory) return <Empty description="没有图片" />;
    const missing = state.missing[emptyCategory.code];
    return (
      <Flex vertical gap={8} data-testid="mark-panel">
        <Typography.Text strong>{emptyCategory.name}</Typography.Text>
        <Alert type="warning" showIcon title="该类材料未上传图片" />
        {missing ? (
          <Tag color="red">材料缺失：{markReasonLabel(missing)}</Tag>
        ) : (
          !readOnly && (
            <Button danger onClick={() => dispatch({ type: 'openMissing', categoryCode: emptyCategory.code })} aria-label="材料缺失">
              材料缺失 <kbd className="rv-kbd">M</kbd>
            </Button>
          )
        )}
      </Flex>
    );
  }

  const { image } = entry;
  const mark = state.marks[image.id];
  const reused = image.reusedFrom;
  return (
    <Flex vertical gap={10} data-testid="mark-panel">
      <Flex wrap gap={6} align="center">
        <Typography.Text strong>{entry.label}</Typography.Text>
        {image.replacement && <Tag color="blue">补充上传</Tag>}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {image.width && image.height ? `${image.width}×${image.height} · ` : ''}
          {Math.round(image.sizeBytes / 1024)} KB · 上传于 {formatBeijing(image.uploadedAt)}
        </Typography.Text>
      </Flex>
      {image.warnings.map((w) =>
        w.code === 'REUSED' && reused ? (
          <Alert
            key={w.code}
            type="warning"
            showIcon
            data-testid="warning-REUSED"
            title={w.label}
            description={
              <span>
                与考生 {reused.candidateName}（报名号 {reused.registrationNo}，{reused.siteName}）的图片相似
                {reused.dossierId && (
                  <>
                    {' '}
                    <Link to={dossierLink(reused.dossierId)} data-testid="reused-link">
                      查看该考生材料
                    </Link>
                  </>
                )}
              </span>
            }
          />
        ) : (
          <Alert key={w.code} type="warning" showIcon title={w.label} data-testid={`warning-${w.code}`} />
        ),
      )}
      {!readOnly && (
        <Flex wrap gap={8} align="center">
          <Button
            type={mark?.mark === 'OK' ? 'primary' : 'default'}
            onClick={() => dispatch({ type: 'markOk', imageId: image.id })}
            data-testid="mark-ok"
            aria-label="合格"
            aria-keyshortcuts="Y"
          >
            ✓ 合格 <kbd className="rv-kbd">Y</kbd>
          </Button>
          <Button
            danger
            type={mark?.mark === 'NEEDS_REPLACEMENT' ? 'primary' : 'default'}
            onClick={() => dispatch({ type: 'openReplace', imageId: image.id })}
            data-testid="mark-replace"
            aria-label="需更换"
            aria-keyshortcuts="N"
          >
            需更换 <kbd className="rv-kbd">N</kbd>
          </Button>
          <Button onClick={() => dispatch({ type: 'openMissing', categoryCode: image.categoryCode })} aria-label="材料缺失" aria-keyshortcuts="M">
            材料缺失 <kbd className="rv-kbd">M</kbd>
          </Button>
          {mark && (
            <Button type="link" onClick={() => dispatch({ type: 'clearMark', imageId: image.id })} data-testid="mark-clear">
              清除标记
            </Button>
          )}
        </Flex>
      )}
      {!readOnly && (
        <div data-testid="current-mark" data-mark={mark?.mark ?? 'NONE'}>
          {mark ? (
            mark.mark === 'OK' ? (
              <Tag color="success">本次标记：✓ 合格</Tag>
            ) : (
              <Tag color="error">本次标记：需更换（{markReasonLabel(mark)}）</Tag>
            )
          ) : (
            <Typography.Text type="secondary">本次尚未标记</Typography.Text>
          )}
        </div>
      )}
      <Space orientation="vertical" size={2} style={{ width: '100%' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          此前的审核标记
        </Typography.Text>
        <EarlierMarks marks={image.marks} />
      </Space>
    </Flex>
  );
}
