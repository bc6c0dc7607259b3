import { describe, expect, it } from 'vitest';
import { auditQueryString } from '../../app/financier-api';
import { actionName, changesOf, queryOf, who } from './audit';

describe('audit log', () => {
  it('keeps filters in the query string, and only the ones set', () => {
    const q = queryOf('?action=campaign.*&from=2026-11-01&to=&object_id=12&tab=x');
    expect(q).toEqual({ action: 'campaign.*', from: '2026-11-01', object_id: '12' });
    expect(auditQueryString(q)).toBe('?action=campaign.*&object_id=12&from=2026-11-01');
    expect(auditQueryString({})).toBe('');
    expect(auditQueryString(q, { limit: '50' })).toContain('limit=50');
  });

  it('names actions and actors', () => {
    expect(actionName('campaign.approved')).toBe('Approved');
    expect(actionName('campaign.somewhere_new')).toBe('campaign.somewhere_new');
    expect(who({ actor_kind: 'staff', actor_id: 3, actor_name: 'Ravi Patel' })).toBe('Ravi Patel');
    expect(who({ actor_kind: 'staff', actor_id: 3 })).toBe('Staff member 3');
    expect(who({ actor_kind: 'system', actor_id: null })).toBe('Keyturn (automatic)');
  });

  it('lists changes as before and after, in field order', () => {
    expect(
      changesOf({
        changes: {
          status: ['draft', 'submitted'],
          approver_id: [null, 4],
          'offers.3.representative_apr': [null, { apr: 6.9, basis: { share_percent: 51 } }],
        },
      }),
    ).toEqual([
      { field: 'approver_id', before: '–', after: '4' },
      { field: 'offers.3.representative_apr', before: '–', after: 'apr: 6.9; basis.share_percent: 51' },
      { field: 'status', before: 'draft', after: 'submitted' },
    ]);
    expect(changesOf({})).toEqual([]);
  });
});
