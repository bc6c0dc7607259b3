// RULES C6 in the journey editor: push text, email subjects and share
// previews may carry no cost figure. The server refuses to save such a
// template (backend/campaigns/templates.go holds the same patterns); the
// editor runs them as the marketer types, so the reason shows before saving.

/** TRIGGERS are RULES C6's patterns, case-insensitive and on word boundaries. */
export const TRIGGERS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'an amount of money', pattern: /[£€]\s?\d/i },
  { name: 'a rate', pattern: /\d+(\.\d+)?\s?%\s*(apr|interest|rate|finance)\b/i },
  { name: '0%', pattern: /\b0%/i },
  { name: 'APR', pattern: /\bAPR\b/i },
  { name: 'per month', pattern: /\bper month\b/i },
  { name: 'pcm', pattern: /\bpcm\b/i },
  { name: 'deposit contribution', pattern: /\bdeposit contribution\b/i },
  { name: 'cheaper', pattern: /\bcheaper\b/i },
  { name: 'lower payments', pattern: /\blower (monthly )?payments?\b/i },
];

/** TriggerHit is one cost figure found in a text. */
export interface TriggerHit {
  /** The words matched, as written. */
  text: string;
  /** What kind of figure it is: "an amount of money", "APR". */
  name: string;
}

/** findTriggers lists the C6 triggers in text; none means it may be saved. */
export function findTriggers(text: string): TriggerHit[] {
  const out: TriggerHit[] = [];
  for (const t of TRIGGERS) {
    const m = t.pattern.exec(text);
    if (!m) continue;
    // Show the whole figure ("£199.99"), not just what the pattern needed ("£1").
    let end = m.index + m[0].length;
    if (/\d$/.test(m[0])) end += /^\d*(?:[.,]\d+)*/.exec(text.slice(end))![0].length;
    out.push({ text: text.slice(m.index, end), name: t.name });
  }
  return out;
}

/** WHY_C6 is the reason the editor gives, in the words the marketer needs. */
export const WHY_C6 =
  'A push message, an email subject or a link preview may not carry a cost figure (an amount, a rate, "per month", "APR", "0%", ' +
  '"deposit contribution", "cheaper", "lower payments"). Under CONC 3.5 and FCA FG24/1 each such figure needs the full ' +
  'representative example beside it, which a lock screen, a subject line or a preview cannot show. Put figures on the app ' +
  'screen the message opens instead: the example is shown there in full (RULES C6).';

/** TEMPLATE_FIELDS are the fields a message may use, mirrored from templates.go. */
export const TEMPLATE_FIELDS = ['first_name', 'make', 'model', 'months_left', 'dealer_name', 'end_date'] as const;

/** unknownFields lists the {fields} of a template that are not template fields. */
export function unknownFields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    const name = m[1]!;
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}
