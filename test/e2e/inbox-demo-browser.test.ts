import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { startSettingsDemo, type SettingsDemo } from '../../services/settings-demo/src/settings-demo.ts';
import type { TrafficRecord } from '../../services/settings-demo/src/demo-traffic.ts';
import { withCheckDigit } from '../support/card-numbers.ts';
import { freePort } from '../support/free-port.ts';
import { openWithNodeJose, registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';
import { FUTURE_YEAR, newUser, startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * Issue 23's seed flow in a real browser (Debian's Chromium, playwright-core), against a real test vault: the dev
 * demo's inbox shows a partner-signed invoice; "Review and pay" has the demo backend (the payment flow, own mTLS
 * certificate) open a payment session and hand the page only its client secret; the page mounts the vault's pay
 * form; a sentinel security code is typed into the frame; on "paid" the backend reads the token and the reference
 * processor redeems, opens and verifies it, and approves. Recorded: every request and response of the demo backend
 * (its recorder), every request and response of the parent frame and every postMessage payload the parent window
 * received. The sentinel is in none of them: only in the pay frame's confirm request to the vault, and inside the
 * processor's JWE. Screenshots under test-output/inbox-demo/.
 *
 * The sentinel is an American Express 4-digit code, looked for as a whole token (no letter or digit on either side):
 * a 3-digit code would also turn up as a content-length or a frame height, and hex ids contain any digit run.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'test-output', 'inbox-demo');
const SENTINEL = '7294';
const carriesSentinel = (text: string) => new RegExp(`(?<![0-9A-Za-z])${SENTINEL}(?![0-9A-Za-z])`).test(text);

let vault: TestVault;
let demo: SettingsDemo;
let browser: Browser;
const backend: TrafficRecord[] = [];
const user = newUser();
const pan = withCheckDigit(`37${String(randomInt(10 ** 12)).padStart(12, '0')}`);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install chromium (.ci/run does this)');
  mkdirSync(OUTPUT, { recursive: true });
  const port = await freePort();
  vault = await startTestVault({ env: { VAULT_CARD_FORM_ORIGINS: `http://localhost:${port}` } });
  await registerExampleProcessors(vault);
  await registerExamplePartners(vault);
  const added = await vault.addCard(user, { number: pan, expMonth: 9, expYear: FUTURE_YEAR, cardholderName: 'Ina Inbox' });
  expect(added.status, added.text).toBe(201);
  demo = await startSettingsDemo({ vaultInternalUrl: vault.internalUrl, vaultPublicUrl: vault.publicUrl, port, user, record: (r) => void backend.push(r) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await vault?.close();
});

