import { useEffect, useState } from 'react';
import type { DossierResponse, ImageView } from '@exam/api';
import { Alert, Button, Card, Flex, Image, LockTag, Popconfirm, Progress, Spin, Tag, Typography, useFeedback } from '@exam/ui';
import type { CategoryWithExample } from './dossier-api';
import { activeImages, canUploadTo, dossierEditable } from './dossier-rules';
import { TOUCH_MIN, TOUCH_TARGET } from './touch';
import { RETRY_DELAYS_MS } from './upload-retry';
import type { PendingUpload } from './use-upload-queue';
import { imageWarnings, warningsActionable } from './warnings';

export interface CategoryCardProps {
  dossier: DossierResponse;
  category: CategoryWithExample;
  /** this page's uploads into the category that are not stored yet */
  uploads: readonly PendingUpload[];
  onUpload(category: CategoryWithExample): void;
  /** 重新上传: a new photo for `image` */
  onReplace(category: CategoryWithExample, image: ImageView): void;
  onDelete(image: ImageView): Promise<void>;
  onCancelUpload(id: string): void;
  onRetryUpload(id: string): void;
}

const TILE = 96;
const DANGER = '#ff4d4f';
const WARNING = '#d46b08';

/** DOM id of a category card (the return alert's item list scrolls to it). */
export function categoryAnchorId(code: string): string {
  return `candidate-upload-category-${code}`;
}

/** The thumbnail; Enter/Space or a tap opens the large preview. */
function Thumb({ image, label }: { image: ImageView; label: string }) {
  const [open, setOpen] = useState(false);
  const preview = image.previewUrl ? { src: image.previewUrl, open, onOpenChange: setOpen } : false;
  return (
    <div
      role={image.previewUrl ? 'button' : undefined}
      tabIndex={image.previewUrl ? 0 : undefined}
      aria-label={image.previewUrl ? `查看大图：${label}` : undefined}
      className="cu-thumb"
      onKeyDown={(e) => {
        if (image.previewUrl && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          setOpen(true);
        }
      }}
    >
      <Image src={image.thumbUrl ?? undefined} alt="材料图片" width={TILE} height={TILE} style={{ objectFit: 'cover' }} preview={preview} />
    </div>
  );
}

interface ImageTileProps {
  image: ImageView;
  /** `毕业证书 第1张` */
  label: string;
  /** the dossier accepts changes now (draft in the window, or an open return) */
  editable: boolean;
  onDelete(image: ImageView): Promise<void>;
  onReplace(image: ImageView): void;
}

function ImageTile({ image, label, editable, onDelete, onReplace }: ImageTileProps) {
  const returned = image.returnReason !== null;
  const changeable = !image.locked && editable;
  const warnings = warningsActionable(image, editable) ? imageWarnings(image) : [];
  const stateText =
    image.state === 'PROCESSING' ? '处理中' : image.state === 'REJECTED' ? '未通过校验' : warnings.length > 0 ? '有提示' : '已上传';
  const offerReplace = changeable && (warnings.length > 0 || image.state === 'REJECTED' || returned);
  return (
    <Flex
      vertical
      gap={4}
      style={{ width: TILE }}
      role="group"
      aria-label={`${label}：${stateText}，${image.locked ? '已锁定' : '未锁定'}`}
      data-testid="image-tile"
      data-image-id={image.id}
      data-state={image.state}
      data-returned={returned || undefined}
      data-warned={warnings.length > 0 || undefined}
    >
      <div
        style={{
          position: 'relative',
          width: TILE,
          height: TILE,
          borderRadius: 6,
          overflow: 'hidden',
          background: '#fafafa',
          border: returned ? `2px solid ${DANGER}` : warnings.length > 0 ? `2px solid ${WARNING}` : '1px solid #eee',
          boxSizing: 'border-box',
        }}
      >
        {image.state === 'READY' && image.thumbUrl ? (
          <Thumb image={image} label={label} />
        ) : image.state === 'PROCESSING' ? (
          <Flex vertical align="center" justify="center" style={{ height: '100%' }} gap={4}>
            <Spin size="small" />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              处理中
            </Typography.Text>
          </Flex>
        ) : (
          <Flex align="center" justify="center" style={{ height: '100%', padding: 4 }}>
            <Typography.Text type="danger" style={{ fontSize: 12, textAlign: 'center' }}>
              未通过校验
            </Typography.Text>
          </Flex>
        )}
        {changeable && (
          <Popconfirm
            title="确定删除这张图片吗？"
            okText="删除"
            cancelText="取消"
            okButtonProps={{ style: TOUCH_TARGET }}
            cancelButtonProps={{ style: TOUCH_TARGET }}
            onConfirm={() => onDelete(image)}
          >
            {/* the manual's －: a 44 px target in the tile's top-right corner, the visible dot smaller */}
            <button type="button" className="cu-delete" aria-label={`删除图片：${label}`}>
              <span aria-hidden className="cu-delete-dot">
                －
              </span>
            </button>
          </Popconfirm>
        )}
      </div>
      <LockTag locked={image.locked} />
      {warnings.map((w) => (
        <Typography.Text key={w.code} style={{ fontSize: 12, color: WARNING }} data-testid="image-warning" data-code={w.code}>
          {w.label}
        </Typography.Text>
      ))}
      {image.returnReason && (
        <Typography.Text type="danger" style={{ fontSize: 12, wordBreak: 'break-all' }} data-testid="image-return-reason">
          需更换：{image.returnReason}
        </Typography.Text>
      )}
      {image.state === 'REJECTED' && image.reason && (
        <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="image-reject-reason">
          {image.reason}
        </Typography.Text>
      )}
      {offerReplace && (
        <Button
          block
          size="small"
          danger={returned || image.state === 'REJECTED'}
          style={{ ...TOUCH_TARGET, paddingInline: 4 }}
          aria-label={`重新上传：${label}`}
          data-testid="reupload-image"
          onClick={() => onReplace(image)}
        >
          重新上传
        </Button>
      )}
    </Flex>
  );
}

