// What each campaign status means to the people using the console, and
// what can be done in it. The server enforces all of this; the console uses
// it to offer only what would be accepted, and to say why not.
import type { CampaignStatus, CampaignView } from '../../app/financier-api';

export const STATUS_LABEL: Record<CampaignStatus, string> = {
  draft: 'Draft',
  submitted: 'Waiting for approval',
  approved: 'Approved',
  live: 'Live',
  paused: 'Paused',
  ended: 'Ended',
};

export const STATUS_TONE: Record<CampaignStatus, 'neutral' | 'info' | 'success' | 'warning' | 'error'> = {
  draft: 'neutral',
  submitted: 'info',
  approved: 'success',
  live: 'success',
  paused: 'warning',
  ended: 'neutral',
};

/** editable: a builder may change the campaign (draft, submitted, approved, paused). */
export function editable(status: CampaignStatus): boolean {
  return status !== 'live' && status !== 'ended';
}

/** editNote says what an edit does in this status, or why there can be none. */
export function editNote(status: CampaignStatus): string | null {
  switch (status) {
    case 'submitted':
    case 'approved':
    case 'paused':
      return 'Changing anything now sends the campaign back to draft: it then needs approval again.';
    case 'live':
      return 'A live campaign cannot be changed. Pause it first; a change then needs approval again.';
    case 'ended':
      return 'An ended campaign cannot be changed.';
    default:
      return null;
  }
}

/** authoredBy mirrors the server's rule: whoever wrote, changed or submitted a campaign may not approve it. */
export function authoredBy(c: Pick<CampaignView, 'created_by' | 'updated_by' | 'submitted_by'>, staffID: number): boolean {
  return c.created_by === staffID || c.updated_by === staffID || c.submitted_by === staffID;
}

/** Why a person cannot approve, or null when they can (a compliance approver who is not an author). */
export function whyNoApproval(c: Pick<CampaignView, 'created_by' | 'updated_by' | 'submitted_by' | 'status'>, who: { id: number; role: string }): string | null {
  if (who.role !== 'compliance_approver') {
    return 'Only a compliance approver can approve or reject a campaign, and never one they wrote, changed or submitted.';
  }
  if (authoredBy(c, who.id)) {
    return 'You wrote, changed or submitted this campaign, so you cannot approve or reject it: another compliance approver must review it.';
  }
  if (c.status !== 'submitted') return 'A campaign is approved or rejected once it has been submitted.';
  return null;
}

/** CampaignTab is a part of the campaign's page. */
export type CampaignTab = 'overview' | 'audience' | 'offers' | 'journey' | 'approval';

export const TABS: Array<{ tab: CampaignTab; label: string }> = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'audience', label: 'Audience' },
  { tab: 'offers', label: 'Offers' },
  { tab: 'journey', label: 'Journey' },
  { tab: 'approval', label: 'Approval' },
];

/** tabOf reads the tab from the query string; anything unknown is the overview. */
export function tabOf(value: string | null): CampaignTab {
  return TABS.some((t) => t.tab === value) ? (value as CampaignTab) : 'overview';
}