describe('the inbox demo, end to end in Chromium', () => {
  it('pays a signed invoice through the pay form; the code is only in the frame’s confirm and the processor’s JWE', async () => {
    // The vault's example certificate is signed by keys-example's CA, which this browser profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1024, height: 900 } });
    const page: Page = await context.newPage();
    const allRequests: Array<{ fromParent: boolean; url: string; text: string }> = [];
    const parentResponses: Array<Promise<string>> = [];
    context.on('request', (request) => {
      allRequests.push({
        fromParent: request.frame() === page.mainFrame(),
        url: request.url(),
        text: `${request.method()} ${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ''}`,
      });
    });
    page.on('response', (response) => {
      if (response.frame() !== page.mainFrame()) return;
      parentResponses.push(
        response.text().then(
          (body) => `${response.status()} ${response.url()}\n${JSON.stringify(response.headers())}\n${body}`,
          () => `${response.status()} ${response.url()}\n${JSON.stringify(response.headers())}\n(no body)`,
        ),
      );
    });
    // Every message the parent window receives, as the page itself would see it (the top window only).
    await page.addInitScript(() => {
      if (window.top !== window) return;
      const seen: string[] = [];
      (window as unknown as { parentMessages: string[] }).parentMessages = seen;
      window.addEventListener('message', (e) => void seen.push(JSON.stringify({ origin: e.origin, data: e.data })), true);
    });

    await page.goto(`${demo.url}/inbox`);
    await page.locator('#messages button.message').first().click();
    await expect.poll(() => page.locator('#reading .payee').textContent()).toBe('Wide World Importers');
    expect(await page.locator('#reading .amount').textContent()).toBe('€123.45');
    expect(await page.locator('#card option').first().textContent()).toBe(`amex •••• ${pan.slice(-4)} 9/${FUTURE_YEAR}`);
    await page.locator('#review-and-pay').click();

    const pay = page.frameLocator('#pay-slot iframe');
    await pay.locator('#cc-csc').waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => pay.locator('#merchant').textContent(), { timeout: 15_000 }).toBe('Wide World Importers');
    await page.screenshot({ path: path.join(OUTPUT, 'review-and-pay-1024.png'), fullPage: true });
    await pay.locator('#cc-csc').fill(SENTINEL);
    await pay.locator('#pay').click();
    await expect.poll(() => page.locator('#outcome').getAttribute('class'), { timeout: 15_000 }).toBe('approved');
    await page.screenshot({ path: path.join(OUTPUT, 'approved-1024.png'), fullPage: true });
    const invoiceId = (await page.locator('#reading dd').nth(2).textContent())!;
    expect(await page.locator('#outcome').textContent()).toBe(`Approved: amex/diners/jcb •••• ${pan.slice(-4)}, €123.45 to Wide World Importers (invoice ${invoiceId})`);
    const events = await page.evaluate(() => (window as unknown as { inboxEvents: Array<{ kind: string }> }).inboxEvents.map((e) => e.kind));
    expect(events).toEqual(['loaded', 'read', 'ready', 'paid', 'approved']);

    const messages = await page.evaluate(() => (window as unknown as { parentMessages: string[] }).parentMessages);
    const parentTraffic = await Promise.all(parentResponses);
    await context.close();

    // The demo backend: it did the payment flow's and the processor's work…
    const calls = backend.filter((r) => r.leg === 'backend→vault').map((r) => r.text.split('\n')[0]!.replace(/^(\w+) https:\/\/localhost:\d+/, '$1 '));
    expect(calls).toEqual(expect.arrayContaining(['GET /v1/cards', 'POST /v1/payment-sessions', expect.stringMatching(/^GET \/v1\/payment-sessions\/[^/]+$/)]));
    expect(backend.filter((r) => r.leg === 'vault→processor')).toHaveLength(1);
    expect(backend.filter((r) => r.leg === 'backend→browser').some((r) => r.text.includes('"status":"approved"'))).toBe(true);
    // …and received and sent no security code, in any request, response, header or body (nor the card number).
    expect(backend.length).toBeGreaterThan(15);
    expect(backend.filter((r) => carriesSentinel(r.text))).toEqual([]);
    expect(backend.filter((r) => r.text.includes(pan))).toEqual([]);

    // The parent page: its own requests, its responses and every postMessage payload it received.
    const parentRequests = allRequests.filter((r) => r.fromParent);
    expect(parentRequests.map((r) => new URL(r.url).pathname)).toEqual(expect.arrayContaining(['/inbox', '/api/inbox', '/v1/card-form/embed.js', '/api/inbox/messages/' + parentRequests.find((r) => r.url.endsWith('/pay'))!.url.split('/').at(-2) + '/pay']));
    expect(parentRequests.filter((r) => carriesSentinel(r.text))).toEqual([]);
    expect(parentTraffic.length).toBeGreaterThanOrEqual(parentRequests.length - 1);
    expect(parentTraffic.filter(carriesSentinel)).toEqual([]);
    expect(messages.some((m) => JSON.parse(m).data?.type === 'paid')).toBe(true);
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.filter(carriesSentinel)).toEqual([]);

    // Where the code was: once, in the body of the pay frame's confirm request to the vault's public listener…
    const carrying = allRequests.filter((r) => carriesSentinel(r.text));
    expect(carrying.map((r) => [r.fromParent, new URL(r.url).origin, new URL(r.url).pathname])).toEqual([[false, vault.publicUrl, '/v1/payment-sessions/current/confirm']]);
    expect(carrying[0]!.text.split('\n')[2]).toBe(JSON.stringify({ cvc: SENTINEL }));
    // …and inside the JWE the processor redeemed (only the processor's key opens it), which it approved.
    const redemption = JSON.parse(backend.find((r) => r.leg === 'vault→processor')!.text) as { jwe: string };
    const opened = await openWithNodeJose(redemption.jwe, 'xero-payments');
    expect(opened.payload).toMatchObject({ cvc: SENTINEL, invoice: { id: invoiceId, amount: 12_345, currency: 'EUR', partner: 'xero' } });
    expect(typeof opened.payload.invoiceJws).toBe('string');
    // The vault logged no code either.
    expect(vault.logs.filter(carriesSentinel)).toEqual([]);
  }, 90_000);
});
