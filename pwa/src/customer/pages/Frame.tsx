import type { ComponentChildren } from 'preact';
import { Page } from '../../ui/Layout';
import { useRouter } from '../../app/router';
import { contact, session, signOut } from '../state';

/** Frame is the customer app's Page: the financier's name, and the nav once signed in. */
export function Frame({ title, children }: { title: string; children?: ComponentChildren }) {
  const router = useRouter();
  const signedIn = session.value !== null;
  return (
    <Page
      appName={contact.value?.name ?? 'Keyturn'}
      title={title}
      route={router.route.value}
      nav={signedIn ? [{ to: '', label: 'Your agreements' }] : undefined}
      onSignOut={
        signedIn
          ? () => {
              void signOut().then(() => router.navigate('', { replace: true }));
            }
          : undefined
      }
      footer={
        <p>
          This app keeps a copy of what it shows you on this device, so you can see it without a signal. Signing out
          removes it.
        </p>
      }
    >
      {children}
    </Page>
  );
}
