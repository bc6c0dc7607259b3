// The audit log as people read it: actions in words, changes as before and
// after, and the filters kept in the address bar so a filtered view can be
// shared or reloaded.
import type { AuditEntry, AuditQuery } from '../../app/financier-api';

const ACTIONS: Record<string, string> = {
  'campaign.created': 'Campaign created',
  'campaign.updated': 'Campaign settings or audience changed',
  'campaign.offer_added': 'Offer added',
  'campaign.offer_updated': 'Offer changed',
  'campaign.offer_removed': 'Offer removed',
  'campaign.journey_updated': 'Journey changed',
  'campaign.submitted': 'Submitted for approval',
  'campaign.approved': 'Approved',
  'campaign.rejected': 'Rejected',
  'campaign.launched': 'Launched',
  'campaign.paused': 'Paused',
  'campaign.ended': 'Ended',
  'agreements.imported': 'Agreements file loaded',
  'agreements.import_refused': 'Agreements file refused',
  'dealer_network.inserted': 'Showroom added',
  'dealer_network.updated': 'Showroom changed',
  'dealer_network.removed': 'Showroom removed from the network',
  'staff.invited': 'Staff member invited',
  'staff.invite_accepted': 'Invitation accepted',
  'staff.updated': 'Role or access changed',
  'staff.password_reset': 'Password reset',
  'staff.totp_enabled': 'Two-step sign-in turned on',
  'auth.signed_in': 'Signed in',
  'customer.invite_unlocked': 'Customer sign-in link unlocked',
};

/** actionName is an action in words; an unknown one is shown as it is. */
export function actionName(action: string): string {
  return ACTIONS[action] ?? action;
}

/** AREAS are the groups of actions the filter offers. */
export const AREAS = [
  { value: '', label: 'Everything' },
  { value: 'campaign.*', label: 'Campaigns' },
  { value: 'campaign.approved', label: 'Approvals' },
  { value: 'agreements.*', label: 'Agreement files' },
  { value: 'dealer_network.*', label: 'Dealer network' },
  { value: 'staff.*', label: 'Team and roles' },
  { value: 'auth.*', label: 'Sign-ins' },
];

/** FILTER_KEYS are the filters the page keeps in its query string. */
export const FILTER_KEYS = ['action', 'object_type', 'object_id', 'actor_kind', 'actor_id', 'from', 'to'] as const;

/** queryOf reads the filters from a query string, ignoring anything else. */
export function queryOf(search: string): AuditQuery {
  const p = new URLSearchParams(search);
  const q: AuditQuery = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k)?.trim();
    if (v) q[k] = v;
  }
  return q;
}

/** who says who did it: the staff member's name, else what kind of actor and its number. */
export function who(e: Pick<AuditEntry, 'actor_kind' | 'actor_id' | 'actor_name'>): string {
  if (e.actor_name) return e.actor_name;
  if (e.actor_kind === 'system') return 'Keyturn (automatic)';
  const kind = e.actor_kind === 'staff' ? 'Staff member' : e.actor_kind === 'customer' ? 'Customer' : e.actor_kind;
  return e.actor_id !== null ? `${kind} ${e.actor_id}` : kind;
}

/** show writes one before or after value for people; an object as its fields ("apr: 6.9; basis.share_percent: 51"). */
export function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') {
    const parts: string[] = [];
    const walk = (o: Record<string, unknown>, prefix: string) => {
      for (const k of Object.keys(o).sort()) {
        const x = o[k];
        if (x && typeof x === 'object' && !Array.isArray(x)) walk(x as Record<string, unknown>, `${prefix}${k}.`);
        else parts.push(`${prefix}${k}: ${show(x)}`);
      }
    };
    walk(v as Record<string, unknown>, '');
    return parts.join('; ') || '–';
  }
  return String(v);
}

/** ChangeLine is one field's change, before and after. */
export interface ChangeLine {
  field: string;
  before: string;
  after: string;
}

/** changesOf lists an entry's changes in field order; entries without values give none. */
export function changesOf(e: Pick<AuditEntry, 'changes'>): ChangeLine[] {
  if (!e.changes || typeof e.changes !== 'object') return [];
  return Object.keys(e.changes)
    .sort()
    .map((field) => {
      const pair = e.changes![field];
      const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
      return { field, before: show(before), after: show(after) };
    });
}
