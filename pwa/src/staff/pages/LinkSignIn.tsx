import { useEffect, useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Notice } from '../../ui/Notice';
import { ApiError } from '../../app/errors';
import { describeError } from '../../app/messages';
import { useRouter } from '../../app/router';
import { useConsole } from '../store';
import { Frame } from '../Frame';

/** LinkSignIn signs in with a one-time link (/link#t=…) as soon as it opens. */
export function LinkSignIn() {
  const { store } = useConsole();
  const router = useRouter();
  const token = store.token.value;
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(
    token ? null : { title: 'This link no longer works', message: 'The link has no sign-in code in it.' },
  );

  useEffect(() => {
    if (!token) return;
    let live = true;
    store.api
      .staffLink(token)
      .then(() => {
        store.token.value = null;
        if (live) router.navigate('', { replace: true });
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.is('link-invalid', 'not-found')) {
          setFailure({
            title: 'This link no longer works',
            message: 'Sign-in links work once and run out after 30 minutes. Sign in with your password, or ask for a new link.',
          });
        } else {
          setFailure({ title: 'We could not sign you in', message: describeError(err) });
        }
      });
    return () => {
      live = false;
    };
  }, [token]);

  if (!failure) {
    return (
      <Frame title="Signing you in">
        <p role="status">Signing you in…</p>
      </Frame>
    );
  }
  return (
    <Frame title={failure.title}>
      <Notice tone="error">{failure.message}</Notice>
      <p class="kt-links">
        <AppLink to="">Sign in with your password</AppLink>
      </p>
    </Frame>
  );
}
