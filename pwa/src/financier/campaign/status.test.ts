import { describe, expect, it } from 'vitest';
import { authoredBy, editable, editNote, tabOf, whyNoApproval } from './status';

const c = { created_by: 1, updated_by: 1, submitted_by: 1 as number | null, status: 'submitted' as const };

describe('campaign status rules', () => {
  it('lets builders edit until it is live, and says what an edit does', () => {
    expect(['draft', 'submitted', 'approved', 'paused'].every((s) => editable(s as never))).toBe(true);
    expect(editable('live')).toBe(false);
    expect(editable('ended')).toBe(false);
    expect(editNote('draft')).toBeNull();
    expect(editNote('approved')).toMatch(/back to draft/);
    expect(editNote('live')).toMatch(/Pause it first/);
  });

  it('never lets an author approve', () => {
    expect(authoredBy(c, 1)).toBe(true);
    expect(authoredBy({ created_by: 1, updated_by: 2, submitted_by: null }, 2)).toBe(true);
    expect(authoredBy({ created_by: 1, updated_by: 1, submitted_by: 3 }, 3)).toBe(true);
    expect(authoredBy(c, 4)).toBe(false);
    expect(whyNoApproval(c, { id: 1, role: 'financier_marketer' })).toMatch(/Only a compliance approver/);
    expect(whyNoApproval(c, { id: 1, role: 'compliance_approver' })).toMatch(/^You wrote, changed or submitted/);
    expect(whyNoApproval({ ...c, status: 'draft' }, { id: 4, role: 'compliance_approver' })).toMatch(/once it has been submitted/);
    expect(whyNoApproval(c, { id: 4, role: 'compliance_approver' })).toBeNull();
  });

  it('reads the tab from the query', () => {
    expect(tabOf('offers')).toBe('offers');
    expect(tabOf(null)).toBe('overview');
    expect(tabOf('constructor')).toBe('overview');
  });
});
