import { useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { ErrorSummary } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { normaliseEmail } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { api } from '../state';

/** RequestLink asks for a new sign-in link by email. The answer never says whether we know the address. */
export function RequestLink({ heading = 'Get a new sign-in link' }: { heading?: string }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const parsed = normaliseEmail(email);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const res = await api.requestCustomerLink(parsed.value);
      setSent(res.detail || 'If we know this address, we have emailed you a new link.');
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="request-link-heading">
      <h2 id="request-link-heading">{heading}</h2>
      {sent ? (
        <Notice tone="success" title="Check your email">
          <p>{sent}</p>
        </Notice>
      ) : (
        <form method="post" onSubmit={submit} noValidate>
          <ErrorSummary items={error ? [{ field: 'email', message: error }] : []} />
          {failure && <Notice tone="error">{failure}</Notice>}
          <Field
            id="email"
            label="Email address"
            hint="The address your finance company has for you."
            type="email"
            autocomplete="email"
            spellcheck={false}
            value={email}
            onValue={setEmail}
            error={error}
          />
          <Button type="submit" busy={busy} block>
            Email me a link
          </Button>
        </form>
      )}
    </section>
  );
}
