import { useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Button } from '../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { ApiError } from '../../app/errors';
import { normaliseCode, normaliseEmail } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { useConsole } from '../store';
import { Frame } from '../Frame';

/**
 * SignIn is email and password, then, when the API answers mfa-required,
 * a second step for the authenticator code.
 */
export function SignIn() {
  const { store } = useConsole();
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; code?: string }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const message = store.notice.value;

  async function login(totp?: string) {
    setBusy(true);
    setFailure(undefined);
    try {
      await store.api.staffLogin(email.trim(), password, totp);
      store.notice.value = null;
    } catch (err) {
      if (err instanceof ApiError && err.is('mfa-required')) {
        setStep('code');
      } else if (err instanceof ApiError && err.is('mfa-invalid')) {
        setFailure('That code was not accepted. Codes change every 30 seconds: enter the newest one.');
      } else if (err instanceof ApiError && err.is('invalid-credentials')) {
        setStep('password');
        setFailure('The email address or password is not right. Check them and try again.');
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(e: Event) {
    e.preventDefault();
    const em = normaliseEmail(email);
    const next = { email: em.ok ? undefined : em.message, password: password ? undefined : 'Enter your password.' };
    setErrors(next);
    if (next.email || next.password) return;
    void login();
  }

  function submitCode(e: Event) {
    e.preventDefault();
    const c = normaliseCode(code);
    setErrors({ code: c.ok ? undefined : c.message });
    if (c.ok) void login(c.value);
  }

  const summary: SummaryItem[] = [];
  if (errors.email) summary.push({ field: 'email', message: errors.email });
  if (errors.password) summary.push({ field: 'password', message: errors.password });
  if (errors.code) summary.push({ field: 'code', message: errors.code });

  if (step === 'code') {
    return (
      <Frame title="Enter your code">
        <form method="post" onSubmit={submitCode} noValidate>
          <ErrorSummary items={summary} />
          {failure && <Notice tone="error">{failure}</Notice>}
          <Field
            id="code"
            label="Code from your authenticator app"
            hint="6 digits. A new one appears every 30 seconds."
            autocomplete="one-time-code"
            inputMode="numeric"
            spellcheck={false}
            short
            value={code}
            onValue={setCode}
            error={errors.code}
          />
          <Button type="submit" busy={busy} block>
            Sign in
          </Button>
        </form>
      </Frame>
    );
  }

  return (
    <Frame title="Sign in">
      {message && <Notice tone="success">{message}</Notice>}
      <form method="post" onSubmit={submitPassword} noValidate>
        <ErrorSummary items={summary} />
        {failure && <Notice tone="error">{failure}</Notice>}
        <Field
          id="email"
          label="Email address"
          type="email"
          autocomplete="username"
          spellcheck={false}
          value={email}
          onValue={setEmail}
          error={errors.email}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          value={password}
          onValue={setPassword}
          error={errors.password}
        />
        <Button type="submit" busy={busy} block>
          Sign in
        </Button>
      </form>
      <p class="kt-links">
        <AppLink to="reset">Forgotten your password?</AppLink>
      </p>
    </Frame>
  );
}
