import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp } from './support/test-server.js';

const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../screenshots/live-auction.png', import.meta.url));
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
// Skipped only on a developer machine without Chromium; in CI a missing browser fails the run.
const canRun = existsSync(CHROMIUM) || inCi;
if (!canRun)
  console.warn(
    `[server] SKIPPING the browser test: no Chromium at ${CHROMIUM} (apt install chromium, or set CHROME_PATH).`,
  );

type App = Awaited<ReturnType<typeof startTestApp>>;

describe.skipIf(!canRun)('the live auction page in two browsers', () => {
  let app: App;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp('memory');
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  async function openAs(userId: string, auctionId: string, title = 'First-edition Dune, signed'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[${userId}] page error: ${error.message}`));
    await page.goto(`${base}/#/auction/${auctionId}`);
    await page.locator('#connection.live').waitFor();
    await page.fill('#login-name', userId);
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('#whoami-name')).toBe(userId);
    await expect.poll(() => page.textContent('#room-title')).toBe(title);
    return page;
  }

  async function bid(page: Page, amount: string): Promise<string> {
    await page.fill('#bid-amount', amount);
    await page.click('#bid-submit');
    await page.locator('#bid-message:not([hidden])').waitFor();
    await expect.poll(() => page.locator('#bid-submit').isDisabled()).toBe(false);
    return (await page.textContent('#bid-message')) ?? '';
  }

  it('shows each bid to the other live, the outbid notice and the soft-close extension', async () => {
    const seller = await signIn(app, 'sam');
    const created = await seller.request({
      method: 'POST',
      url: '/auctions',
      payload: {
        title: 'First-edition Dune, signed',
        currency: 'USD',
        startingPrice: 1_000,
        reservePrice: 2_500,
        endsAt: Date.now() + 25_000,
        // Every bid that moves the price or the leader in the last minute adds 15 s.
        softClose: { windowMs: 60_000, extendMs: 15_000, mode: 'add' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const auctionId = (created.json() as { id: string }).id;

    const alice = await openAs('alice', auctionId);
    const bob = await openAs('bob', auctionId);

    // Alice bids: accepted, leading; Bob sees her lead, her row in the history and the extension.
    expect(await bid(alice, '20.00')).toContain('you lead');
    await expect.poll(() => bob.textContent('#room-leader')).toBe('alice');
    await expect.poll(() => bob.textContent('#room-price')).toBe('$10.00');
    await expect.poll(() => bob.textContent('#history')).toContain('alice bid');
    await expect.poll(() => bob.locator('#room-extended').isVisible()).toBe(true);
    expect(await bob.textContent('#room-extended')).toContain('Extended');

    // A bid below the minimum gets a clear message.
    expect(await bid(bob, '5.00')).toContain('Too low');

    // Bob outbids her: Alice gets the outbid notice, sees Bob lead and the end move again.
    const before = await alice.textContent('#room-countdown');
    expect(await bid(bob, '30.00')).toContain('you lead');
    await expect.poll(() => alice.locator('#outbid').isVisible()).toBe(true);
    expect(await alice.textContent('#outbid')).toContain('outbid');
    await expect.poll(() => alice.textContent('#room-leader')).toBe('bob');
    await expect.poll(() => alice.textContent('#history')).toContain('bob bid');
    await expect.poll(() => alice.textContent('#room-extensions')).toContain('extended 2×');
    await expect.poll(() => alice.textContent('#room-reserve')).toBe('reserve met');
    expect(before).not.toBeNull();

    // Alice comes back above Bob: Bob is outbid in turn, live.
    expect(await bid(alice, '45.00')).toContain('you lead');
    await expect.poll(() => bob.locator('#outbid').isVisible()).toBe(true);
    await expect.poll(() => bob.textContent('#room-leader')).toBe('alice');

    // The list shows live prices too.
    await expect.poll(() => bob.textContent(`[data-auction-id="${auctionId}"] .item-price`)).toBe('$31.00');

    // Bob, outbid, looks at the room: the screenshot the README shows.
    mkdirSync(fileURLToPath(new URL('../screenshots/', import.meta.url)), { recursive: true });
    await bob.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('shows usernames and titles as text, never as HTML', async () => {
    const sellerName = '<img src=x onerror="window.pwned=1">';
    const title = '<b id="injected">Bold</b><script>window.pwned=2</script> & “quotes”';
    const bidderName = '"><svg onload="window.pwned=3"></svg>';
    const rivalName = '<iframe srcdoc="<script>parent.pwned=4</script>">';
    const seller = await signIn(app, sellerName);
    const created = await seller.request({
      method: 'POST',
      url: '/auctions',
      payload: { title, currency: 'USD', startingPrice: 500, endsAt: Date.now() + 60_000 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const auctionId = (created.json() as { id: string }).id;
    const page = await openAs(bidderName, auctionId, title);
    expect(await bid(page, '9.00')).toContain('you lead');
    const rival = await signIn(app, rivalName);
    await rival.request({ method: 'POST', url: `/auctions/${auctionId}/bids`, payload: { amount: 2_000 } });
    await expect.poll(() => page.locator('#outbid').isVisible()).toBe(true);

    expect(await page.textContent('#whoami-name')).toBe(bidderName);
    expect(await page.textContent('#room-seller')).toBe(`seller: ${sellerName}`);
    expect(await page.textContent('#outbid')).toContain(`“${title}”`);
    await expect.poll(() => page.textContent('#room-leader')).toBe(rivalName);
    await expect.poll(() => page.textContent('#history')).toContain(`${rivalName} bid`);
    expect(await page.textContent(`[data-auction-id="${auctionId}"] .item-title`)).toBe(title);
    // Nothing of the names or the title became an element, and no script of theirs ran.
    const injected = await page.evaluate(() => {
      const scope = globalThis as unknown as {
        document: { querySelectorAll(selector: string): { length: number } };
        pwned?: number;
      };
      return {
        elements: scope.document.querySelectorAll('#injected, img[src="x"], svg, iframe, main script').length,
        pwned: scope.pwned ?? null,
      };
    });
    expect(injected).toEqual({ elements: 0, pwned: null });
  });

  it('shows the result when the auction closes', async () => {
    const seller = await signIn(app, 'sam');
    const created = await seller.request({
      method: 'POST',
      url: '/auctions',
      payload: { title: 'First-edition Dune, signed', currency: 'USD', startingPrice: 500, endsAt: Date.now() + 2_500 },
    });
    const auctionId = (created.json() as { id: string }).id;
    const carol = await openAs('carol', auctionId);
    expect(await bid(carol, '7.50')).toContain('you lead');
    await expect.poll(() => carol.textContent('#room-result'), { timeout: 10_000 }).toBe('You won at $5.00!');
    await expect.poll(() => carol.locator('#bid-form').isVisible()).toBe(false);
  });
});
