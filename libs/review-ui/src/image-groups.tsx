import { useEffect, useRef, type Dispatch } from 'react';
import type { ReviewCategoryView, ReviewImageView } from '@exam/api';
import { Button, Flex, Tag, Tooltip, Typography } from '@exam/ui';
import { markReasonLabel, type ReviewAction, type ReviewState, selectedSlot } from './review-state';

interface ImageGroupsProps {
  categories: readonly ReviewCategoryView[];
  state: ReviewState;
  dispatch: Dispatch<ReviewAction>;
  readOnly: boolean;
}

function MarkBadge({ state, imageId }: { state: ReviewState; imageId: string }) {
  const m = state.marks[imageId];
  if (!m) return null;
  return m.mark === 'OK' ? (
    <span className="rv-badge rv-badge-ok" aria-label="已标记合格" data-mark="OK">
      ✓
    </span>
  ) : (
    <Tooltip title={markReasonLabel(m)}>
      <span className="rv-badge rv-badge-bad" aria-label={`已标记需更换：${markReasonLabel(m)}`} data-mark="NEEDS_REPLACEMENT">
        需更换
      </span>
    </Tooltip>
  );
}

function ImageTile({ image, index, selected, state, dispatch }: { image: ReviewImageView; index: number; selected: boolean; state: ReviewState; dispatch: Dispatch<ReviewAction> }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [selected]);
  const warned = image.warnings.length > 0;
  return (
    <button
      ref={ref}
      type="button"
      className={`rv-tile${selected ? ' rv-tile-selected' : ''}${warned ? ' rv-tile-warned' : ''}`}
      data-testid={`image-tile-${image.id}`}
      aria-label={`第 ${index} 张图片${selected ? '（当前）' : ''}`}
      aria-pressed={selected}
      onClick={() => dispatch({ type: 'selectImage', imageId: image.id })}
    >
      {image.thumbUrl ? <img src={image.thumbUrl} alt="" loading="lazy" draggable={false} /> : <span className="rv-tile-empty">处理中</span>}
      <span className="rv-tile-index">{index}</span>
      <MarkBadge state={state} imageId={image.id} />
      <span className="rv-tile-tags">
        {image.replacement && <span className="rv-chip rv-chip-blue">补充上传</span>}
        {image.warnings.map((w) => (
          <span key={w.code} className="rv-chip rv-chip-warn" title={w.label}>
            {w.code === 'REUSED' ? '相似' : w.code === 'UNCLEAR' ? '不清晰' : w.label}
          </span>
        ))}
      </span>
    </button>
  );
}

/** The dossier's images, category by category, as thumbnails; 材料缺失 per category. */
export function ImageGroups({ categories, state, dispatch, readOnly }: ImageGroupsProps) {
  const slot = selectedSlot(state);
  let counter = 0;
  return (
    <Flex vertical gap={12} data-testid="image-groups">
      {categories.map((category) => {
        const missing = state.missing[category.code];
        const slotSelected = slot?.kind === 'category' && slot.categoryCode === category.code;
        const hasImages = category.images.length > 0;
        if (!hasImages && !category.required && !missing && category.minCount === 0) return null;
        return (
          <section
            key={category.code}
            className={`rv-category${slotSelected ? ' rv-category-selected' : ''}`}
            data-testid={`category-${category.code}`}
            aria-label={category.name}
          >
            <Flex justify="space-between" align="center" gap={8} wrap>
              <Typography.Text strong>
                {category.name}
                <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginLeft: 6, fontSize: 12 }}>
                  {category.images.length} 张{category.required ? '' : '（选交）'}
                </Typography.Text>
              </Typography.Text>
              {!readOnly && !missing && (
                <Button size="small" onClick={() => dispatch({ type: 'openMissing', categoryCode: category.code })} data-testid={`missing-${category.code}`}>
                  材料缺失
                </Button>
              )}
            </Flex>
            {missing && (
              <Tag color="red" closable={!readOnly} onClose={() => dispatch({ type: 'clearMissing', categoryCode: category.code })} style={{ marginTop: 6 }} data-testid={`missing-tag-${category.code}`}>
                {missing.reasonCode === 'MISSING' && !missing.reasonText ? '材料缺失' : `材料缺失：${markReasonLabel(missing)}`}
              </Tag>
            )}
            {hasImages ? (
              <div className="rv-tiles">
                {category.images.map((image) => {
                  counter += 1;
                  const selected = slot?.kind === 'image' && slot.imageId === image.id;
                  return <ImageTile key={image.id} image={image} index={counter} selected={selected} state={state} dispatch={dispatch} />;
                })}
              </div>
            ) : (
              <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6, fontSize: 12 }}>
                未上传图片
              </Typography.Text>
            )}
          </section>
        );
      })}
    </Flex>
  );
}