/** A local preview of a file being uploaded. */
function useObjectUrl(file: Blob): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}

function PendingRow({ upload, onCancel, onRetry }: { upload: PendingUpload; onCancel(): void; onRetry(): void }) {
  const thumb = useObjectUrl(upload.file);
  const failed = upload.phase === 'failed';
  const text =
    upload.phase === 'failed'
      ? upload.error
      : upload.phase === 'waiting'
        ? `${upload.error ?? '上传中断'}，正在自动重试（第 ${upload.retries}/${RETRY_DELAYS_MS.length} 次）…`
        : upload.percent >= 100
          ? '已发送，等待服务器确认…'
          : upload.replaces
            ? '正在上传新图片…'
            : '正在上传…';
  return (
    <Flex
      gap={8}
      align="center"
      role="group"
      aria-label={`上传中的图片：${upload.file.name}`}
      data-testid="upload-progress"
      data-phase={upload.phase}
      style={{ padding: 8, border: `1px solid ${failed ? DANGER : '#e6f0fa'}`, borderRadius: 6, background: failed ? '#fff2f0' : '#f6faff' }}
    >
      {thumb && <img src={thumb} alt="" width={44} height={44} style={{ objectFit: 'cover', borderRadius: 4, flex: 'none' }} />}
      <Flex vertical style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text type={failed ? 'danger' : undefined} style={{ fontSize: 12 }} data-testid="upload-progress-text">
          {text}
        </Typography.Text>
        <Progress
          percent={upload.percent}
          size="small"
          status={failed ? 'exception' : upload.phase === 'waiting' ? 'normal' : 'active'}
          aria-label="上传进度"
          style={{ margin: 0 }}
        />
      </Flex>
      {failed && upload.canRetry && (
        <Button type="primary" style={TOUCH_TARGET} onClick={onRetry} data-testid="upload-retry">
          重试
        </Button>
      )}
      <Button style={TOUCH_TARGET} onClick={onCancel} aria-label={`取消上传：${upload.file.name}`} data-testid="upload-cancel">
        取消
      </Button>
    </Flex>
  );
}

type ModalApi = ReturnType<typeof useFeedback>['modal'];

function showExample(modal: ModalApi, category: CategoryWithExample) {
  modal.info({
    title: `示例：${category.name}`,
    icon: null,
    centered: true,
    okText: '知道了',
    okButtonProps: { style: TOUCH_TARGET },
    content: (
      <Flex vertical gap={12}>
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{category.description}</Typography.Paragraph>
        {category.exampleImageUrl && (
          <img src={category.exampleImageUrl} alt={`${category.name}示例`} data-testid="example-image" style={{ maxWidth: '100%', borderRadius: 4 }} />
        )}
      </Flex>
    ),
  });
}

