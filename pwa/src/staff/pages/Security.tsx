import { useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { ErrorSummary } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import type { TotpSetup } from '../../app/api';
import { ApiError } from '../../app/errors';
import { normaliseCode } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { useConsole } from '../store';
import { Frame } from '../Frame';

/** groupSecret spaces a base32 secret in fours, so it can be typed in. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Security lets anyone signed in turn on two-step sign-in: we show the
 * secret and the otpauth URI as text (to type or paste into an
 * authenticator app), then confirm with a code from it.
 */
export function Security() {
  const { store } = useConsole();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setFailure(undefined);
    try {
      setSetup(await store.api.totpSetup());
    } catch (err) {
      setFailure(
        err instanceof ApiError && err.is('conflict')
          ? 'Two-step sign-in is already on for your account.'
          : describeError(err),
      );
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const c = normaliseCode(code);
    setError(c.ok ? undefined : c.message);
    if (!c.ok) return;
    setBusy(true);
    try {
      await store.api.totpConfirm(c.value);
      setDone(true);
      setSetup(null);
    } catch (err) {
      if (err instanceof ApiError && err.is('mfa-invalid')) {
        setError('That code was not accepted. Check the time on your phone is right, and enter the newest code.');
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Frame title="Security">
      <h2>Two-step sign-in</h2>
      {done ? (
        <Notice tone="success" title="Two-step sign-in is on">
          <p>From now on we will ask for a code from your authenticator app when you sign in with your password.</p>
        </Notice>
      ) : setup ? (
        <form method="post" onSubmit={confirm} noValidate>
          <ErrorSummary items={error ? [{ field: 'code', message: error }] : []} />
          {failure && <Notice tone="error">{failure}</Notice>}
          <ol class="kt-stack">
            <li>
              <p>In your authenticator app, add an account and enter this key:</p>
              <p>
                <code class="kt-code kt-code--grouped" id="totp-secret">
                  {groupSecret(setup.secret)}
                </code>
              </p>
              <p>Or, if your app takes a link, copy this one:</p>
              <p>
                <code class="kt-code" id="totp-uri">
                  {setup.otpauth_uri}
                </code>
              </p>
            </li>
            <li>
              <p>Enter the 6-digit code the app then shows.</p>
              <Field
                id="code"
                label="Code"
                autocomplete="one-time-code"
                inputMode="numeric"
                spellcheck={false}
                short
                value={code}
                onValue={setCode}
                error={error}
              />
            </li>
          </ol>
          <Button type="submit" busy={busy} block>
            Turn on two-step sign-in
          </Button>
        </form>
      ) : (
        <>
          {failure && <Notice tone="error">{failure}</Notice>}
          <p>
            Ask for a code from an authenticator app on your phone each time you sign in with your password, so a
            stolen password alone is not enough.
          </p>
          <Button onClick={() => void start()} busy={busy} block>
            Set up an authenticator app
          </Button>
        </>
      )}
    </Frame>
  );
}
