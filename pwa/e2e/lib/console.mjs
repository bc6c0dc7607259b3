// Signing staff in to the financier console for the console tests. The demo
// prints one-time links for the marketer and the approver; the
// administrator and the Irish marketer get no link, so they sign in the way
// a person who never had a password does: "Forgotten your password?", the
// reset email (read from the server's mail folder), a new password, then
// the sign-in form.
import { h1 } from './browser.mjs';
import { mailsTo, waitForLink } from './mail.mjs';

export const PASSWORD = 'a long demo passphrase 42';

/** signInWithLink opens a demo link and waits for the console's home. */
export async function signInWithLink(page, url) {
  await page.goto(url);
  await page.getByText('Signed in as').waitFor();
}

/** signInByReset sets a password for a demo account through the reset email, then signs in with it. */
export async function signInByReset(page, server, email) {
  const since = mailsTo(server.dataDir, email).length;
  await page.goto(`${server.baseURL}/financier/reset`);
  await h1(page, 'Reset your password');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await page.getByText('Check your email').waitFor();
  const link = await waitForLink(server.dataDir, email, /https?:\/\/\S+\/financier\/reset#t=[\w-]+/g, { since });
  // The reset page is open already: a change of fragment alone would not
  // load the app again, and the app reads the token when it loads.
  await page.goto('about:blank');
  await page.goto(link);
  await h1(page, 'Choose a new password');
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Type it again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await h1(page, 'Sign in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
}

/** nav follows a link in the console's main nav. */
export async function nav(page, name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}
