import { useEffect, useRef, useState, type RefObject } from 'react';
import type { CategoryView, ImageView } from '@exam/api';
import { Alert, Button, Flex, Modal, Spin, Typography } from '@exam/ui';
import { judgeFile, readHead, withContentType, type FileRefusal } from './file-sniff';
import {
  ACCEPT_ATTRIBUTE,
  ImagePrepareError,
  MAX_UPLOAD_BYTES,
  UNDECODABLE_MESSAGE,
  decodeImage,
  formatBytes,
  prepareImage,
  type PreparedImage,
} from './image-shrink';
import { TOUCH_TARGET } from './touch';

/** Whom the dialog uploads for: a category, and the image a 重新上传 replaces. */
export interface UploadTarget {
  category: CategoryView;
  replaces: ImageView | null;
}

export interface UploadDialogProps {
  target: UploadTarget | null;
  onClose(): void;
  /** 上传 pressed: the prepared file goes to the upload queue (progress and retries show in the category) */
  onStart(file: File): void;
}

/** The manual's image requirements, shown in every upload dialog. */
export function ImageRequirements() {
  return (
    <Alert
      type="info"
      showIcon
      title="图片要求"
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          <li>照片内容须真实、准确、完整、有效；</li>
          <li>图片须端正，不得翻转或旋转；</li>
          <li>格式为 jpg/jpeg/png，图片清晰，每个文件不超过 200KB（手机照片会自动压缩）。</li>
        </ul>
      }
    />
  );
}

/** The district's 示例 image of the category, small enough to keep the dialog's buttons in view on a phone. */
function ExampleImage({ url, name }: { url: string; name: string }) {
  return (
    <Flex vertical gap={4} data-testid="upload-example">
      <Typography.Text type="secondary">示例（请参照拍摄）：</Typography.Text>
      <img
        src={url}
        alt={`${name}示例`}
        loading="lazy"
        style={{ maxWidth: '100%', maxHeight: 160, objectFit: 'contain', alignSelf: 'flex-start', borderRadius: 4, border: '1px solid #f0f0f0' }}
      />
    </Flex>
  );
}

/** Phones and tablets (a finger, not a mouse): 拍照 and 从相册选择 instead of one file button. */
function useCoarsePointer(): boolean {
  const [coarse] = useState(() => typeof window !== 'undefined' && window.matchMedia?.('(pointer: coarse)').matches === true);
  return coarse;
}

const refusalOf = (title: string): FileRefusal => ({ kind: 'unsupported', title, steps: [] });

