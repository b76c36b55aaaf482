import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ReviewDossierResponse, ReviewLevel } from '@exam/api';
import { DECISION_LABELS } from '@exam/domain';
import { Alert, Button, Card, Col, Divider, Flex, Result, Row, Skeleton, useFeedback } from '@exam/ui';
import { DecisionBar } from './decision-bar';
import { DecisionDialog, type DecisionForm } from './decision-dialog';
import { DossierHeader } from './dossier-header';
import { HistoryTimeline, ReturnsList } from './history-panel';
import { ImageGroups } from './image-groups';
import { indexImages } from './image-label';
import { ImageViewer } from './image-viewer';
import { KeyboardHelp } from './keyboard-help';
import { MarkPanel } from './mark-panel';
import { ReasonPickerModal } from './reason-picker';
import { isEditableTarget, keyToCommand } from './review-keys';
import { buildDecisionRequest, buildSlots, decisionBlocker, initialReviewState, reviewReducer, selectedSlot } from './review-state';
import { REVIEW_CSS } from './review-styles';
import { fromBeijingInput, toBeijingInput } from './time';
import { useReviewDecision } from './use-review-decision';
import { useReviewDossier } from './use-review-dossier';
import { INITIAL_VIEWER, viewerReducer } from './viewer-state';

export interface ReviewDossierViewProps {
  dossierId: string;
  level: ReviewLevel;
  /** the route of another dossier, relative to where this view is rendered (e.g. `../dossiers/${id}`) */
  dossierLink: (dossierId: string) => string;
  /** opens another dossier (the next of the queue after a decision) */
  onOpenDossier: (dossierId: string) => void;
  /** back to the list; `notice` is shown there (e.g. 当前没有待审核的材料) */
  onBackToList: (notice?: string) => void;
}

/** One candidate's dossier for review (both levels): header, images, viewer, marks, decisions, history. */
export function ReviewDossierView(props: ReviewDossierViewProps) {
  const { data, error, loading, reload } = useReviewDossier(props.dossierId);
  return (
    <div className="rv-root" data-testid="review-dossier" data-dossier-id={props.dossierId} data-status={data?.dossier.status ?? ''}>
      <style>{REVIEW_CSS}</style>
      {error && !data ? (
        <Result
          status="warning"
          title={error}
          extra={
            <Flex gap={8} justify="center">
              <Button onClick={() => props.onBackToList()}>返回列表</Button>
              <Button type="primary" onClick={() => void reload()}>
                重试
              </Button>
            </Flex>
          }
        />
      ) : !data ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <DossierWorkspace key={`${data.dossier.id}:${data.dossier.version}`} {...props} data={data} reloading={loading} reload={reload} />
      )}
    </div>
  );
}

interface WorkspaceProps extends ReviewDossierViewProps {
  data: ReviewDossierResponse;
  reloading: boolean;
  reload: () => Promise<void>;
}

