// Browser tests of the three front ends against the real server in demo
// mode: sign-in through each console's one-time link, the customer's
// identity check, accessibility (axe, WCAG 2.2 AA), installability, the
// service worker offline, and that sign-out leaves no personal data behind.
// Screenshots go to e2e/output/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DESKTOP,
  MOBILE,
  axe,
  focusNeverHidden,
  h1,
  helpIsConsistent,
  installable,
  launch,
  reflows,
  shot,
  watch,
  workerReady,
} from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

/** storedKeys lists what the customer app keeps in IndexedDB (nothing if no database). */
function storedKeys(page) {
  return page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === 'keyturn-customer')) return [];
    return new Promise((resolve, reject) => {
      const req = indexedDB.open('keyturn-customer');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('kv')) {
          db.close();
          resolve([]);
          return;
        }
        const keys = db.transaction('kv').objectStore('kv').getAllKeys();
        keys.onsuccess = () => {
          db.close();
          resolve(keys.result.map(String));
        };
        keys.onerror = () => reject(keys.error);
      };
    });
  });
}

/** requestsSince counts the server's access-log lines written after mark. */
function requestsSince(server, mark) {
  return (server.logs().slice(mark).match(/"http\.request"/g) ?? []).length;
}

/** ukDate turns 1986-04-12 into 12/04/1986, the way a person types it. */
function ukDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

