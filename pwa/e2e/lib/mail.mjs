// Reads the emails the server "sends" in demo mode without an SMTP server:
// each is an .eml file under the data folder's mail/ directory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** decodeQuotedPrintable undoes RFC 2045 quoted-printable (soft breaks, =XX). */
export function decodeQuotedPrintable(text) {
  const bytes = [];
  const raw = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '=' && /^[0-9A-F]{2}$/i.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** mailsTo lists the decoded bodies of the emails sent to one address, oldest first. */
export function mailsTo(dataDir, address) {
  const dir = join(dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((m) => new RegExp(`^To:.*<${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>`, 'mi').test(m))
    .map(decodeQuotedPrintable);
}

/** waitForLink waits for an email to address with a link matching pattern, and answers the newest link. */
export async function waitForLink(dataDir, address, pattern, { since = 0, timeout = 20_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const mails = mailsTo(dataDir, address).slice(since);
    const links = mails.flatMap((m) => m.match(pattern) ?? []);
    if (links.length > 0) return links[links.length - 1];
    if (Date.now() > deadline) throw new Error(`no email to ${address} with a link like ${pattern}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
