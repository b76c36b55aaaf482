import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, useFeedback } from '@exam/ui';
import { claimNextDossier } from './review-api';
import { describeError } from './use-review-dossier';

/** 开始审核: opens the next dossier of the reviewer's queue, kept for them so colleagues are handed other ones. */
export function StartReviewButton() {
  const navigate = useNavigate();
  const { message } = useFeedback();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      const id = await claimNextDossier();
      if (id) navigate(`dossiers/${id}`);
      else void message.info('当前没有待审核的材料');
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button type="primary" loading={busy} onClick={() => void start()} data-testid="start-review">
      开始审核
    </Button>
  );
}
