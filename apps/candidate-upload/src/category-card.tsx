import type { DossierResponse, ImageView } from '@exam/api';
import { Alert, Button, Card, Flex, Image, LockTag, Popconfirm, Spin, Tag, Typography, useFeedback } from '@exam/ui';
import type { CategoryWithExample } from './dossier-api';
import { activeImages, canUploadTo, dossierEditable } from './dossier-rules';

export interface CategoryCardProps {
  dossier: DossierResponse;
  category: CategoryWithExample;
  onUpload(category: CategoryWithExample): void;
  onDelete(image: ImageView): Promise<void>;
}

const TILE = 96;
const DANGER = '#ff4d4f';

/** DOM id of a category card (the return alert's item list scrolls to it). */
export function categoryAnchorId(code: string): string {
  return `candidate-upload-category-${code}`;
}

interface ImageTileProps {
  image: ImageView;
  /** the dossier accepts changes now (draft in the window, or an open return) */
  editable: boolean;
  onDelete(image: ImageView): Promise<void>;
}

function ImageTile({ image, editable, onDelete }: ImageTileProps) {
  const returned = image.returnReason !== null;
  return (
    <Flex vertical gap={4} style={{ width: TILE }} data-testid="image-tile" data-returned={returned || undefined}>
      <div
        style={{
          position: 'relative',
          width: TILE,
          height: TILE,
          borderRadius: 6,
          overflow: 'hidden',
          background: '#fafafa',
          border: returned ? `2px solid ${DANGER}` : '1px solid #eee',
        }}
      >
        {image.state === 'READY' && image.thumbUrl ? (
          <Image
            src={image.thumbUrl}
            alt="材料图片"
            width={TILE}
            height={TILE}
            style={{ objectFit: 'cover' }}
            preview={image.previewUrl ? { src: image.previewUrl } : false}
          />
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
        {!image.locked && editable && (
          <Popconfirm title="确定删除这张图片吗？" okText="删除" cancelText="取消" onConfirm={() => onDelete(image)}>
            <Button
              danger
              type="primary"
              shape="circle"
              size="small"
              aria-label="删除图片"
              style={{ position: 'absolute', top: 2, right: 2, minWidth: 24, width: 24, height: 24, padding: 0, fontWeight: 700 }}
            >
              －
            </Button>
          </Popconfirm>
        )}
      </div>
      <LockTag locked={image.locked} />
      {image.returnReason && (
        <Typography.Text type="danger" style={{ fontSize: 12, wordBreak: 'break-all' }} data-testid="image-return-reason">
          需更换：{image.returnReason}
          {!image.locked && editable ? '（请点击“－”删除后重新上传）' : ''}
        </Typography.Text>
      )}
      {image.state === 'REJECTED' && image.reason && (
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {image.reason}
        </Typography.Text>
      )}
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
    content: (
      <Flex vertical gap={12}>
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{category.description}</Typography.Paragraph>
        {category.exampleImageUrl && (
          <img src={category.exampleImageUrl} alt={`${category.name}示例`} style={{ maxWidth: '100%', borderRadius: 4 }} />
        )}
      </Flex>
    ),
  });
}

export function CategoryCard({ dossier, category, onUpload, onDelete }: CategoryCardProps) {
  const { modal } = useFeedback();
  const count = activeImages(category).length;
  const uploadable = canUploadTo(dossier, category);
  const editable = dossierEditable(dossier);
  const returned = category.returnReason !== null || category.images.some((image) => image.returnReason !== null);
  const countText = category.minCount === category.maxCount ? `需 ${category.maxCount} 张` : `${category.minCount}–${category.maxCount} 张`;
  return (
    <Card
      size="small"
      id={categoryAnchorId(category.code)}
      data-testid={`category-${category.code}`}
      style={returned ? { borderColor: DANGER } : undefined}
      title={
        <Flex gap={6} align="center" wrap>
          <span style={{ whiteSpace: 'normal' }}>{category.name}</span>
          {category.required ? <Tag color="red">必传</Tag> : <Tag>选传</Tag>}
        </Flex>
      }
      extra={
        <Button size="small" type="link" onClick={() => showExample(modal, category)}>
          示例
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true, symbol: '展开' }} style={{ marginBottom: 8 }}>
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
        {category.images.map((image) => (
          <ImageTile key={image.id} image={image} editable={editable} onDelete={onDelete} />
        ))}
        {uploadable && (
          <Button
            type="dashed"
            onClick={() => onUpload(category)}
            style={{ width: TILE, height: TILE, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center' }}
          >
            <span style={{ fontSize: 22, lineHeight: 1 }}>＋</span>
            <span>上传</span>
          </Button>
        )}
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
        已上传 {count} 张（{countText}）
        {count >= category.maxCount ? '，已达上限' : ''}
      </Typography.Text>
    </Card>
  );
}
