import type { ComponentChildren } from 'preact';
import { Page } from '../ui/Layout';
import { useRouter } from '../app/router';
import { useConsole } from './store';

/** Frame is a console's Page: its name, and the nav once signed in. */
export function Frame({ title, children }: { title: string; children?: ComponentChildren }) {
  const router = useRouter();
  const { store, config } = useConsole();
  const subject = store.session.value?.subject;
  return (
    <Page
      appName="Keyturn"
      context={config.name}
      title={title}
      route={router.route.value}
      nav={subject ? config.nav(subject) : undefined}
      onSignOut={
        subject
          ? () => {
              void store.signOut().then(() => router.navigate('', { replace: true }));
            }
          : undefined
      }
    >
      {children}
    </Page>
  );
}
