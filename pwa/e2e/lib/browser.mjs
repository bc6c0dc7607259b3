// What the browser tests share: how to start Debian's chromium, axe-core,
// screenshots, and the checks every screen must pass.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const outputDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'output');

export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

/**
 * launch opens chromium with a persistent profile: Chrome reports every
 * incognito (non-persistent) context as not installable.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'keyturn-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...launchOptions,
    viewport: MOBILE,
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * watch records what a page complains about: CSP violations, script
 * errors and failed console errors, so a test can require none.
 */
export function watch(page) {
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

/** h1 waits for the page's h1 to read text (a string or a RegExp). */
export async function h1(page, text) {
  const heading = page.getByRole('heading', { level: 1, name: text });
  await heading.waitFor();
  return heading;
}

/**
 * axe runs axe-core with the WCAG 2.0–2.2 A and AA tags (wcag22aa turns on
 * target-size, WCAG 2.5.8) and fails on any violation. The script goes in
 * through the DevTools protocol, which the page's CSP does not govern.
 */
export async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }),
  );
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
  assert.deepEqual(violations, [], `axe violations on ${label}:\n${JSON.stringify(violations, null, 2)}`);
}

/** shot saves a screenshot under e2e/output/. */
export async function shot(page, name) {
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

/**
 * helpIsConsistent checks WCAG 3.2.6: "Talk to a person" is the third stop
 * in the tab order (after the skip link and the app name) on every screen.
 */
export async function helpIsConsistent(page, label) {
  const stops = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => !el.hasAttribute('disabled'))
      .slice(0, 3)
      .map((el) => el.textContent.trim()),
  );
  assert.equal(stops[0], 'Skip to main content', `${label}: first stop`);
  assert.equal(stops[2], 'Talk to a person', `${label}: help link is not the third stop: ${JSON.stringify(stops)}`);
}

/**
 * focusNeverHidden tabs through the page and checks that each focused
 * element is the topmost element at the centre of its visible part (WCAG
 * 2.4.11: nothing sticky covers it).
 */
export async function focusNeverHidden(page, label, maxStops = 25) {
  await page.evaluate(() => document.activeElement?.blur?.());
  await page.evaluate(() => window.scrollTo(0, 0));
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { done: true };
      // The part of the element on screen: a link that wraps has a box per
      // line, and a region taller than the window shows only part of itself.
      // The centre of the first visible piece must be the element's own.
      const vw = document.documentElement.clientWidth;
      const vh = window.innerHeight;
      for (const box of el.getClientRects()) {
        const left = Math.max(box.left, 0);
        const right = Math.min(box.right, vw);
        const top = Math.max(box.top, 0);
        const bottom = Math.min(box.bottom, vh);
        if (right <= left || bottom <= top) continue;
        const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
        return { done: false, ok: hit !== null && (el === hit || el.contains(hit)), what: el.outerHTML.slice(0, 120) };
      }
      return { done: false, ok: false, what: `off screen: ${el.outerHTML.slice(0, 100)}` };
    });
    if (r.done) return;
    assert.ok(r.ok, `${label}: focused element is covered: ${r.what}`);
  }
}

/** cdp runs one DevTools protocol command on a page. */
export async function cdp(page, method, params = {}) {
  const session = await page.context().newCDPSession(page);
  try {
    return await session.send(method, params);
  } finally {
    await session.detach();
  }
}

/** installable checks Chrome's own install criteria and the manifest it parsed. */
export async function installable(page, want) {
  const { installabilityErrors } = await cdp(page, 'Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], `installability errors on ${page.url()}`);
  const manifest = await cdp(page, 'Page.getAppManifest');
  assert.deepEqual(manifest.errors, [], `manifest errors on ${page.url()}`);
  assert.ok(manifest.url.endsWith(want.manifest), `manifest url ${manifest.url}`);
  const parsed = JSON.parse(manifest.data);
  for (const key of ['name', 'short_name', 'id', 'start_url', 'scope', 'display', 'theme_color', 'background_color', 'icons']) {
    assert.ok(parsed[key], `manifest ${want.manifest} lacks ${key}`);
  }
  assert.equal(parsed.scope, want.scope);
  assert.equal(parsed.start_url, want.scope);
  assert.equal(parsed.display, 'standalone');
  const sizes = parsed.icons.map((i) => `${i.sizes}/${i.purpose ?? 'any'}`);
  for (const need of ['192x192/any', '512x512/any', '512x512/maskable']) {
    assert.ok(sizes.includes(need), `manifest ${want.manifest} lacks icon ${need}`);
  }
}

/** workerReady waits for the page's service worker and answers its script URL and scope. */
export async function workerReady(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return { script: reg.active?.scriptURL ?? '', scope: reg.scope };
  });
}

/**
 * reflows checks that nothing scrolls sideways on a phone (390 px) nor at
 * 320 CSS px (WCAG 1.4.10: a 1280 px screen at 400%, a small phone at 200%).
 */
export async function reflows(page, label) {
  const before = page.viewportSize();
  try {
    for (const width of [MOBILE.width, 320]) {
      await page.setViewportSize({ width, height: 640 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${label}: scrolls sideways by ${overflow}px at ${width} px wide`);
    }
  } finally {
    await page.setViewportSize(before);
  }
}
