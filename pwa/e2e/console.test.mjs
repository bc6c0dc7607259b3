// Browser tests of the financier console's issue-6 screens against the real
// server in demo mode: the dealer network, agreement imports, campaigns
// from draft to live, the approver's checklist, the audit log, and tenant
// isolation. Each person has their own browser profile, so their sessions
// (refresh cookies) stay apart. Screenshots go to e2e/output/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, MOBILE, axe, focusNeverHidden, h1, helpIsConsistent, launch, reflows, shot, watch } from './lib/browser.mjs';
import { nav, signInByReset } from './lib/console.mjs';
import { startServer } from './lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CAMPAIGN = 'Spring renewals 2027';
const SAMPLE = join(here, '..', '..', 'config', 'agreements.sample.csv');
let importURL;

/**
 * plantedRows finds the sample file's planted mistakes the importer must
 * reject, by line (the header is line 1) and column: an impossible date, an
 * unknown product, a term out of range, an agreement number twice.
 */
function plantedRows(text) {
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  const col = (name) => header.indexOf(name);
  const out = [];
  const seen = new Set();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    // The sample has no quoted commas in the columns read here.
    const f = raw.split(',');
    const date = f[col('start_date')];
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const number = f[col('agreement_number')];
    if (iso && new Date(`${date}T00:00:00Z`).getUTCDate() !== Number(iso[3])) out.push({ line, column: 'start_date', why: 'impossible date' });
    else if (!['pcp', 'hp', 'pch'].includes(f[col('product')])) out.push({ line, column: 'product', why: 'unknown product' });
    else if (Number(f[col('term_months')]) > 120) out.push({ line, column: 'term_months', why: 'term out of range' });
    else if (seen.has(number)) out.push({ line, column: 'agreement_number', why: 'duplicate agreement number' });
    seen.add(number);
  });
  return out;
}
let campaignURL;
let campaignID;

