import { describe, expect, it } from 'vitest';
import { FINANCIER_ROLES } from '../app/roles';
import { canApprove, canEditCampaigns, canEditNetwork, canImport, canPause, canSeeAudit, isAdmin } from './access';

const table: Record<string, Array<(s: { role: string }) => boolean>> = {
  financier_admin: [isAdmin, canImport, canEditNetwork, canEditCampaigns, canPause, canSeeAudit],
  financier_marketer: [canImport, canEditCampaigns, canPause],
  compliance_approver: [canApprove, canPause, canSeeAudit],
  financier_analyst: [],
};

describe('console access by role', () => {
  const all = [isAdmin, canImport, canEditNetwork, canEditCampaigns, canApprove, canPause, canSeeAudit];
  it.each(FINANCIER_ROLES)('%s', (role) => {
    const allowed = table[role]!;
    for (const check of all) expect(check({ role }), `${check.name} for ${role}`).toBe(allowed.includes(check));
  });

  it('gives a dealer nothing', () => {
    for (const check of all) expect(check({ role: 'dealer_principal' })).toBe(false);
  });
});
