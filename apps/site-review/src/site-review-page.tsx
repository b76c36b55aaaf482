import { isApiClientError, useSession } from '@exam/session';
import { Card, CandidateListPanel, Typography } from '@exam/ui';
import { fetchSiteCandidates } from './review-api';

const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

export function SiteReviewPage() {
  const { user } = useSession();
  return (
    <Card
      size="small"
      data-testid="site-review"
      title={
        <span>
          考点审核
          {user?.siteName && (
            <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 'normal' }}>
              {user.siteName}
            </Typography.Text>
          )}
        </span>
      }
    >
      <CandidateListPanel load={fetchSiteCandidates} describeError={describeError} />
    </Card>
  );
}
