// Package finance is Keyturn's finance engine: exact PCP, HP and PCH quotes,
// the APR of any schedule, representative examples for UK and Irish credit
// promotions, the check of an advertised example, early settlement,
// voluntary termination, equity, and the comparison of offers.
//
// It is pure: no database, no HTTP, no other domain package. Money is int64
// minor units of one currency; rates are percentages held as exact decimals
// (Decimal); every rounding is half up and decided on exact values. Bad input
// comes back as ValidationErrors naming each field; the adapters in
// backend/finance/api turn them into problem+json. docs/finance.md gives every
// formula, convention and source with a worked example.
package finance