export function CategoryCard({ dossier, category, uploads, onUpload, onReplace, onDelete, onCancelUpload, onRetryUpload }: CategoryCardProps) {
  const { modal } = useFeedback();
  const count = activeImages(category).length;
  const uploadable = canUploadTo(dossier, category, uploads.length);
  const editable = dossierEditable(dossier);
  const returned = category.returnReason !== null || category.images.some((image) => image.returnReason !== null);
  const countText = category.minCount === category.maxCount ? `需 ${category.maxCount} 张` : `${category.minCount}–${category.maxCount} 张`;
  const headingId = `${categoryAnchorId(category.code)}-title`;
  return (
    <Card
      size="small"
      id={categoryAnchorId(category.code)}
      data-testid={`category-${category.code}`}
      aria-labelledby={headingId}
      role="region"
      style={returned ? { borderColor: DANGER } : undefined}
      title={
        <Flex gap={6} align="center" wrap>
          <span id={headingId} role="heading" aria-level={2} style={{ whiteSpace: 'normal' }}>
            {category.name}
          </span>
          {category.required ? <Tag color="red">必传</Tag> : <Tag>选传</Tag>}
        </Flex>
      }
      extra={
        <Button type="link" style={{ ...TOUCH_TARGET, paddingInline: 8 }} aria-label={`示例：${category.name}`} onClick={() => showExample(modal, category)}>
          示例
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {category.description}
      </Typography.Paragraph>
      {category.returnReason && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="category-return-reason"
          title={`需补充：${category.returnReason}`}
          description={
            !editable
              ? undefined
              : uploadable
                ? '请点击下方“上传”补充图片。'
                : '该类别已达上传上限，请先点击“－”删除需要更换的图片，再点击“上传”。'
          }
        />
      )}
      <Flex gap={12} wrap align="flex-start">
        {category.images.map((image, index) => (
          <ImageTile
            key={image.id}
            image={image}
            label={`${category.name} 第${index + 1}张`}
            editable={editable}
            onDelete={onDelete}
            onReplace={(img) => onReplace(category, img)}
          />
        ))}
        {uploadable && (
          <Button
            type="dashed"
            aria-label={`上传：${category.name}`}
            data-testid="upload-button"
            onClick={() => onUpload(category)}
            style={{ width: TILE, height: TILE, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center' }}
          >
            <span aria-hidden style={{ fontSize: 22, lineHeight: 1 }}>
              ＋
            </span>
            <span>上传</span>
          </Button>
        )}
      </Flex>
      {uploads.length > 0 && (
        <Flex vertical gap={8} style={{ marginTop: 12 }}>
          {uploads.map((upload) => (
            <PendingRow key={upload.id} upload={upload} onCancel={() => onCancelUpload(upload.id)} onRetry={() => onRetryUpload(upload.id)} />
          ))}
        </Flex>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }} data-testid="category-count">
        已上传 {count} 张（{countText}）
        {uploads.length > 0 ? `，${uploads.length} 张上传中` : ''}
        {count >= category.maxCount ? '，已达上限' : ''}
      </Typography.Text>
    </Card>
  );
}

/** Styles the inline style props cannot express (hover/focus, the delete button's hit area), scoped by class. */
export const CATEGORY_CARD_CSS = `
.cu-visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.cu-modal .ant-modal-close { width: ${TOUCH_MIN}px; height: ${TOUCH_MIN}px; top: 8px; inset-inline-end: 8px; }
.cu-thumb { width: ${TILE}px; height: ${TILE}px; cursor: zoom-in; }
.cu-thumb:focus-visible { outline: 2px solid #1f5fae; outline-offset: -2px; }
.cu-delete {
  position: absolute; top: 0; right: 0; width: ${TOUCH_MIN}px; height: ${TOUCH_MIN}px; padding: 0; margin: 0;
  border: 0; background: transparent; cursor: pointer; display: flex; align-items: flex-start; justify-content: flex-end;
}
.cu-delete-dot {
  width: 26px; height: 26px; margin: 3px; border-radius: 50%; background: #ff4d4f; color: #fff; font-weight: 700;
  display: flex; align-items: center; justify-content: center; font-size: 16px; line-height: 1; box-shadow: 0 1px 3px rgba(0,0,0,.25);
}
.cu-delete:hover .cu-delete-dot { background: #ff7875; }
.cu-delete:focus-visible { outline: none; }
.cu-delete:focus-visible .cu-delete-dot { outline: 2px solid #1f5fae; outline-offset: 2px; }
`;