export function UploadDialog({ target, onClose, onStart }: UploadDialogProps) {
  const coarse = useCoarsePointer();
  const albumRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const [original, setOriginal] = useState<File | null>(null);
  const [decoded, setDecoded] = useState<HTMLImageElement | null>(null);
  const [turns, setTurns] = useState(0);
  const [prepared, setPrepared] = useState<PreparedImage | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FileRefusal | null>(null);

  // Reset whenever the dialog opens for a category.
  useEffect(() => {
    setOriginal(null);
    setDecoded(null);
    setTurns(0);
    setPrepared(null);
    setRefusal(null);
    setBusy(false);
  }, [target]);

  // (Re)prepare on a new file or rotation.
  useEffect(() => {
    if (!original || !decoded) return;
    let cancelled = false;
    setBusy(true);
    setRefusal(null);
    prepareImage(original, decoded, turns)
      .then((result) => !cancelled && setPrepared(result))
      .catch((e: unknown) => {
        if (cancelled) return;
        setPrepared(null);
        setRefusal(refusalOf(e instanceof ImagePrepareError ? e.message : '图片处理失败，请重新选择'));
      })
      .finally(() => !cancelled && setBusy(false));
    return () => {
      cancelled = true;
    };
  }, [original, decoded, turns]);

  useEffect(() => {
    if (!prepared) {
      setPreviewUrl(null);
      return;
    }
    const url = URL.createObjectURL(prepared.file);
    setPreviewUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [prepared]);

  const onPick = async (file: File | undefined) => {
    if (!file) return;
    setPrepared(null);
    setOriginal(null);
    setDecoded(null);
    setTurns(0);
    setRefusal(null);
    setBusy(true);
    try {
      // judged by content: the picker's type may be empty or wrong
      const verdict = judgeFile(await readHead(file), file.size);
      if (!verdict.ok) {
        setRefusal(verdict);
        setBusy(false);
        return;
      }
      const typed = withContentType(file, verdict.format);
      const img = await decodeImage(typed);
      setOriginal(typed);
      setDecoded(img);
    } catch (e) {
      setRefusal(refusalOf(e instanceof ImagePrepareError ? e.message : UNDECODABLE_MESSAGE));
      setBusy(false);
    }
  };

  const onUpload = () => {
    if (!target || !prepared || busy) return;
    onStart(prepared.file);
  };

  const fileInput = (ref: RefObject<HTMLInputElement | null>, camera: boolean) => (
    <input
      ref={ref}
      type="file"
      accept={camera ? 'image/*' : ACCEPT_ATTRIBUTE}
      {...(camera ? { capture: 'environment' as const } : {})}
      hidden
      aria-label={camera ? '拍照' : '选择图片文件'}
      data-testid={camera ? 'camera-file-input' : 'upload-file-input'}
      onChange={(e) => {
        void onPick(e.target.files?.[0]);
        e.target.value = '';
      }}
    />
  );

  const name = target?.category.name ?? '';
  return (
    <Modal
      open={target !== null}
      title={target?.replaces ? `重新上传：${name}` : `上传：${name}`}
      onCancel={onClose}
      destroyOnHidden
      centered
      width={520}
      className="cu-modal"
      closable={{ 'aria-label': '关闭' }}
      footer={[
        <Button key="cancel" onClick={onClose} style={TOUCH_TARGET}>
          取消
        </Button>,
        <Button key="ok" type="primary" disabled={!prepared || busy} onClick={onUpload} style={TOUCH_TARGET} data-testid="upload-confirm">
          上传
        </Button>,
      ]}
    >
      <Flex vertical gap={12}>
        <ImageRequirements />
        {target?.category.exampleImageUrl && <ExampleImage url={target.category.exampleImageUrl} name={name} />}
        {target?.replaces && (
          <Typography.Text type="secondary">新图片上传成功后，原图片将被替换。</Typography.Text>
        )}
        {fileInput(albumRef, false)}
        {fileInput(cameraRef, true)}
        {coarse ? (
          <Flex gap={8}>
            <Button block size="large" type={original ? 'default' : 'primary'} style={TOUCH_TARGET} onClick={() => cameraRef.current?.click()} data-testid="pick-camera">
              拍照
            </Button>
            <Button block size="large" style={TOUCH_TARGET} onClick={() => albumRef.current?.click()} data-testid="pick-album">
              从相册选择
            </Button>
          </Flex>
        ) : (
          <Button block size="large" style={TOUCH_TARGET} onClick={() => albumRef.current?.click()} data-testid="pick-album">
            {original ? '重新选择图片' : '选择图片'}
          </Button>
        )}
        <div aria-live="polite">
          {refusal && (
            <Alert
              type="error"
              showIcon
              data-testid="upload-refusal"
              data-kind={refusal.kind}
              title={refusal.title}
              description={
                refusal.steps.length > 0 ? (
                  <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                    {refusal.steps.map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                  </ol>
                ) : undefined
              }
            />
          )}
        </div>
        {busy && (
          <Flex justify="center" style={{ padding: 24 }}>
            <Spin tip="正在处理图片…">
              <div style={{ width: 80, height: 40 }} />
            </Spin>
          </Flex>
        )}
        {prepared && previewUrl && !busy && (
          <Flex vertical gap={8} align="center">
            <img
              src={previewUrl}
              alt="待上传图片预览"
              data-testid="upload-preview"
              style={{ maxWidth: '100%', maxHeight: '40vh', objectFit: 'contain', border: '1px solid #eee', borderRadius: 4 }}
            />
            <Flex gap={8}>
              <Button style={TOUCH_TARGET} onClick={() => setTurns((t) => t - 1)} aria-label="向左旋转90度">
                ↺ 向左旋转
              </Button>
              <Button style={TOUCH_TARGET} onClick={() => setTurns((t) => t + 1)} aria-label="向右旋转90度">
                ↻ 向右旋转
              </Button>
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: 'center' }} data-testid="upload-size">
              {prepared.reencoded
                ? `已自动压缩：${formatBytes(prepared.originalBytes)} → ${formatBytes(prepared.file.size)}（${prepared.width}×${prepared.height}）`
                : `文件大小 ${formatBytes(prepared.file.size)}（不超过 ${formatBytes(MAX_UPLOAD_BYTES)}）`}
              ；请确认图片端正、清晰后上传。
            </Typography.Text>
          </Flex>
        )}
      </Flex>
    </Modal>
  );
}
