import { describe, expect, it } from 'vitest';
import { filtersFromSearch, filtersToSearch } from './list-url';

describe('list filters in the URL', () => {
  it('round-trips the filters and drops unknown values', () => {
    const search = filtersToSearch({ status: 'PENDING_SITE', q: '张三', autoSubmitted: true, warning: 'REUSED', via: 'RESUBMIT' }, { tab: 'queue' });
    expect(search.get('tab')).toBe('queue');
    expect(filtersFromSearch(search)).toEqual({ status: 'PENDING_SITE', q: '张三', autoSubmitted: true, warning: 'REUSED', via: 'RESUBMIT' });
    expect(filtersFromSearch(new URLSearchParams('status=NOPE&candidateType=X&autoSubmitted=false&via=SITE_PASS'))).toEqual({ via: 'SITE_PASS' });
  });
});
