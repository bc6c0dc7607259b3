import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { ApiError, InviteLockedError, type Contact } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { normalisePostcode, parseDateOfBirth } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { useRouter } from '../../app/router';
import { api, contact, inviteToken, loadOverview, showFinancier } from '../state';
import { Frame } from './Frame';
import { RequestLink } from './RequestLink';

type Step =
  | { kind: 'loading' }
  | { kind: 'welcome' }
  | { kind: 'check' }
  | { kind: 'invalid' }
  | { kind: 'locked'; until: Date | null; contact: Contact | null }
  | { kind: 'failed'; message: string };

function lockedStep(err: InviteLockedError): Step {
  return { kind: 'locked', until: err.lockedUntil, contact: err.contact };
}

/**
 * Invite is where an invite link lands: welcome (the financier's name and
 * colour), then the identity check (date of birth and postcode), then home.
 */
export function Invite() {
  const token = inviteToken.value;
  const [step, setStep] = useState<Step>(token ? { kind: 'loading' } : { kind: 'invalid' });

  useEffect(() => {
    if (!token) return;
    let live = true;
    api
      .customerInvite(token)
      .then((res) => {
        if (!live) return;
        showFinancier(res.financier);
        setStep({ kind: 'welcome' });
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof InviteLockedError) setStep(lockedStep(err));
        else if (err instanceof ApiError && err.is('link-invalid', 'not-found')) setStep({ kind: 'invalid' });
        else setStep({ kind: 'failed', message: describeError(err) });
      });
    return () => {
      live = false;
    };
  }, [token]);

  switch (step.kind) {
    case 'loading':
      return (
        <Frame title="Opening your link">
          <p role="status">Checking your link…</p>
        </Frame>
      );
    case 'welcome':
      return <Welcome onContinue={() => setStep({ kind: 'check' })} />;
    case 'check':
      return <Check token={token!} onLocked={(err) => setStep(lockedStep(err))} onInvalid={() => setStep({ kind: 'invalid' })} />;
    case 'locked':
      return <Locked until={step.until} contact={step.contact} />;
    case 'invalid':
      return (
        <Frame title="This link no longer works">
          <p>
            Sign-in links work once and run out after a while. If you have signed in with it already, or it is old,
            ask for a new one.
          </p>
          <RequestLink />
        </Frame>
      );
    case 'failed':
      return (
        <Frame title="We could not open your link">
          <Notice tone="error">{step.message}</Notice>
          <p>Open the link from your email again when you are back online.</p>
        </Frame>
      );
  }
}

function Welcome({ onContinue }: { onContinue: () => void }) {
  const name = contact.value?.name ?? 'your finance company';
  return (
    <Frame title={`Welcome to ${name}`}>
      <p>
        Here you can see your car finance agreement, what your options are when it ends, and talk to a person when
        you want to.
      </p>
      <p>First we need to check it is you. You will need your date of birth and your postcode.</p>
      <Button onClick={onContinue} block>
        Continue
      </Button>
    </Frame>
  );
}

function Check({
  token,
  onLocked,
  onInvalid,
}: {
  token: string;
  onLocked: (err: InviteLockedError) => void;
  onInvalid: () => void;
}) {
  const router = useRouter();
  const [dob, setDob] = useState('');
  const [postcode, setPostcode] = useState('');
  const [errors, setErrors] = useState<{ dob?: string; postcode?: string }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const d = parseDateOfBirth(dob);
    const p = normalisePostcode(postcode);
    const next = { dob: d.ok ? undefined : d.message, postcode: p.ok ? undefined : p.message };
    setErrors(next);
    if (!d.ok || !p.ok) return;
    setPostcode(p.value);
    setBusy(true);
    try {
      await api.customerVerify(token, d.value, p.value);
      await loadOverview();
      router.navigate('', { replace: true });
    } catch (err) {
      if (err instanceof InviteLockedError) return onLocked(err);
      if (err instanceof ApiError && err.is('link-invalid')) return onInvalid();
      if (err instanceof ApiError && err.is('identity-check-failed')) {
        // One message whichever detail was wrong: saying which would help
        // someone guessing.
        setFailure('We could not match those details to your agreement. Check your date of birth and postcode, and try again.');
      } else if (err instanceof ApiError && err.is('validation')) {
        setErrors({ dob: err.fieldMessage('date_of_birth'), postcode: err.fieldMessage('postcode') });
        if (!err.fieldMessage('date_of_birth') && !err.fieldMessage('postcode')) setFailure(describeError(err));
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const summary: SummaryItem[] = [];
  if (errors.dob) summary.push({ field: 'dob', message: errors.dob });
  if (errors.postcode) summary.push({ field: 'postcode', message: errors.postcode });

  return (
    <Frame title="Check it is you">
      <form method="post" onSubmit={submit} noValidate>
        <ErrorSummary items={summary} />
        {failure && (
          <Notice tone="error" title="Those details did not match">
            <p>{failure}</p>
          </Notice>
        )}
        <Field
          id="dob"
          label="Date of birth"
          hint="For example, 12/04/1986"
          autocomplete="bday"
          short
          value={dob}
          onValue={setDob}
          error={errors.dob}
        />
        <Field
          id="postcode"
          label="Postcode"
          hint="The postcode on your finance agreement. For example, LS1 4AP"
          autocomplete="postal-code"
          autocapitalize="characters"
          spellcheck={false}
          short
          value={postcode}
          onValue={setPostcode}
          error={errors.postcode}
        />
        <Button type="submit" busy={busy} block>
          Continue
        </Button>
      </form>
    </Frame>
  );
}

function Locked({ until, contact: c }: { until: Date | null; contact: Contact | null }) {
  const known = c ?? (contact.value ? { phone: contact.value.support_phone, email: contact.value.support_email } : null);
  return (
    <Frame title="This link is locked">
      <Notice tone="warning" live>
        <p>
          To keep your account safe, we have locked this link after too many tries.{' '}
          {until
            ? `You can try again after ${formatDateTime(until)}.`
            : 'A person on our team can unlock it for you.'}
        </p>
      </Notice>
      <h2>Talk to a person</h2>
      {known && (known.phone || known.email) ? (
        <ul class="kt-links">
          {known.phone && (
            <li>
              Call <a href={`tel:${known.phone.replace(/\s+/g, '')}`}>{known.phone}</a>
            </li>
          )}
          {known.email && (
            <li>
              Email <a href={`mailto:${known.email}`}>{known.email}</a>
            </li>
          )}
        </ul>
      ) : (
        <p>Call your finance company on the number on your agreement or your statements.</p>
      )}
    </Frame>
  );
}
