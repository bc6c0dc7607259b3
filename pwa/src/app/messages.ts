// What to tell a person when a request fails in a way the screen did not
// plan for. Screens handle the errors that are theirs (a wrong password, a
// used link) and pass everything else here.
import { ApiError, NetworkError } from './errors';

/** describeError is a short, plain sentence about a failed request. */
export function describeError(err: unknown): string {
  if (err instanceof NetworkError) {
    return 'You seem to be offline. Check your connection and try again.';
  }
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'rate-limited':
        return 'Too many tries in a short time. Wait a few minutes, then try again.';
      case 'unauthorized':
        return 'Your session has ended. Sign in again to continue.';
      case 'forbidden':
        return 'Your account is not allowed to do this.';
      case 'unavailable':
      case 'internal':
        return 'Something went wrong on our side. Try again in a few minutes.';
      case 'validation':
        return err.errors[0]?.message ?? (err.detail || 'Check what you entered and try again.');
      default:
        return err.detail || err.title || 'Something went wrong. Try again.';
    }
  }
  return 'Something went wrong. Try again.';
}
