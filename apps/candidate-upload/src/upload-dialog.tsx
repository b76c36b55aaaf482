import { useEffect, useRef, useState } from 'react';
import type { CategoryView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { Alert, Button, Flex, Modal, Spin, Typography, useFeedback } from '@exam/ui';
import { uploadImage } from './dossier-api';
import {
  ACCEPT_ATTRIBUTE,
  ImagePrepareError,
  MAX_UPLOAD_BYTES,
  decodeImage,
  formatBytes,
  isAcceptedType,
  prepareImage,
  type PreparedImage,
} from './image-shrink';

export interface UploadDialogProps {
  category: CategoryView | null;
  onClose(): void;
  onUploaded(): void;
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

export function UploadDialog({ category, onClose, onUploaded }: UploadDialogProps) {
  const { message } = useFeedback();
  const inputRef = useRef<HTMLInputElement>(null);
  const [original, setOriginal] = useState<File | null>(null);
  const [decoded, setDecoded] = useState<HTMLImageElement | null>(null);
  const [turns, setTurns] = useState(0);
  const [prepared, setPrepared] = useState<PreparedImage | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Reset whenever the dialog opens for a category.
  useEffect(() => {
    setOriginal(null);
    setDecoded(null);
    setTurns(0);
    setPrepared(null);
    setError(null);
  }, [category]);

  // (Re)prepare on a new file or rotation.
  useEffect(() => {
    if (!original || !decoded) return;
    let cancelled = false;
    setBusy(true);
    setError(null);
    prepareImage(original, decoded, turns)
      .then((result) => !cancelled && setPrepared(result))
      .catch((e: unknown) => {
        if (cancelled) return;
        setPrepared(null);
        setError(e instanceof ImagePrepareError ? e.message : '图片处理失败，请重新选择');
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
    setTurns(0);
    if (!isAcceptedType(file.type)) {
      setOriginal(null);
      setError('仅支持 jpg/jpeg/png 格式的图片');
      return;
    }
    setBusy(true);
    try {
      const img = await decodeImage(file);
      setOriginal(file);
      setDecoded(img);
    } catch (e) {
      setOriginal(null);
      setError(e instanceof ImagePrepareError ? e.message : '无法识别该图片，请重新选择');
      setBusy(false);
    }
  };

  const onUpload = async () => {
    if (!category || !prepared) return;
    setUploading(true);
    setError(null);
    try {
      await uploadImage(category.code, prepared.file);
      message.success('上传成功，图片正在处理');
      onUploaded();
    } catch (e) {
      setError(isApiClientError(e) ? e.message : '上传失败，请稍后重试');
    } finally {
      setUploading(false);
    }
  };

  return (
    <Modal
      open={category !== null}
      title={category ? `上传：${category.name}` : '上传'}
      onCancel={onClose}
      destroyOnHidden
      centered
      width={520}
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="ok" type="primary" disabled={!prepared || busy} loading={uploading} onClick={onUpload}>
          上传
        </Button>,
      ]}
    >
      <Flex vertical gap={12}>
        <ImageRequirements />
        <input
          ref={inputRef}
          type="file"
          accept={ACCEPT_ATTRIBUTE}
          style={{ display: 'none' }}
          aria-label="选择图片文件"
          data-testid="upload-file-input"
          onChange={(e) => {
            void onPick(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <Button block size="large" onClick={() => inputRef.current?.click()}>
          {original ? '重新选择图片' : '选择图片'}
        </Button>
        {error && <Alert type="error" showIcon title={error} />}
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
              style={{ maxWidth: '100%', maxHeight: '45vh', objectFit: 'contain', border: '1px solid #eee', borderRadius: 4 }}
            />
            <Flex gap={8}>
              <Button onClick={() => setTurns((t) => t - 1)}>↺ 向左旋转</Button>
              <Button onClick={() => setTurns((t) => t + 1)}>↻ 向右旋转</Button>
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: 'center' }}>
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
