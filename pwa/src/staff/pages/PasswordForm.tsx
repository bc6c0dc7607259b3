import { useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { ErrorSummary } from '../../ui/ErrorSummary';
import { Field } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { ApiError } from '../../app/errors';
import { MIN_PASSWORD, checkNewPassword } from '../../app/inputs';
import { describeError } from '../../app/messages';

/**
 * PasswordForm asks for a new password twice and hands it to save. It
 * shows the API's 422 message for the password, and calls onGone on a
 * 410 (the link was used or ran out).
 */
export function PasswordForm({
  submitLabel,
  save,
  onGone,
}: {
  submitLabel: string;
  save: (password: string) => Promise<unknown>;
  onGone: () => void;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<{ field: 'password' | 'confirm'; message: string }>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const checked = checkNewPassword(password, confirm);
    if (!checked.ok) {
      setError({ field: password.length >= MIN_PASSWORD ? 'confirm' : 'password', message: checked.message });
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await save(checked.value);
    } catch (err) {
      if (err instanceof ApiError && err.is('link-invalid', 'not-found')) onGone();
      else if (err instanceof ApiError && err.is('validation')) {
        setError({ field: 'password', message: err.fieldMessage('password') ?? describeError(err) });
      } else setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form method="post" onSubmit={submit} noValidate>
      <ErrorSummary items={error ? [error] : []} />
      {failure && <Notice tone="error">{failure}</Notice>}
      <Field
        id="password"
        label="New password"
        hint={`At least ${MIN_PASSWORD} characters. A few words together are easy to remember and hard to guess.`}
        type="password"
        autocomplete="new-password"
        value={password}
        onValue={setPassword}
        error={error?.field === 'password' ? error.message : undefined}
      />
      <Field
        id="confirm"
        label="Type it again"
        type="password"
        autocomplete="new-password"
        value={confirm}
        onValue={setConfirm}
        error={error?.field === 'confirm' ? error.message : undefined}
      />
      <Button type="submit" busy={busy} block>
        {submitLabel}
      </Button>
    </form>
  );
}