/** isoDay is the date n days from today, YYYY-MM-DD, in London. */
function isoDay(n) {
  const d = new Date(Date.now() + n * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
}

/** kiaSportageHP is the HP offer both console journeys add, valid from `from` for 180 days. */
function kiaSportageHP(from) {
  return {
    make: 'Kia',
    model: 'Sportage',
    derivative: '1.6 T-GDi 2',
    product: 'hp',
    cash: '28,000',
    terms: '48',
    contribution: '0',
    deposit: '3,000',
    payments: '48',
    apr: '9.9',
    share: '60',
    source: 'Last quarter: 1,120 new agreements',
    from,
    to: isoDay(180),
    small: '',
  };
}

/** fillOffer types an offer into the offer editor. */
async function fillOffer(page, o) {
  const f = (id) => page.locator(`#of-${id}`);
  await f('vehicle-make').fill(o.make);
  await f('vehicle-model').fill(o.model);
  await f('vehicle-derivative').fill(o.derivative);
  await f('product').selectOption(o.product);
  await f('cash_price').fill(o.cash);
  await f('terms_offered').fill(o.terms);
  if (o.product !== 'pch') await f('deposit_contribution').fill(o.contribution);
  if (o.excess) await f('excess_mileage_charge').fill(o.excess);
  if (o.gfv) {
    await f('guaranteed_future_values-0-term_months').fill(o.gfv[0]);
    await f('guaranteed_future_values-0-annual_mileage').fill(o.gfv[1]);
    await f('guaranteed_future_values-0-value').fill(o.gfv[2]);
  }
  await f('example-deposit').fill(o.deposit);
  await f('example-monthly_payments').fill(o.payments);
  if (o.mileage) await f('example-annual_mileage').fill(o.mileage);
  await f('example-apr').fill(o.apr);
  await f('example-apr_basis-share_percent').fill(o.share);
  await f('example-apr_basis-source').fill(o.source);
  await f('valid_from').fill(o.from);
  await f('valid_to').fill(o.to);
  await f('small_print').fill(o.small);
}

/**
 * checkProminence is RULES C3 and C4 in the DOM: the example is one
 * container outside any details, tooltip or carousel, titled
 * "Representative example", its items at one size no smaller than any other
 * figure of the card, and the APR larger than an incentive.
 */
async function checkProminence(page, scope) {
  const r = await scope.locator('[data-offer-card]').evaluate((card) => {
    const ex = card.querySelector('[data-rep-example]');
    const size = (el) => parseFloat(getComputedStyle(el).fontSize);
    const items = [...ex.querySelectorAll('.kt-repex__line:not(.kt-repex__line--apr) dd')].map(size);
    const figures = [...card.querySelectorAll('.kt-offer-card__figure, .kt-offer-card__incentive')].map(size);
    const apr = card.querySelector('[data-apr]');
    const incentive = card.querySelector('.kt-offer-card__incentive');
    return {
      title: ex.querySelector('h1, h2, h3, h4, h5').textContent,
      hidden: ex.closest('details, [role=tooltip], [aria-roledescription=carousel]') !== null,
      itemSizes: [...new Set(items)],
      largestFigure: Math.max(0, ...figures),
      aprLarger: !incentive || (apr !== null && size(apr) > size(incentive)),
    };
  });
  assert.match(r.title, /^Representative example/);
  assert.equal(r.hidden, false);
  assert.equal(r.itemSizes.length, 1, 'every item of the example has one size');
  assert.ok(r.itemSizes[0] >= r.largestFigure, 'no cost figure is larger than the example');
  assert.ok(r.aprLarger, 'beside an incentive the APR is larger (C4)');
}
const fixture = (name) => join(here, 'fixtures', name);

/** navItems lists the console's main nav as the person sees it. */
function navItems(page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

/** screen runs the checks every new console screen must pass, and takes its screenshots. */
async function screen(page, label, name) {
  await axe(page, label);
  await helpIsConsistent(page, label);
  await focusNeverHidden(page, label);
  await reflows(page, label);
  await shot(page, name);
  await page.setViewportSize(DESKTOP);
  await shot(page, `${name}-desktop`);
  await page.setViewportSize(MOBILE);
}

describe('Financier console in chromium', { timeout: 900_000 }, () => {
  let server;
  const browsers = [];

  /** person opens a browser profile of one's own and a page in it. */
  async function person() {
    const b = await launch();
    browsers.push(b);
    const page = await b.context.newPage();
    return { page, problems: watch(page) };
  }

  let admin;
  let approver;

  /** theMarketer is the demo marketer, signed in once (the demo link works once) for the tests that follow one another. */
  let marketerPerson;
  async function theMarketer() {
    if (!marketerPerson) {
      marketerPerson = await person();
      await marketerPerson.page.goto(server.links['financier marketer'].url);
      await marketerPerson.page.getByText('Signed in as').waitFor();
    }
    return marketerPerson;
  }

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  it('lets the administrator keep the dealer network', async () => {
    admin = await person();
    const { page, problems } = admin;
    await signInByReset(page, server, 'admin@demo.keyturn.test');
    assert.deepEqual(await navItems(page), ['Overview', 'Load agreements', 'Campaigns', 'Dealer network', 'Audit log', 'Team', 'Security']);
    await nav(page, 'Dealer network');
    await h1(page, 'Dealer network');
    await page.getByRole('heading', { level: 3, name: /Kestrel Motor Group/ }).waitFor();
    const before = await page.locator('article.kt-showroom').count();
    assert.ok(before >= 15, `the demo network has fifteen showrooms, saw ${before}`);
    await screen(page, 'dealer network', 'financier-network');

    // The template comes through the API client (it needs the token).
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the dealer network template (CSV)' }).click(),
    ]);
    assert.equal(template.suggestedFilename(), 'dealer-network-template.csv');
    assert.match(readFileSync(await template.path(), 'utf8'), /^code,dealer_group,name,/);

    // Add a showroom: the server's refusal of bad opening hours shows by the field.
    await page.getByRole('button', { name: 'Add a showroom' }).click();
    await page.getByLabel('Dealer code').fill('dlr090');
    await page.getByLabel('Dealer group').fill('Heron Motor Group');
    await page.getByLabel('Showroom name').fill('Heron Motors Harrogate');
    await page.getByLabel('Address', { exact: true }).fill('1 Example Parade');
    await page.getByLabel('Town').fill('Harrogate');
    await page.getByLabel('Postcode').fill('HG1 1AA');
    await page.getByLabel('Region').fill('Yorkshire and the Humber');
    await page.getByLabel('Latitude').fill('53.9921');
    await page.getByLabel('Longitude').fill('−1.5418');
    await page.getByLabel('Opening hours').fill('Weekdays 9 till 6');
    await page.getByRole('button', { name: 'Add showroom', exact: true }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await page.getByText(/Could not read "Weekdays 9 till 6"/).first().waitFor();
    await axe(page, 'showroom form with errors');
    await shot(page, 'financier-network-add-error');
    await page.getByLabel('Opening hours').fill('Mon-Fri 09:00-18:00; Sat 10:00-16:00; Sun closed');
    await page.getByRole('button', { name: 'Add showroom', exact: true }).click();
    await page.getByText('Heron Motors Harrogate (DLR090) is in your network.').waitFor();
    const card = page.locator('article.kt-showroom', { has: page.getByRole('heading', { name: /Heron Motors Harrogate/ }) });
    await card.getByText('Sat 10:00-16:00').waitFor();

    // Edit it.
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('Phone', { exact: true }).fill('01423 496 0000');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Heron Motors Harrogate is saved.').waitFor();
    await card.getByText('01423 496 0000').waitFor();

    // Load a file: good rows load, the two bad ones are reported by line.
    await page.getByLabel('Dealer network file').setInputFiles(fixture('network.csv'));
    await page.getByRole('button', { name: 'Load the file' }).click();
    await page.getByText(/The file is loaded: 2 added/).waitFor();
    const report = page.getByRole('table', { name: /Rows not loaded/ });
    await report.waitFor();
    const rows = await report.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /^4latitude/);
    assert.match(rows[1], /^5opening_hours/);
    await axe(page, 'dealer network file report');
    await shot(page, 'financier-network-report');

    // Remove it again, after a confirmation.
    await card.getByRole('button', { name: 'Remove', exact: true }).click();
    await card.getByRole('button', { name: 'Yes, remove DLR090' }).click();
    await page.getByText('Heron Motors Harrogate (DLR090) is no longer in your network.').waitFor();
    assert.equal(await page.locator('article.kt-showroom', { hasText: 'Heron Motors Harrogate' }).count(), 0);

    assert.deepEqual(problems, []);
  });

  it('imports the sample agreements with a live progress bar and a report by line', async () => {
    const { page, problems } = await theMarketer();
    assert.deepEqual(await navItems(page), ['Overview', 'Load agreements', 'Campaigns', 'Dealer network', 'Security']);
    await nav(page, 'Load agreements');
    await h1(page, 'Load agreements');
    await screen(page, 'imports', 'financier-imports');

    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the agreements template (CSV)' }).click(),
    ]);
    assert.equal(template.suggestedFilename(), 'agreements-template.csv');
    assert.match(readFileSync(await template.path(), 'utf8'), /^customer_ref,first_name,last_name,/);

    // Dropped on the zone, as a person drags it from their files.
    const text = readFileSync(SAMPLE, 'utf8');
    const dropped = await page.evaluateHandle((t) => {
      const d = new DataTransfer();
      d.items.add(new File([t], 'agreements.sample.csv', { type: 'text/csv' }));
      return d;
    }, text);
    await page.locator('.kt-drop').dispatchEvent('dragenter', { dataTransfer: dropped });
    await page.locator('.kt-drop').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByText('Chosen: agreements.sample.csv').waitFor();
    // The bar's value comes from the event stream: sample each value it shows.
    await page.evaluate(() => {
      window.__bars = [];
      new MutationObserver(() => {
        const bar = document.querySelector('#import-progress');
        if (bar) window.__bars.push(bar.getAttribute('aria-valuetext'));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Load the file' }).click();
    await page.getByRole('heading', { level: 3, name: 'Report' }).waitFor({ timeout: 60_000 });
    const bars = await page.evaluate(() => window.__bars);
    assert.ok(bars.some((b) => /^Done: \d+ rows? read\.$/.test(b)), `the bar ends with the stream's final event: ${JSON.stringify(bars)}`);

    const expected = plantedRows(text);
    assert.ok(expected.length >= 3, 'the sample plants bad rows');
    const rejected = page.getByRole('table', { name: /^Rejected rows/ });
    await rejected.waitFor();
    const rows = await rejected.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ line: Number(tr.cells[0].textContent), column: tr.cells[1].textContent, message: tr.cells[2].textContent })),
    );
    for (const want of expected) {
      const got = rows.find((r) => r.line === want.line);
      assert.ok(got, `line ${want.line} (${want.why}) is reported: ${JSON.stringify(rows)}`);
      assert.equal(got.column, want.column, `line ${want.line} names its column`);
      assert.ok(got.message.length > 10, `line ${want.line} says what is wrong`);
    }
    const stat = async (label) =>
      Number((await page.getByRole('list', { name: 'What the file did' }).locator('li', { hasText: label }).locator('.kt-stat__value').textContent()).replace(/\D/g, ''));
    const dataRows = text.trim().split('\n').length - 1;
    assert.equal(await stat('Rows read'), dataRows);
    assert.equal(await stat('Rows rejected'), rows.length);
    assert.equal((await stat('Agreements added')) + (await stat('Updated')) + (await stat('Unchanged')), dataRows - rows.length);
    await screen(page, 'import report', 'financier-import-report');

    // The same file again, through the file button: every good row is unchanged.
    await page.getByLabel('Agreements file').setInputFiles(SAMPLE);
    await page.getByRole('button', { name: 'Load the file' }).click();
    await page.waitForFunction(() => document.querySelector('.kt-import-result') === null);
    await page.getByRole('heading', { level: 3, name: 'Report' }).waitFor({ timeout: 60_000 });
    assert.equal(await stat('Agreements added'), 0);
    assert.equal(await stat('Updated'), 0);
    assert.equal(await stat('Unchanged'), dataRows - rows.length);

    // A file that is not an agreements file is refused as a whole, with the reason by the picker.
    await page.getByLabel('Agreements file').setInputFiles(fixture('network.csv'));
    await page.getByRole('button', { name: 'Load the file' }).click();
    await page.locator('.kt-drop__error').getByText(/The header row is not the agreements template's.*Nothing was changed\./).waitFor();
    await axe(page, 'import refused');
    await shot(page, 'financier-import-refused');

    // The three loads are listed; each report has its own page.
    const past = page.getByRole('table', { name: 'Past loads, newest first' });
    await past.locator('tbody tr').nth(2).waitFor();
    await past.locator('tbody tr').first().getByText('Refused').waitFor();
    await past.getByRole('link', { name: 'agreements.sample.csv' }).first().click();
    await h1(page, 'Load of agreements.sample.csv');
    await page.getByRole('table', { name: /^Rejected rows/ }).waitFor();
    importURL = page.url();
    await axe(page, 'import report page');
    assert.deepEqual(problems, []);
  });

  it('takes a campaign from draft to live, with an approver who is not its author', async () => {
    const marketer = await theMarketer();
    const page = marketer.page;

    // A draft with a name and dates.
    await nav(page, 'Campaigns');
    await h1(page, 'Campaigns');
    await screen(page, 'campaign list', 'financier-campaigns');
    const today = isoDay(0);
    await page.getByLabel('Campaign name').fill(CAMPAIGN);
    await page.getByLabel('Start date').fill(today);
    await page.getByLabel('End date').fill(isoDay(120));
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await h1(page, CAMPAIGN);
    campaignURL = new URL(page.url());
    campaignID = campaignURL.searchParams.get('id');
    assert.match(campaignID, /^\d+$/);

    // The audience: the live count and the sample follow the rules.
    await page.getByRole('heading', { level: 2, name: 'Audience' }).waitFor();
    await page.getByLabel('From (months from today)').fill('0');
    await page.getByLabel('To (months from today)').fill('12');
    const live = page.locator('.kt-audience__live .kt-count');
    await page.waitForFunction(() => /\d customers?$/.test(document.querySelector('.kt-audience__live .kt-count')?.textContent ?? ''));
    const wide = Number((await live.textContent()).replace(/\D/g, ''));
    assert.ok(wide > 0, 'some customers match');
    await page.getByRole('table', { name: 'Left out, in order' }).waitFor();
    await page.getByRole('region', { name: 'Sample customers' }).locator('tbody tr').first().waitFor();
    assert.ok((await page.getByRole('region', { name: 'Sample customers' }).locator('tbody tr').count()) <= 20);
    await page.getByLabel('Hire purchase').check();
    await page.getByLabel('PCP').check();
    await page.waitForFunction(
      (before) => {
        const t = document.querySelector('.kt-audience__live .kt-count')?.textContent ?? '';
        return /\d customers?$/.test(t) && Number(t.replace(/\D/g, '')) !== before && document.querySelector('.kt-audience__live [role=status]')?.textContent !== 'Counting…';
      },
      wide,
    ).catch(() => {});
    await page.getByRole('button', { name: 'Save the audience rules' }).click();
    await page.getByText('The audience rules are saved.').waitFor();
    await page.getByLabel('Customer reference').fill('DEMO-0001');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByText(/DEMO-0001 is (not )?in/).waitFor();
    await screen(page, 'audience builder', 'financier-campaign-audience');

    // Two offers; the engine's refusal shows beside the offer first.
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Offers' }).click();
    await page.getByRole('heading', { level: 2, name: 'Offers' }).waitFor();
    await page.getByRole('button', { name: 'Add an offer' }).click();
    await fillOffer(page, {
      make: 'Ford',
      model: 'Puma',
      derivative: '1.0 EcoBoost Titanium',
      product: 'pcp',
      cash: '24,995',
      terms: '37, 49',
      contribution: '1,000',
      gfv: ['37', '10000', '12,500'],
      excess: '8',
      deposit: '2,500',
      payments: '36',
      mileage: '10000',
      apr: '6.9',
      share: '51',
      source: 'Last quarter: 2,340 new agreements',
      from: today,
      to: isoDay(180),
      small: 'Finance subject to status. Over 18s only.',
    });
    await page.getByLabel('Advertised monthly payment (optional) (£)').fill('299');
    const refusal = page.getByText('The finance engine refuses this example');
    await refusal.waitFor();
    await axe(page, 'offer editor with a refusal');
    await shot(page, 'financier-offer-refused');
    await page.getByLabel('Advertised monthly payment (optional) (£)').fill('');
    await refusal.waitFor({ state: 'detached' });
    const preview = page.getByRole('complementary', { name: 'As the customer will see it' });
    await preview.getByRole('heading', { name: 'Representative example: personal contract purchase' }).waitFor();
    await preview.getByText('£1,000.00 deposit contribution').waitFor();
    await checkProminence(page, preview);
    await screen(page, 'offer editor', 'financier-offer-editor');
    await page.getByRole('button', { name: 'Add the offer' }).click();
    await page.getByText('The Ford Puma offer is saved.').waitFor();

    await page.getByRole('button', { name: 'Add an offer' }).click();
    await fillOffer(page, kiaSportageHP(today));
    await preview.getByRole('heading', { name: 'Representative example: hire purchase' }).waitFor();
    await page.getByRole('button', { name: 'Add the offer' }).click();
    await page.getByText('The Kia Sportage offer is saved.').waitFor();
    await page.locator('[data-offer-card]').nth(1).waitFor();
    assert.equal(await page.locator('[data-offer-card]').count(), 2);
    await screen(page, 'offers', 'financier-campaign-offers');

    // A four-step journey. A cost figure in push text is explained, then refused.
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Journey' }).click();
    await page.getByRole('heading', { level: 2, name: 'Journey' }).waitFor();
    const steps = [
      { days: '270', channel: 'push', title: 'Your {model} agreement', body: 'It ends in {months_left} months. See what you can do next.' },
      { days: '180', channel: 'email', subject: 'Your options for your {model}', body: 'Hello {first_name},\nYour agreement ends on {end_date}. See your options in the app.' },
      { days: '90', channel: 'push', title: 'Time to choose', body: 'Your {make} {model} agreement ends on {end_date}.' },
      { days: '30', channel: 'push', title: '{dealer_name} can help', body: 'Book a visit to talk about your next car.' },
    ];
    for (let i = 0; i < steps.length; i++) {
      await page.getByRole('button', { name: 'Add a step' }).click();
      const card = page.locator('article.kt-step').nth(i);
      const st = steps[i];
      await card.getByLabel('Days').fill(st.days);
      if (st.channel === 'email') await card.getByLabel('Channel').selectOption('email');
      if (st.title) await card.getByLabel('Title').fill(st.title);
      if (st.subject) await card.getByLabel('Subject').fill(st.subject);
      await card.getByLabel(st.channel === 'email' ? 'Email text' : 'Text', { exact: true }).fill(st.body);
    }
    const first = page.locator('article.kt-step').first();
    await first.getByLabel('Title').fill('New Puma from £199 per month');
    await first.getByText('Saving will be refused').waitFor();
    await first.getByText(/CONC 3\.5/).first().waitFor();
    await page.getByRole('button', { name: 'Save the journey' }).click();
    await page.getByRole('heading', { name: 'The journey cannot be saved yet' }).waitFor();
    await page.getByRole('alert').getByText(/^Step 1: .*RULES C6/).first().waitFor();
    await axe(page, 'journey refused');
    await shot(page, 'financier-journey-refused');
    await first.getByLabel('Title').fill(steps[0].title);
    await page.getByRole('button', { name: 'Save the journey' }).click();
    await page.getByText('The journey is saved: 4 steps.').waitFor();
    for (const i of [0, 1]) {
      const card = page.locator('article.kt-step').nth(i);
      await card.getByRole('button', { name: /Preview on a phone/ }).click();
      await card.locator('figure.kt-phone').waitFor();
    }
    await page.locator('article.kt-step').nth(0).getByText(/ agreement$/).first().waitFor();
    await screen(page, 'journey editor', 'financier-campaign-journey');

    // Submit; the author is told why they cannot approve.
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByText('Submitted: a compliance approver will review it.').waitFor();
    await page.getByText('Waiting for approval', { exact: true }).first().waitFor();
    await screen(page, 'campaign overview', 'financier-campaign-overview');
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Approval' }).click();
    await page.getByText('You cannot approve this campaign').waitFor();
    await page.getByText(/Only a compliance approver can approve or reject a campaign, and never one they wrote, changed or submitted/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve the campaign' }).count(), 0);

    // The approver checks the list and approves.
    approver = await person();
    const ap = approver.page;
    await ap.goto(server.links['compliance approver'].url);
    await ap.getByText('Signed in as').waitFor();
    assert.deepEqual(await navItems(ap), ['Overview', 'Campaigns', 'Dealer network', 'Audit log', 'Security']);
    await nav(ap, 'Campaigns');
    await ap.getByRole('link', { name: CAMPAIGN }).click();
    await h1(ap, CAMPAIGN);
    await ap.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Approval' }).click();
    await ap.getByText('Every check passes.').waitFor();
    assert.equal(await ap.getByText('Reconciles', { exact: true }).count(), 2);
    await ap.getByRole('table', { name: 'From the rules to the audience' }).waitFor();
    await screen(ap, 'approval checklist', 'financier-campaign-approval');

    // First it goes back with a reason, which the author sees; then it is submitted again.
    await ap.getByRole('button', { name: 'Reject the campaign' }).click();
    await ap.getByText('Say what must change before you can approve it.').waitFor();
    await ap.getByLabel('Or reject it, with what must change').fill('Add the mileage terms to the Puma’s small print.');
    await ap.getByRole('button', { name: 'Reject the campaign' }).click();
    await ap.getByText('Draft', { exact: true }).first().waitFor();
    await ap.getByText('You cannot approve this campaign').waitFor();
    await page.reload();
    await h1(page, CAMPAIGN);
    await page.getByText('Last rejected because').waitFor();
    await page.getByText('Add the mileage terms to the Puma’s small print.').waitFor();
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByText('The approver sent it back').waitFor();
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.getByText('Submitted: a compliance approver will review it.').waitFor();
    await ap.reload();
    await h1(ap, CAMPAIGN);
    await ap.getByText('Every check passes.').waitFor();
    await ap.getByRole('button', { name: 'Approve the campaign' }).click();
    await ap.getByText('Approved', { exact: true }).first().waitFor();
    assert.deepEqual(approver.problems, []);

    // The marketer launches it; matching customers are enrolled.
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Overview' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Launch the campaign' }).click();
    await page.getByText('The campaign is live. Customers are being enrolled.').waitFor();
    const enrolled = page.getByRole('list', { name: 'This campaign' }).locator('li', { hasText: 'Enrolled' }).locator('.kt-stat__value');
    const deadline = Date.now() + 60_000;
    while (Number((await enrolled.textContent()).replace(/\D/g, '')) === 0) {
      assert.ok(Date.now() < deadline, 'customers are enrolled within a minute of launch');
      await page.waitForTimeout(1000);
      await page.reload();
      await h1(page, CAMPAIGN);
    }
    await page.getByRole('table', { name: /^(The first \d+ of|All) / }).waitFor();
    await screen(page, 'live campaign', 'financier-campaign-live');

    // Paused and live again, as approved.
    await page.getByRole('button', { name: 'Pause the campaign' }).click();
    await page.getByText('The campaign is paused.').waitFor();
    await page.getByRole('button', { name: 'Launch again' }).click();
    await page.getByText('The campaign is live again.').waitFor();
    assert.deepEqual(marketer.problems, []);
  });

  it('shows each step in the audit log, filtered and exported', async () => {
    assert.ok(admin && approver && campaignID, 'the journey above ran');
    const { page, problems } = admin;
    await nav(page, 'Audit log');
    await h1(page, 'Audit log');
    await page.getByRole('table', { name: 'Audit log entries, newest first' }).waitFor();
    await screen(page, 'audit log', 'financier-audit');

    // This campaign's trail, oldest step last.
    await page.getByLabel('What', { exact: true }).selectOption('campaign.*');
    await page.getByLabel('On', { exact: true }).selectOption('campaign');
    await page.getByLabel('Its number (optional)').fill(campaignID);
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page.waitForURL(/\/financier\/audit\?action=campaign\.\*&object_type=campaign&object_id=\d+/);
    const table = page.getByRole('table', { name: 'Audit log entries, newest first' });
    await table.locator('tbody tr').first().waitFor();
    const actions = await table.locator('.kt-audit__code').allTextContents();
    for (const want of [
      'campaign.created',
      'campaign.updated',
      'campaign.offer_added',
      'campaign.journey_updated',
      'campaign.submitted',
      'campaign.rejected',
      'campaign.approved',
      'campaign.launched',
      'campaign.paused',
    ]) {
      assert.ok(actions.includes(want), `${want} is in the trail: ${actions}`);
    }
    assert.equal(actions.at(-1), 'campaign.created', 'newest first, so the creation is last');
    // The approval records the approver and each offer's representative APR and basis (RULES C5).
    const approved = table.locator('tr', { has: page.getByText('campaign.approved', { exact: true }) });
    await approved.getByText(/^approver_id: – → \d+$/).waitFor();
    assert.equal(await approved.getByText(/representative_apr: – → apr: 6\.9; basis\.share_percent: 51; basis\.source: /).count(), 1);
    await screen(page, 'audit log filtered', 'financier-audit-campaign');

    // The same filters as CSV, every cell safe to open in a spreadsheet.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download these entries (CSV)' }).click(),
    ]);
    assert.equal(csv.suggestedFilename(), 'audit-log.csv');
    const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
    assert.match(lines[0], /^at,actor_kind,actor_id,actor_name,action,object_type,object_id,fields,changes,ip,request_id/);
    assert.equal(lines.length - 1, actions.length, 'the export has the rows the page shows');

    // The loads of the sample file.
    await page.getByRole('link', { name: 'Clear the filters' }).click();
    await page.getByLabel('What', { exact: true }).selectOption('agreements.*');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await table.getByText('Agreements file loaded').nth(1).waitFor();

    // The approver reads the log too; the marketer has no link to it.
    await nav(approver.page, 'Audit log');
    await h1(approver.page, 'Audit log');
    await approver.page.getByRole('table', { name: 'Audit log entries, newest first' }).waitFor();
    const marketer = await theMarketer();
    assert.equal(await marketer.page.getByRole('link', { name: 'Audit log' }).count(), 0);
    await marketer.page.goto(`${server.baseURL}/financier/audit`);
    await h1(marketer.page, 'Page not found');
    assert.deepEqual(problems, []);
  });

  it('shows a demo-ie marketer none of the demo financier’s campaigns or loads', async () => {
    assert.ok(campaignURL && importURL, 'the journey above ran');
    const { page, problems } = await person();
    await signInByReset(page, server, 'marketer.ie@demo.keyturn.test');
    await nav(page, 'Campaigns');
    await h1(page, 'Campaigns');
    await page.getByRole('heading', { level: 2, name: 'Your campaigns' }).waitFor();
    await page.getByText('No campaigns yet.').waitFor();
    assert.equal(await page.getByRole('link', { name: CAMPAIGN }).count(), 0);

    // Its address, pasted in, is not found (the API answers 404, not 403).
    const notFound = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/') && r.status() === 404) notFound.push(new URL(r.url()).pathname);
    });
    await page.goto(campaignURL.href);
    await h1(page, 'Campaign not found');
    await page.getByText('There is no such campaign.').waitFor();
    await page.goto(`${campaignURL.href.split('&')[0]}&tab=approval`);
    await h1(page, 'Campaign not found');
    await page.goto(importURL);
    await page.getByText('There is no such load.').waitFor();
    assert.ok(notFound.includes(`/api/v1/campaigns/${campaignID}`), `404s: ${notFound}`);
    assert.ok(notFound.some((p) => /^\/api\/v1\/imports\/\d+$/.test(p)), `404s: ${notFound}`);
    await nav(page, 'Load agreements');
    await page.getByRole('heading', { level: 2, name: 'Past loads' }).waitFor();
    await page.getByText('No files loaded yet.').waitFor();
    await axe(page, 'demo-ie imports');
    assert.deepEqual(problems, []);
  });

  it('shows the network read-only to a marketer', async () => {
    const { page, problems } = await theMarketer();
    await nav(page, 'Dealer network');
    await h1(page, 'Dealer network');
    await page.getByRole('heading', { level: 3, name: /Kestrel Motor Group/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add a showroom' }).count(), 0);
    await axe(page, 'dealer network, read only');
    assert.deepEqual(problems, []);
  });

  it('uploads an offer’s image, video and captions, shows them, and keeps them', async () => {
    const { page, problems } = await theMarketer();
    const name = 'Spring media 2027';
    await nav(page, 'Campaigns');
    await h1(page, 'Campaigns');
    await page.getByLabel('Campaign name').fill(name);
    await page.getByLabel('Start date').fill(isoDay(0));
    await page.getByLabel('End date').fill(isoDay(120));
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await h1(page, name);
    await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Offers' }).click();
    await page.getByRole('button', { name: 'Add an offer' }).click();
    await fillOffer(page, kiaSportageHP(isoDay(0)));
    const imageURL = page.locator('#of-vehicle-image_url');
    const videoURL = page.locator('#of-vehicle-video_url');
    const captionsURL = page.locator('#of-vehicle-captions_url');
    // Each progress bar shown, as the screen reader reads it.
    await page.evaluate(() => {
      window.__mediaBars = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('.kt-media progress')) window.__mediaBars.push(`${bar.id}: ${bar.getAttribute('aria-valuetext')}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });

    // A text file named .png is refused by its bytes; the server's reason is the field's error, read out too.
    await page.getByLabel('Upload an image').setInputFiles(fixture('not-an-image.png'));
    const imageError = page.locator('#of-vehicle-image_url-error');
    await imageError.waitFor();
    assert.ok((await imageError.textContent()).replace(/^Error: /, '').length > 10, 'the refusal says why');
    await page.locator('.kt-media[data-media=image] [role=status]').getByText(/^Error: not-an-image\.png was not uploaded\./).waitFor();
    assert.equal(await imageError.getAttribute('id'), 'of-vehicle-image_url-error');
    assert.match(await page.getByLabel('Upload an image').getAttribute('aria-describedby'), /of-vehicle-image_url-error/);
    assert.equal(await page.locator('.kt-media__thumb').count(), 0);
    assert.equal(await imageURL.inputValue(), '');
    await axe(page, 'offer editor, upload refused');

    // A PNG: the field holds its /media/ address and the thumbnail shows, named by the car.
    await page.getByLabel('Upload an image').setInputFiles(fixture('offer-car.png'));
    const thumb = page.getByRole('img', { name: 'Kia Sportage' });
    await thumb.waitFor();
    const src = await thumb.getAttribute('src');
    assert.match(src, /^\/media\/[\w.-]+$/);
    assert.equal(await imageURL.inputValue(), src);
    await page.waitForFunction(() => document.querySelector('.kt-media__thumb')?.naturalWidth === 80, null, { timeout: 10_000 });
    assert.equal(await imageError.count(), 0, 'a good upload clears the refusal');
    await page.locator('.kt-media[data-media=image]').getByText('offer-car.png', { exact: true }).waitFor();

    // Captions, then a video: the player carries the captions as a track.
    await page.getByLabel('Upload captions').setInputFiles(fixture('offer-captions.vtt'));
    await page.getByText('Captions file:').getByText('offer-captions.vtt').waitFor();
    const captions = await captionsURL.inputValue();
    assert.match(captions, /^\/media\/[\w.-]+$/);
    // The video goes up at 1 MiB/s, so its progress bar has time to count.
    const throttle = await page.context().newCDPSession(page);
    await throttle.send('Network.enable');
    await throttle.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const videoBytes = Buffer.concat([readFileSync(fixture('offer-video.mp4')), Buffer.alloc(3 * 1024 * 1024)]);
    await page.getByLabel('Upload a video').setInputFiles({ name: 'offer-video.mp4', mimeType: 'video/mp4', buffer: videoBytes });
    const track = page.locator('video.kt-media__video[controls] > track[kind=captions]');
    await track.waitFor({ state: 'attached', timeout: 60_000 });
    await throttle.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await throttle.detach();
    assert.equal(await track.getAttribute('src'), captions);
    const video = await videoURL.inputValue();
    assert.match(video, /^\/media\/[\w.-]+$/);
    assert.equal(await page.locator('video.kt-media__video').getAttribute('src'), video);
    const bars = await page.evaluate(() => window.__mediaBars);
    assert.ok(
      bars.some((b) => /^of-vehicle-video_url-progress: .+ of .+ sent \([1-9]\d?%\)$/.test(b)),
      `the video's bar showed a part sent: ${JSON.stringify([...new Set(bars)])}`,
    );

    // The uploaded files are served from the same origin, as stored.
    const served = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('Content-Type'), text: await r.text() };
    }, captions);
    assert.equal(served.status, 200);
    assert.match(served.text, /^WEBVTT/);

    await screen(page, 'offer editor with media', 'financier-offer-media');
    await page.setViewportSize({ width: 360, height: 800 });
    await shot(page, 'financier-offer-media-360');
    await page.setViewportSize(MOBILE);

    // Saved, and still there after a reload.
    await page.getByRole('button', { name: 'Add the offer' }).click();
    await page.getByText('The Kia Sportage offer is saved.').waitFor();
    await page.reload();
    await h1(page, name);
    await page.getByRole('button', { name: 'Edit the Kia Sportage offer' }).click();
    assert.equal(await imageURL.inputValue(), src);
    assert.equal(await videoURL.inputValue(), video);
    assert.equal(await captionsURL.inputValue(), captions);
    await page.getByRole('img', { name: 'Kia Sportage' }).waitFor();
    await page.waitForFunction(() => document.querySelector('.kt-media__thumb')?.naturalWidth === 80, null, { timeout: 10_000 });
    assert.equal(await page.locator('video.kt-media__video > track[kind=captions]').getAttribute('src'), captions);

    // An earlier upload is chosen again instead of sent again; the refused file is not among them.
    await imageURL.fill('');
    await page.locator('.kt-media__thumb').waitFor({ state: 'detached' });
    const imageField = page.locator('.kt-media[data-media=image]');
    await imageField.getByRole('button', { name: 'Choose an earlier upload' }).click();
    await imageField.getByRole('button', { name: /^Use offer-car\.png/ }).first().waitFor();
    assert.equal(await imageField.getByRole('button', { name: /not-an-image/ }).count(), 0);
    await axe(page, 'offer editor, earlier uploads');
    await imageField.getByRole('button', { name: /^Use offer-car\.png/ }).first().click();
    assert.equal(await imageURL.inputValue(), src);
    await page.getByRole('img', { name: 'Kia Sportage' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Choose an earlier upload');
    assert.deepEqual(problems, []);
  });
});
