import { Notice } from '../../ui/Notice';
import { notice } from '../state';
import { Frame } from './Frame';
import { RequestLink } from './RequestLink';

/** SignedOut is the start screen for someone not signed in. */
export function SignedOut() {
  const message = notice.value;
  return (
    <Frame title="Sign in to see your car finance">
      {message && <Notice tone="success">{message}</Notice>}
      <p>
        To sign in, open the link in the email from your finance company. We will ask for your date of birth and
        postcode to check it is you.
      </p>
      <RequestLink heading="Lost the email or the link has run out?" />
    </Frame>
  );
}