describe('Keyturn PWA in chromium', { timeout: 600_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows accessible, installable staff sign-in screens', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);

    await page.goto(`${server.baseURL}/financier/`);
    await h1(page, 'Sign in');
    await axe(page, 'financier sign-in');
    await helpIsConsistent(page, 'financier sign-in');
    await focusNeverHidden(page, 'financier sign-in');
    await shot(page, 'financier-sign-in');
    await installable(page, { manifest: '/financier/manifest.webmanifest', scope: '/financier/' });
    const fin = await workerReady(page);
    assert.equal(fin.script, `${server.baseURL}/financier/sw.js`);
    assert.equal(fin.scope, `${server.baseURL}/financier/`);

    // A wrong password gets one plain message, and the form stays usable.
    await page.getByLabel('Email address').fill('nobody@example.com');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email address or password is not right').waitFor();
    await axe(page, 'financier sign-in, wrong password');
    await shot(page, 'financier-sign-in-wrong-password');

    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await h1(page, 'Reset your password');
    assert.equal(new URL(page.url()).pathname, '/financier/reset');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await axe(page, 'password reset with an error');
    await helpIsConsistent(page, 'password reset');
    await shot(page, 'financier-reset-error');
    await page.getByLabel('Email address').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('Check your email').waitFor();

    await page.goto(`${server.baseURL}/dealer/`);
    await h1(page, 'Sign in');
    await axe(page, 'dealer sign-in');
    await helpIsConsistent(page, 'dealer sign-in');
    await shot(page, 'dealer-sign-in');
    await installable(page, { manifest: '/dealer/manifest.webmanifest', scope: '/dealer/' });
    const dealer = await workerReady(page);
    assert.equal(dealer.scope, `${server.baseURL}/dealer/`);

    assert.deepEqual(problems, []);
    await page.close();
  });

  it('signs a customer in, works offline, and forgets everything on sign-out', async () => {
    const { url, dob, postcode } = server.links.customer;
    const page = await browser.context.newPage();
    const problems = watch(page);

    await page.goto(url);
    await h1(page, /^Welcome to /);
    assert.equal(new URL(page.url()).hash, '', 'the token must leave the address bar');
    assert.equal(new URL(page.url()).pathname, '/invite');
    await axe(page, 'customer welcome');
    await helpIsConsistent(page, 'customer welcome');
    await shot(page, 'customer-welcome');

    await page.getByRole('button', { name: 'Continue' }).click();
    await h1(page, 'Check it is you');
    const dobInput = page.getByLabel('Date of birth');
    assert.equal(await dobInput.getAttribute('autocomplete'), 'bday');
    assert.equal(await page.getByLabel('Postcode').getAttribute('autocomplete'), 'postal-code');
    await axe(page, 'customer identity check');
    await helpIsConsistent(page, 'customer identity check');
    await focusNeverHidden(page, 'customer identity check');
    await reflows(page, 'customer identity check');
    await shot(page, 'customer-check');

    // Nothing typed: the summary lists both fields.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await axe(page, 'customer identity check with errors');
    await shot(page, 'customer-check-errors');

    // A wrong date of birth: one generic message that names neither field.
    const [year, month, day] = dob.split('-');
    await dobInput.fill(`${day}/${month}/${Number(year) + 1}`);
    // Paste works (WCAG 3.3.8): put the postcode in through a paste event.
    await page.getByLabel('Postcode').focus();
    const pasted = await page.evaluate((text) => {
      const input = document.activeElement;
      const data = new DataTransfer();
      data.setData('text/plain', text);
      const allowed = input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      // A synthetic paste event does not insert text itself; do what the
      // browser would, had nothing cancelled it.
      if (allowed) {
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return allowed;
    }, postcode.toLowerCase().replace(' ', ''));
    assert.ok(pasted, 'pasting into the postcode field must not be blocked');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('We could not match those details to your agreement').waitFor();
    await axe(page, 'customer identity check, wrong date of birth');
    await shot(page, 'customer-wrong-dob');

    await dobInput.fill(ukDate(dob));
    await page.getByRole('button', { name: 'Continue' }).click();
    const hello = await h1(page, /^Hello, /);
    const greeting = await hello.textContent();
    assert.equal(new URL(page.url()).pathname, '/');
    const cards = page.locator('article.kt-agreement');
    assert.ok((await cards.count()) >= 1, 'the home screen lists the agreements');
    assert.match(await cards.first().textContent(), /Monthly payment£[\d,]+\.\d\d/);
    await axe(page, 'customer home');
    await helpIsConsistent(page, 'customer home');
    await focusNeverHidden(page, 'customer home');
    await reflows(page, 'customer home');
    await shot(page, 'customer-home');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'customer-home-desktop');
    await page.setViewportSize(MOBILE);

    // Installable, with a ready worker that controls the page.
    await installable(page, { manifest: '/manifest.webmanifest', scope: '/' });
    const sw = await workerReady(page);
    assert.equal(sw.script, `${server.baseURL}/sw.js`);
    assert.equal(sw.scope, `${server.baseURL}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    assert.deepEqual(await storedKeys(page), ['overview']);

    // Offline: the shell comes from the worker and the overview from
    // IndexedDB; the server sees none of it.
    await browser.context.setOffline(true);
    const mark = server.logs().length;
    await page.reload();
    await h1(page, greeting);
    await page.getByText('You are offline').waitFor();
    assert.equal(requestsSince(server, mark), 0, 'an offline reload must not reach the server');
    await axe(page, 'customer home offline');
    await shot(page, 'customer-offline');
    await browser.context.setOffline(false);

    // Back online: the copy shows at once, then the fresh overview replaces it.
    await page.reload();
    await h1(page, greeting);
    await page.getByText('You are offline').waitFor({ state: 'detached' });

    // Sign out: nothing of the customer's is left in the browser.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h1(page, 'Sign in to see your car finance');
    await page.getByText('You have signed out.').waitFor();
    assert.deepEqual(await storedKeys(page), []);
    assert.deepEqual(
      await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)]),
      [[], []],
      'nothing in web storage',
    );
    await axe(page, 'customer signed out');
    await helpIsConsistent(page, 'customer signed out');
    await shot(page, 'customer-signed-out');

    // A reload, online or off, shows no one's data.
    await page.reload();
    await h1(page, 'Sign in to see your car finance');
    await browser.context.setOffline(true);
    await page.reload();
    await h1(page, 'Sign in to see your car finance');
    assert.equal(await page.getByText(greeting).count(), 0);
    await browser.context.setOffline(false);

    // The invite link worked once.
    await page.goto(url);
    await h1(page, 'This link no longer works');
    await axe(page, 'customer used link');
    await shot(page, 'customer-link-used');

    assert.deepEqual(problems, []);
    await page.close();
  });

  it('signs a financier marketer in with a one-time link', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);

    await page.goto(server.links['financier marketer'].url);
    await page.getByText('Signed in as').waitFor();
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(new URL(page.url()).pathname, '/financier/');
    await page.getByText('Marketer', { exact: false }).first().waitFor();
    const stats = page.getByRole('list', { name: 'Your book' });
    await stats.waitFor();
    for (const label of ['Customers', 'Agreements', 'Ending within 90 days', 'Dealer locations']) {
      await stats.getByText(label, { exact: true }).waitFor();
    }
    assert.equal(await page.getByRole('link', { name: 'Team' }).count(), 0, 'only administrators see Team');
    await axe(page, 'financier home');
    await helpIsConsistent(page, 'financier home');
    await focusNeverHidden(page, 'financier home');
    await reflows(page, 'financier home');
    await shot(page, 'financier-home');
    await page.setViewportSize(DESKTOP);
    await shot(page, 'financier-home-desktop');
    await page.setViewportSize(MOBILE);

    await page.getByRole('link', { name: 'Security' }).click();
    await h1(page, 'Security');
    await axe(page, 'security');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const uri = await page.locator('#totp-uri').textContent();
    assert.match(uri, /^otpauth:\/\/totp\//);
    assert.match(await page.locator('#totp-secret').textContent(), /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await axe(page, 'security, setting up');
    await shot(page, 'financier-security');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await h1(page, 'Sign in');
    await page.getByText('You have signed out.').waitFor();

    assert.deepEqual(problems, []);
    await page.close();
  });

  it('signs a compliance approver in with a one-time link', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    await page.goto(server.links['compliance approver'].url);
    await page.getByText('Signed in as').waitFor();
    await page.getByText('Compliance approver', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h1(page, 'Sign in');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('signs a dealer in with a one-time link and lists their locations', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);

    await page.goto(server.links['dealer enquiry manager'].url);
    await page.getByText('Signed in as').waitFor();
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(new URL(page.url()).pathname, '/dealer/');
    await page.getByRole('heading', { level: 2, name: 'Your locations' }).waitFor();
    const locations = page.locator('main h3');
    await locations.first().waitFor();
    assert.ok((await locations.count()) >= 1);
    await axe(page, 'dealer home');
    await helpIsConsistent(page, 'dealer home');
    await focusNeverHidden(page, 'dealer home');
    await reflows(page, 'dealer home');
    await shot(page, 'dealer-home');

    await page.getByRole('link', { name: 'Talk to a person' }).click();
    await h1(page, 'Talk to a person');
    await axe(page, 'dealer help');
    await helpIsConsistent(page, 'dealer help');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await h1(page, 'Sign in');
    assert.deepEqual(problems, []);
    await page.close();
  });
  // The demo prints no administrator link, so this one screen runs against
  // stubbed API replies (page.route): the markup, axe and the role change
  // are what is under test, not the server.
  it('shows the administrator team page (API stubbed)', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    const admin = {
      access_token: 'stub',
      token_type: 'Bearer',
      expires_in: 900,
      subject: {
        kind: 'staff',
        id: 1,
        name: 'Priya Shah',
        role: 'financier_admin',
        financier: { slug: 'demo', name: 'Demo Motor Finance', brand_colour: '#0B6E4F' },
        dealer_group: null,
      },
    };
    const staff = [
      { id: 1, email: 'admin@example.com', name: 'Priya Shah', role: 'financier_admin', disabled: false, totp_enabled: true, last_login_at: '2026-11-20T10:00:00Z' },
      { id: 2, email: 'marketer@example.com', name: 'Tom Baker', role: 'financier_marketer', disabled: false, totp_enabled: false, last_login_at: null },
    ];
    const patches = [];
    const json = (route, status, body) =>
      route.fulfill({ status, contentType: status >= 400 ? 'application/problem+json' : 'application/json', body: JSON.stringify(body) });
    await page.route('**/api/v1/auth/refresh', (route) => json(route, 200, admin));
    await page.route('**/api/v1/financier/overview', (route) =>
      json(route, 200, {
        financier: { slug: 'demo', name: 'Demo Motor Finance', market: 'GB', currency: 'GBP', brand_colour: '#0B6E4F' },
        counts: { customers: 1, agreements: 1, agreements_ending_within_90_days: 0, dealer_locations: 1 },
      }),
    );
    await page.route('**/api/v1/staff', (route) => json(route, 200, { items: staff }));
    await page.route('**/api/v1/staff/2', async (route) => {
      const change = route.request().postDataJSON();
      patches.push(change);
      await json(route, 200, { ...staff[1], ...change });
    });
    await page.route('**/api/v1/staff/invitations', (route) =>
      json(route, 422, {
        type: 'urn:keyturn:problem:validation',
        title: 'Invalid input',
        status: 422,
        errors: [{ field: 'email', code: 'format', message: 'Enter an email address like name@example.com.' }],
      }),
    );

    await page.goto(`${server.baseURL}/financier/`);
    await page.getByRole('link', { name: 'Team' }).click();
    await h1(page, 'Team');
    await page.getByRole('heading', { name: 'Tom Baker' }).waitFor();
    await axe(page, 'team');
    await helpIsConsistent(page, 'team');
    await reflows(page, 'team');
    await shot(page, 'financier-team');

    await page.getByLabel('Role for Tom Baker').selectOption('compliance_approver');
    await page.getByRole('button', { name: 'Change role' }).click();
    await page.getByText('Tom Baker is now Compliance approver.').waitFor();
    assert.deepEqual(patches, [{ role: 'compliance_approver' }]);

    await page.getByLabel('Name').fill('New Person');
    await page.getByLabel('Email address').fill('new@example.com');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await axe(page, 'team, invitation refused');

    assert.deepEqual(problems, []);
    await page.close();
  });
  it('handles staff invitations, reset links and used links', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);

    // Accepting an invitation: the form, its checks, then the server's 410
    // for a token it never issued.
    await page.goto(`${server.baseURL}/financier/accept#t=not-a-real-token`);
    await h1(page, 'Choose your password');
    assert.equal(new URL(page.url()).hash, '');
    await axe(page, 'accept invitation');
    await helpIsConsistent(page, 'accept invitation');
    await page.getByLabel('New password').fill('too short');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await axe(page, 'accept invitation, short password');
    await shot(page, 'financier-accept-error');
    await page.getByLabel('New password').fill('a long enough passphrase');
    await page.getByLabel('Type it again').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await h1(page, 'This invitation no longer works');
    await axe(page, 'invitation gone');

    // Choosing a new password from a reset email.
    await page.goto(`${server.baseURL}/financier/reset#t=not-a-real-token`);
    await h1(page, 'Choose a new password');
    await axe(page, 'reset confirm');
    await page.getByLabel('New password').fill('a long enough passphrase');
    await page.getByLabel('Type it again').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await h1(page, 'This link no longer works');
    await page.getByRole('link', { name: 'Ask for a new reset link' }).click();
    await h1(page, 'Reset your password');

    // A one-time link that is not (or no longer) valid.
    await page.goto(`${server.baseURL}/dealer/link#t=not-a-real-token`);
    await h1(page, 'This link no longer works');
    await axe(page, 'dealer link gone');
    await shot(page, 'dealer-link-gone');

    assert.deepEqual(problems, []);
    await page.close();
  });

  // The demo has no password or TOTP secret to type, and locking the demo
  // invite would take five wrong tries of a link the other tests use, so
  // these two screens run against stubbed API replies.
  it('asks for the TOTP code when the password sign-in needs it (API stubbed)', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    const bodies = [];
    await page.route('**/api/v1/auth/staff/login', async (route) => {
      const body = route.request().postDataJSON();
      bodies.push(body);
      if (!body.totp_code) {
        await route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'urn:keyturn:problem:mfa-required', title: 'Authentication code required', status: 401 }),
        });
        return;
      }
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:keyturn:problem:mfa-invalid', title: 'Authentication code not accepted', status: 401 }),
      });
    });

    await page.goto(`${server.baseURL}/financier/`);
    await h1(page, 'Sign in');
    await page.getByLabel('Email address').fill('admin@example.com');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await h1(page, 'Enter your code');
    const code = page.getByLabel('Code from your authenticator app');
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await code.getAttribute('inputmode'), 'numeric');
    await axe(page, 'TOTP step');
    await helpIsConsistent(page, 'TOTP step');
    await code.fill('123 456');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That code was not accepted').waitFor();
    await axe(page, 'TOTP step, wrong code');
    await shot(page, 'financier-totp');
    assert.deepEqual(bodies, [
      { email: 'admin@example.com', password: 'correct horse battery staple' },
      { email: 'admin@example.com', password: 'correct horse battery staple', totp_code: '123456' },
    ]);

    assert.deepEqual(problems, []);
    await page.close();
  });

  it('tells a locked-out customer how to reach a person (API stubbed)', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    const financier = {
      slug: 'demo',
      name: 'Demo Motor Finance',
      brand_colour: '#0B6E4F',
      logo_url: null,
      support_phone: '0800 000 0246',
      support_email: 'support@example.com',
    };
    await page.route('**/api/v1/auth/customer/invite', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ financier }) }),
    );
    await page.route('**/api/v1/auth/customer/verify', (route) =>
      route.fulfill({
        status: 423,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'urn:keyturn:problem:invite-locked',
          title: 'Sign-in link locked',
          status: 423,
          locked_until: null,
          contact: { phone: '0800 000 0246', email: 'support@example.com' },
        }),
      }),
    );

    await page.goto(`${server.baseURL}/invite#t=stubbed`);
    await h1(page, 'Welcome to Demo Motor Finance');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Date of birth').fill('01/01/1970');
    await page.getByLabel('Postcode').fill('LS1 4AP');
    await page.getByRole('button', { name: 'Continue' }).click();
    await h1(page, 'This link is locked');
    await page.getByText('A person on our team can unlock it for you.').waitFor();
    assert.equal(await page.getByRole('link', { name: '0800 000 0246' }).getAttribute('href'), 'tel:08000000246');
    assert.equal(await page.getByRole('link', { name: 'support@example.com' }).getAttribute('href'), 'mailto:support@example.com');
    await axe(page, 'customer locked');
    await helpIsConsistent(page, 'customer locked');
    await shot(page, 'customer-locked');

    assert.deepEqual(problems, []);
    await page.close();
  });
});
