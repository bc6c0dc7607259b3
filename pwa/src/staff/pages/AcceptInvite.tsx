import { useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Notice } from '../../ui/Notice';
import { useRouter } from '../../app/router';
import { useConsole } from '../store';
import { Frame } from '../Frame';
import { PasswordForm } from './PasswordForm';

/** AcceptInvite is where an invitation email lands (/accept#t=…): choose a password, then in. */
export function AcceptInvite() {
  const { store } = useConsole();
  const router = useRouter();
  const token = store.token.value;
  const [gone, setGone] = useState(!token);

  if (gone) {
    return (
      <Frame title="This invitation no longer works">
        <Notice tone="error">
          Invitations work once and run out after a while. Ask the person who invited you to send a new one.
        </Notice>
        <p class="kt-links">
          <AppLink to="">Sign in</AppLink>
        </p>
      </Frame>
    );
  }
  return (
    <Frame title="Choose your password">
      <p>Welcome to Keyturn. Choose a password to finish setting up your account.</p>
      <PasswordForm
        submitLabel="Save and sign in"
        onGone={() => setGone(true)}
        save={async (password) => {
          await store.api.acceptInvite(token!, password);
          store.token.value = null;
          router.navigate('', { replace: true });
        }}
      />
    </Frame>
  );
}