function DossierWorkspace({ data, level, reload, reloading, dossierLink, onOpenDossier, onBackToList }: WorkspaceProps) {
  const { message } = useFeedback();
  const allowed = data.allowedDecisions;
  const readOnly = allowed.length === 0;
  const images = useMemo(() => indexImages(data.categories), [data.categories]);
  const entries = useMemo(() => [...images.values()], [images]);
  const [state, dispatch] = useReducer(reviewReducer, data.categories, (cats) => initialReviewState(buildSlots(cats)));
  const [viewer, viewerDispatch] = useReducer(viewerReducer, INITIAL_VIEWER);
  const [compareId, setCompareId] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const defaultDeadline = toBeijingInput(data.defaultReturnDeadline);
  const [form, setForm] = useState<DecisionForm>({ comment: '', deadline: defaultDeadline });
  const [dialogError, setDialogError] = useState<string | null>(null);
  const { submit, submitting } = useReviewDecision(data.dossier.id);

  const slot = selectedSlot(state);
  const entry = slot?.kind === 'image' ? (images.get(slot.imageId) ?? null) : null;
  const emptyCategory = slot?.kind === 'category' ? (data.categories.find((c) => c.code === slot.categoryCode) ?? null) : null;
  const compare = compareId && compareId !== entry?.image.id ? (images.get(compareId) ?? null) : null;
  const selectedId = entry?.image.id ?? null;

  useEffect(() => {
    viewerDispatch('reset');
  }, [selectedId]);

  useEffect(() => {
    setDialogError(null);
  }, [state.dialog]);

  const finished = useRef(false);
  const confirm = async () => {
    const decision = state.dialog;
    if (!decision || submitting) return;
    if (decisionBlocker(state, decision, form.comment)) return;
    let returnDeadline: string | null = null;
    if (decision === 'RETURN' && form.deadline !== defaultDeadline) {
      returnDeadline = fromBeijingInput(form.deadline);
      if (!returnDeadline) {
        setDialogError('补充截止时间无效');
        return;
      }
    }
    const outcome = await submit(buildDecisionRequest(state, { decision, version: data.dossier.version, comment: form.comment, returnDeadline }));
    if (outcome.ok) {
      finished.current = true; // keys pressed before the next dossier shows must not act on this one
      void message.success(`已${DECISION_LABELS[decision]}：${data.candidate.name}`);
      dispatch({ type: 'closeDialog' });
      if (outcome.nextDossierId) onOpenDossier(outcome.nextDossierId);
      else onBackToList('当前没有待审核的材料');
    } else if (outcome.conflict) {
      void message.warning(outcome.message);
      dispatch({ type: 'closeDialog' });
      void reload();
    } else {
      setDialogError(outcome.message);
    }
  };

  // the keyboard reads the latest render through a ref (the listener is registered once)
  const latest = useRef({ state, helpOpen, confirm });
  latest.current = { state, helpOpen, confirm };
  // layout effect: listening from the first paint, so that keys pressed at once are not lost
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || finished.current) return;
      const cur = latest.current;
      const target = e.target as HTMLElement | null;
      const cmd = keyToCommand(
        { key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inEditable: isEditableTarget(target) },
        { level, allowed, state: cur.state, otherModalOpen: cur.helpOpen },
      );
      if (!cmd) return;
      // also cancels a focused button's own Enter click (e.g. the modal's close button)
      e.preventDefault();
      if (cmd.kind === 'review') dispatch(cmd.action);
      else if (cmd.kind === 'viewer') viewerDispatch(cmd.op);
      else if (cmd.kind === 'help') setHelpOpen(true);
      else void cur.confirm();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [level, allowed]);

  const pickerSubject = (() => {
    const t = state.picker?.target;
    if (!t) return '';
    if (t.kind === 'image') return images.get(t.imageId)?.label ?? '图片';
    return data.categories.find((c) => c.code === t.categoryCode)?.name ?? t.categoryCode;
  })();

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Button onClick={() => onBackToList()} data-testid="back-to-list">
          返回列表
        </Button>
        <Flex gap={8} align="center">
          {reloading && <span style={{ fontSize: 12, color: '#8c8c8c' }}>正在刷新…</span>}
          <Button onClick={() => setHelpOpen(true)} aria-label="快捷键" data-testid="shortcut-help-button">
            快捷键 <kbd className="rv-kbd">?</kbd>
          </Button>
        </Flex>
      </Flex>
      <Card size="small">
        <DossierHeader data={data} />
      </Card>
      {readOnly && <Alert type="info" showIcon title={`当前状态为“${data.dossier.statusLabel}”，仅可查看。`} data-testid="read-only" />}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={8}>
          <Card size="small" title="材料图片" styles={{ body: { maxHeight: '78vh', overflow: 'auto' } }}>
            <ImageGroups categories={data.categories} state={state} dispatch={dispatch} readOnly={readOnly} />
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card size="small">
            <ImageViewer
              entry={entry}
              compare={compare}
              entries={entries}
              viewer={viewer}
              onViewer={viewerDispatch}
              onCompare={setCompareId}
              emptyText={emptyCategory ? `${emptyCategory.name}：未上传图片` : undefined}
            />
            <Divider style={{ margin: '12px 0' }} />
            <MarkPanel entry={entry} emptyCategory={emptyCategory} state={state} dispatch={dispatch} readOnly={readOnly} dossierLink={dossierLink} />
          </Card>
        </Col>
      </Row>
      {!readOnly && (
        <div className="rv-decisions">
          <DecisionBar level={level} allowed={allowed} state={state} dispatch={dispatch} />
        </div>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title="审核记录">
            <HistoryTimeline history={data.history} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="退回补充记录">
            <ReturnsList returns={data.returns} imageLabel={(id) => images.get(id)?.label ?? null} />
          </Card>
        </Col>
      </Row>
      <ReasonPickerModal picker={state.picker} subject={pickerSubject} dispatch={dispatch} />
      <DecisionDialog
        data={data}
        state={state}
        images={images}
        form={form}
        onForm={setForm}
        submitting={submitting}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => dispatch({ type: 'closeDialog' })}
      />
      <KeyboardHelp open={helpOpen} level={level} onClose={() => setHelpOpen(false)} />
    </Flex>
  );
}
