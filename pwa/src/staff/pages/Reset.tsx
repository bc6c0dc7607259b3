import { useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Button } from '../../ui/Button';
import { ErrorSummary } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { normaliseEmail } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { useRouter } from '../../app/router';
import { useConsole } from '../store';
import { Frame } from '../Frame';
import { PasswordForm } from './PasswordForm';

/** Reset is /reset: ask for a reset email, or, with #t=… from that email, set a new password. */
export function Reset() {
  const { store } = useConsole();
  return store.token.value ? <ResetConfirm token={store.token.value} /> : <ResetRequest />;
}

function ResetRequest() {
  const { store } = useConsole();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const em = normaliseEmail(email);
    setError(em.ok ? undefined : em.message);
    if (!em.ok) return;
    setBusy(true);
    try {
      const res = await store.api.requestPasswordReset(em.value);
      setSent(res.detail || 'If this address has an account, we have emailed it a link to reset the password.');
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Frame title="Reset your password">
      {sent ? (
        <Notice tone="success" title="Check your email">
          <p>{sent}</p>
        </Notice>
      ) : (
        <form method="post" onSubmit={submit} noValidate>
          <p>We will email you a link to choose a new password.</p>
          <ErrorSummary items={error ? [{ field: 'email', message: error }] : []} />
          {failure && <Notice tone="error">{failure}</Notice>}
          <Field
            id="email"
            label="Email address"
            type="email"
            autocomplete="username"
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
      <p class="kt-links">
        <AppLink to="">Back to sign in</AppLink>
      </p>
    </Frame>
  );
}

function ResetConfirm({ token }: { token: string }) {
  const { store } = useConsole();
  const router = useRouter();
  const [gone, setGone] = useState(false);
  if (gone) {
    return (
      <Frame title="This link no longer works">
        <Notice tone="error">Reset links work once and run out after a while. Ask for a new one below.</Notice>
        <p class="kt-links">
          <AppLink
            to="reset"
            onClick={() => {
              store.token.value = null;
            }}
          >
            Ask for a new reset link
          </AppLink>
        </p>
      </Frame>
    );
  }
  return (
    <Frame title="Choose a new password">
      <PasswordForm
        submitLabel="Save new password"
        onGone={() => setGone(true)}
        save={async (password) => {
          await store.api.confirmPasswordReset(token, password);
          store.token.value = null;
          store.notice.value = 'Your password has been changed. Sign in with it now.';
          router.navigate('', { replace: true });
        }}
      />
    </Frame>
  );
}
