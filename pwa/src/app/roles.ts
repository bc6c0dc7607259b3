// The roles the API gives staff, mirrored from backend/auth/model.go.

export const FINANCIER_ROLES = ['financier_admin', 'financier_marketer', 'compliance_approver', 'financier_analyst'] as const;
export const DEALER_ROLES = ['dealer_principal', 'dealer_staff'] as const;

export type FinancierRole = (typeof FINANCIER_ROLES)[number];
export type DealerRole = (typeof DEALER_ROLES)[number];

/** isFinancierRole reports whether a role belongs to a financier's staff. */
export function isFinancierRole(role: string): role is FinancierRole {
  return (FINANCIER_ROLES as readonly string[]).includes(role);
}

/** isDealerRole reports whether a role belongs to a dealer's staff. */
export function isDealerRole(role: string): role is DealerRole {
  return (DEALER_ROLES as readonly string[]).includes(role);
}
