import type { CSSProperties } from 'react';
import { Button, Flex, Select, Space, Tag, Typography } from '@exam/ui';
import type { ImageEntry } from './image-label';
import type { ViewerOp, ViewerState } from './viewer-state';

interface ImageViewerProps {
  entry: ImageEntry | null;
  compare: ImageEntry | null;
  /** every image, for the 对比 picker */
  entries: readonly ImageEntry[];
  viewer: ViewerState;
  onViewer: (op: ViewerOp) => void;
  onCompare: (imageId: string | null) => void;
  /** shown when the selected stop is a category without images */
  emptyText?: string;
}

function imageStyle(viewer: ViewerState): CSSProperties {
  const sideways = viewer.rotation % 180 !== 0;
  const fit: CSSProperties =
    viewer.zoom === 1 ? { maxWidth: sideways ? '60vh' : '100%', maxHeight: sideways ? '100%' : '62vh' } : { width: `${viewer.zoom * 100}%`, maxWidth: 'none' };
  return { ...fit, transform: `rotate(${viewer.rotation}deg)`, transition: 'transform 120ms ease-out', display: 'block', margin: sideways ? '15% auto' : '0 auto' };
}

function Pane({ entry, viewer, testId }: { entry: ImageEntry; viewer: ViewerState; testId: string }) {
  const src = entry.image.previewUrl ?? entry.image.thumbUrl;
  return (
    <figure className="rv-pane" data-testid={testId}>
      <figcaption className="rv-pane-caption">{entry.label}</figcaption>
      <div className="rv-pane-scroll">
        {src ? <img src={src} alt={entry.label} style={imageStyle(viewer)} draggable={false} /> : <div className="rv-pane-empty">图片处理中</div>}
      </div>
    </figure>
  );
}

/** The selected image large (previewUrl, watermarked), with zoom, rotate and side-by-side compare. */
export function ImageViewer({ entry, compare, entries, viewer, onViewer, onCompare, emptyText }: ImageViewerProps) {
  return (
    <Flex vertical gap={8} data-testid="image-viewer">
      <Flex wrap gap={8} justify="space-between" align="center">
        <Space size={4} wrap>
          <Button size="small" onClick={() => onViewer('zoomOut')} aria-label="缩小" disabled={!entry}>
            缩小
          </Button>
          <Tag style={{ marginInlineEnd: 0, minWidth: 48, textAlign: 'center' }}>{Math.round(viewer.zoom * 100)}%</Tag>
          <Button size="small" onClick={() => onViewer('zoomIn')} aria-label="放大" disabled={!entry}>
            放大
          </Button>
          <Button size="small" onClick={() => onViewer('rotate')} aria-label="旋转" disabled={!entry}>
            旋转 90°
          </Button>
          <Button size="small" onClick={() => onViewer('reset')} aria-label="还原" disabled={!entry}>
            还原
          </Button>
          {entry && (
            <a href={entry.image.originalUrl} target="_blank" rel="noreferrer" style={{ fontSize: 12 }}>
              原图
            </a>
          )}
        </Space>
        <Space size={4} wrap>
          <Select<string>
            size="small"
            style={{ minWidth: 180 }}
            placeholder="与另一张图片对比"
            aria-label="对比图片"
            value={compare?.image.id ?? null}
            onChange={(v) => onCompare(v)}
            options={entries.filter((e) => e.image.id !== entry?.image.id).map((e) => ({ value: e.image.id, label: e.label }))}
            disabled={!entry || entries.length < 2}
            data-testid="compare-select"
          />
          {compare && (
            <Button size="small" onClick={() => onCompare(null)}>
              关闭对比
            </Button>
          )}
        </Space>
      </Flex>
      {entry ? (
        <div className={`rv-panes${compare ? ' rv-panes-compare' : ''}`}>
          <Pane entry={entry} viewer={viewer} testId="viewer-main" />
          {compare && <Pane entry={compare} viewer={viewer} testId="viewer-compare" />}
        </div>
      ) : (
        <div className="rv-pane-empty" style={{ minHeight: 200 }}>
          <Typography.Text type="secondary">{emptyText ?? '没有图片'}</Typography.Text>
        </div>
      )}
    </Flex>
  );
}
