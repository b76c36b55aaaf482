import { useCallback, useEffect, useState } from 'react';
import type { SiteProgress } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { Alert, Button, Card, CandidateListPanel, Tabs } from '@exam/ui';
import { ProgressTable } from './progress-table';
import { fetchDistrictCandidates, fetchDistrictProgress } from './review-api';

const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

export function DistrictReviewPage() {
  const [sites, setSites] = useState<SiteProgress[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const loadProgress = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setSites((await fetchDistrictProgress()).sites);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void loadProgress();
  }, [loadProgress]);

  return (
    <Card size="small" title="考区审核" data-testid="district-review">
      <Tabs
        items={[
          {
            key: 'progress',
            label: '各考点进度',
            children: (
              <>
                {error && (
                  <Alert
                    type="error"
                    showIcon
                    title={error}
                    style={{ marginBottom: 12 }}
                    action={
                      <Button size="small" onClick={() => void loadProgress()}>
                        重试
                      </Button>
                    }
                  />
                )}
                <ProgressTable sites={sites} loading={loading} />
              </>
            ),
          },
          {
            key: 'candidates',
            label: '考生列表',
            children: <CandidateListPanel load={fetchDistrictCandidates} sites={sites} showSite describeError={describeError} />,
          },
        ]}
      />
    </Card>
  );
}
