// Who may do what in the financier console, mirrored from the API's route
// table (the server decides; the console only hides what would be refused).
import type { Subject } from '../app/api';

type Who = Pick<Subject, 'role'>;

const is =
  (...roles: string[]) =>
  (s: Who): boolean =>
    roles.includes(s.role);

/** isAdmin: the financier's administrator (Team, dealer network edits). */
export const isAdmin = is('financier_admin');
/** canImport: loading agreement files. */
export const canImport = is('financier_admin', 'financier_marketer');
/** canEditNetwork: adding, editing and removing showrooms, loading network files. */
export const canEditNetwork = is('financier_admin');
/** canEditCampaigns: creating and editing drafts, submitting, launching. */
export const canEditCampaigns = is('financier_admin', 'financier_marketer');
/** canApprove: approving or rejecting a submitted campaign (never one's own). */
export const canApprove = is('compliance_approver');
/** canPause: pausing a live campaign. */
export const canPause = is('financier_admin', 'financier_marketer', 'compliance_approver');
/** canSeeAudit: the audit log and its export. */
export const canSeeAudit = is('financier_admin', 'compliance_approver');
