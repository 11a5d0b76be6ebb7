import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../services/vault/src/card-form/messages.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { mintExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { formatAmount, formatDueDate } from '../../services/vault/src/pay-form/pay-form-formats.ts';
import { PAY_MESSAGES } from '../../services/vault/src/pay-form/pay-form-messages.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { freePort } from '../support/free-port.ts';
import { registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';
import { FUTURE_YEAR, newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * The pay form (issue 23, part 3) in a real browser (Debian's Chromium driven by playwright-core), against a real
 * test vault: a payment session opened by the payment flow for a real card and a partner-signed invoice, the form
 * mounted with the embed SDK's mountPayForm in a small parent page on an allowed origin. What it shows, errors on
 * blur and submit, paying (the parent gets exactly {type:'paid'}), a failed session, 429/503, theming, each locale
 * with axe-core, keyboard only, screenshots under test-output/pay-form/ — and a sentinel security code that appears
 * in no message the parent receives and no request the parent makes, only in the frame's one request to the vault.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'test-output', 'pay-form');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The code typed in every successful payment: looked for in everything the parent saw. */
const SENTINEL = '731';
const MERCHANT = 'Müller & <Söhne> GmbH';

let vault: TestVault;
let parent: http.Server;
let parentUrl: string;
let browser: Browser;
let context: BrowserContext;
/** Every request a page or frame made: the URL, headers and body, and whether the parent's own frame made it. */
const requests: Array<{ url: string; fromParent: boolean; text: string }> = [];

/** The parent page: the embed SDK imported from the vault, every message it receives recorded. */
function parentPage(vaultUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parent</title>
<style>body{margin:0;padding:16px;font-family:sans-serif;background:#f3f4f6} #pay-slot{max-width:480px;background:#fff}</style></head>
<body><main><h1>Review and pay</h1><div id="pay-slot"></div></main>
<script type="module">
import { mountPayForm } from ${JSON.stringify(`${vaultUrl}/v1/card-form/embed.js`)};
window.received = [];
window.outcomes = [];
window.addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
window.mountPay = (sessionSecret, options = {}) => {
  window.form = mountPayForm(document.getElementById('pay-slot'), {
    sessionSecret, ...options,
    onReady: () => window.outcomes.push({ kind: 'ready' }),
    onPaid: (...args) => window.outcomes.push({ kind: 'paid', args }),
    onError: (e) => window.outcomes.push({ kind: 'error', ...e }),
  });
};
window.sdkLoaded = true;
</script></body></html>`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install chromium (.ci/run does this)');
  mkdirSync(OUTPUT, { recursive: true });
  const port = await freePort();
  parentUrl = `http://localhost:${port}`;
  vault = await startTestVault({ env: { VAULT_CARD_FORM_ORIGINS: parentUrl, VAULT_MAX_LIVE_PAYMENT_SESSIONS: '100' } });
  await registerExampleProcessors(vault);
  await registerExamplePartners(vault);
  const html = parentPage(vault.publicUrl);
  parent = http.createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => parent.listen(port, 'localhost', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1024, height: 900 } });
  context.on('request', (request) => {
    const frame = request.frame();
    requests.push({
      url: request.url(),
      fromParent: frame === frame.page().mainFrame(),
      text: `${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ''}`,
    });
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => parent?.close(resolve));
  await vault?.close();
});

let panIndex = Math.floor(Math.random() * 1e8);
const salt = randomBytes(2).readUInt16BE() % 100_000;

/** A new user with a new card, and a payment session for a freshly signed invoice: its client secret. */
async function newSession(invoice: { amount?: number; currency?: string } = {}): Promise<{ secret: string; last4: string; invoiceId: string }> {
  const user = newUser();
  const pan = distinctVisa(panIndex++, salt);
  const added = await vault.addCard(user, visa({ number: pan }));
  expect(added.status, added.text).toBe(201);
  const invoiceId = `INV-${randomBytes(3).toString('hex').toUpperCase()}`;
  const jws = await mintExampleInvoice({ partner: 'xero', invoiceId, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: MERCHANT, dueDate: '2027-01-15', ...invoice });
  const created = await vault.internal('/v1/payment-sessions', { as: 'payment-flow', user, body: { cardId: added.json.id, processorId: 'xero-payments', invoice: jws } });
  expect(created.status, created.text).toBe(201);
  return { secret: created.json.clientSecret, last4: pan.slice(-4), invoiceId };
}

/** Opens the parent page, mounts the pay form for a new session; resolves once the code field shows. */
async function open(options: { locale?: Locale; appearance?: object; width?: number; invoice?: { amount?: number; currency?: string } } = {}) {
  const session = await newSession(options.invoice);
  const page = await context.newPage();
  await page.setViewportSize({ width: options.width ?? 1024, height: 900 });
  await page.goto(parentUrl);
  await page.waitForFunction(() => (window as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);
  await page.evaluate(([secret, opts]) => (window as unknown as { mountPay(s: string, o: object): void }).mountPay(secret, opts), [session.secret, { locale: options.locale, appearance: options.appearance }] as const);
  await form(page).locator('#cc-csc').waitFor({ state: 'visible', timeout: 15_000 });
  return { page, ...session };
}

const form = (p: Page): FrameLocator => p.frameLocator('#pay-slot iframe');
function payFrame(p: Page): Frame {
  const frame = p.frames().find((f) => f.url().includes('/v1/pay-form'));
  if (!frame) throw new Error('no pay-form frame');
  return frame;
}
const received = (p: Page) => p.evaluate(() => (window as unknown as { received: Array<{ origin: string; data: unknown }> }).received);
const outcomes = (p: Page) => p.evaluate(() => (window as unknown as { outcomes: Array<Record<string, unknown>> }).outcomes);
const text = (p: Page, selector: string) => form(p).locator(selector).textContent();
const plain = (s: string | null) => (s ?? '').replace(/\s/g, ' ');

async function axeViolations(p: Page): Promise<Array<{ id: string; nodes: number }>> {
  const frame = payFrame(p);
  // Evaluated through the DevTools protocol, so the form's CSP (script-src 'self') does not apply to it.
  await frame.evaluate(AXE_SOURCE);
  const result = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }));
}

describe('what the pay form shows', () => {
  it('the payee as signed (as text), the amount for the locale, the invoice, its due date and the masked card', async () => {
    const { page, last4, invoiceId } = await open();
    const t = PAY_MESSAGES.en;
    expect(await text(page, '#merchant')).toBe(MERCHANT);
    expect(await form(page).locator('#merchant b').count()).toBe(0); // never parsed as HTML
    expect(plain(await text(page, '#amount'))).toBe('€123.45');
    expect(await text(page, '#invoice-id')).toBe(invoiceId);
    expect(await text(page, '#due-date')).toBe('January 15, 2027');
    expect(await text(page, '#card')).toBe(`Visa •••• ${last4}, expires 12/${String(FUTURE_YEAR).slice(2)}`);
    expect(await form(page).locator('#brand-icon').getAttribute('src')).toBe('/v1/card-form/brands/visa.svg');
    expect(await form(page).locator('#brand-icon').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const field = form(page).getByLabel(t.codeLabel);
    expect(await field.getAttribute('autocomplete')).toBe('cc-csc');
    expect(await field.getAttribute('inputmode')).toBe('numeric');
    expect(await field.getAttribute('maxlength')).toBe('3');
    expect(await text(page, '#cc-csc-hint')).toBe(t.codeHint(3));
    expect(plain(await form(page).getByRole('button').textContent())).toBe('Pay €123.45');
    expect(await page.locator('#pay-slot iframe').getAttribute('title')).toBe(t.title);
    await page.close();
  });

  it('amounts in currencies with no or three decimals, in German', async () => {
    const yen = await open({ locale: 'de', invoice: { amount: 1_500, currency: 'JPY' } });
    expect(plain(await text(yen.page, '#amount'))).toBe('1.500 ¥');
    await yen.page.close();
    const dinar = await open({ locale: 'de', invoice: { amount: 1_500, currency: 'KWD' } });
    expect(plain(await text(dinar.page, '#amount'))).toBe('1,500 KWD');
    await dinar.page.close();
  });

  it('is served under the strict CSP, framed only by the allowed origins', async () => {
    const res = await vault.public('/v1/pay-form', { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ${parentUrl}`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    for (const asset of ['/v1/pay-form/pay-form.js', '/v1/pay-form/pay-form.css']) expect((await vault.public(asset, { method: 'GET' })).status).toBe(200);
  });
});

describe('the security code', () => {
  it('no error while typing; a wrong-format code shows one on blur; it goes once the code is valid', async () => {
    const { page } = await open();
    const code = form(page).locator('#cc-csc');
    await code.pressSequentially('4');
    expect(await text(page, '#cc-csc-error')).toBe('');
    await code.blur();
    expect(await text(page, '#cc-csc-error')).toBe(PAY_MESSAGES.en.codeInvalid(3));
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    await code.focus();
    await code.press('End');
    await code.pressSequentially('x2'); // letters are dropped
    expect(await code.inputValue()).toBe('42');
    expect(await text(page, '#cc-csc-error')).toBe(PAY_MESSAGES.en.codeInvalid(3));
    await code.pressSequentially('55'); // at most 3 digits
    expect(await code.inputValue()).toBe('425');
    expect(await text(page, '#cc-csc-error')).toBe('');
    expect(await code.getAttribute('aria-invalid')).toBe('false');
    await page.close();
  });

  it('submit with no code: an error, focus on the field, nothing sent', async () => {
    const { page } = await open();
    const before = requests.filter((r) => r.url.endsWith('/confirm')).length;
    await form(page).locator('#pay').click();
    expect(await text(page, '#cc-csc-error')).toBe(PAY_MESSAGES.en.codeMissing);
    expect(await payFrame(page).evaluate(() => document.activeElement?.id)).toBe('cc-csc');
    expect(requests.filter((r) => r.url.endsWith('/confirm')).length).toBe(before);
    await page.close();
  });
});

describe('paying', () => {
  it('a valid code pays: the form shows only "Paid", the parent gets exactly {type:"paid"}, the code is nowhere the parent saw', async () => {
    const { page, secret } = await open();
    const firstRequest = requests.length;
    await form(page).locator('#cc-csc').fill(SENTINEL);
    await form(page).locator('#pay').click();
    await expect.poll(() => text(page, '#status'), { timeout: 10_000 }).toBe(PAY_MESSAGES.en.paid);
    expect(await form(page).locator('#summary').isVisible()).toBe(false);
    expect(await form(page).locator('#cc-csc').isVisible()).toBe(false);
    expect(await form(page).locator('#cc-csc').inputValue()).toBe('');
    await page.screenshot({ path: path.join(OUTPUT, 'paid-1024.png'), fullPage: true });

    const messages = await received(page);
    const fromVault = messages.filter((m) => m.origin === new URL(vault.publicUrl).origin).map((m) => m.data as { type: string });
    expect(fromVault.filter((m) => m.type === 'paid')).toEqual([{ type: 'paid' }]);
    expect(fromVault.map((m) => m.type).every((type) => ['vault:ready', 'vault:resize', 'paid'].includes(type))).toBe(true);
    expect((await outcomes(page)).map((o) => o['kind'])).toEqual(['ready', 'paid']);
    expect((await outcomes(page)).find((o) => o['kind'] === 'paid')).toEqual({ kind: 'paid', args: [] });

    // Every postMessage payload the parent received and every request the parent made: no code, no secret.
    const all = JSON.stringify(messages);
    expect(all).not.toContain(SENTINEL);
    expect(all).not.toContain(secret);
    const parentRequests = requests.filter((r) => r.fromParent);
    expect(parentRequests.length).toBeGreaterThan(1);
    for (const r of parentRequests) expect(r.text).not.toContain(SENTINEL);
    // The code went once, in the body of the frame's request to the vault, and in no URL.
    const carrying = requests.slice(firstRequest).filter((r) => r.text.includes(`"cvc":"${SENTINEL}"`));
    expect(carrying.map((r) => [r.fromParent, new URL(r.url).pathname])).toEqual([[false, '/v1/payment-sessions/current/confirm']]);
    expect(requests.filter((r) => r.url.includes(SENTINEL) || r.url.includes(secret))).toEqual([]);
    // …and in no line the vault logged.
    expect(vault.logs.join('\n')).not.toContain(`"${SENTINEL}"`);
    await page.close();
  });

  it('a session that fails (three wrong-format codes) says so and tells the parent {type:"failed", code}', async () => {
    const { page } = await open();
    // The form checks the format itself; a page that bypasses it is what the vault counts.
    await page.route('**/v1/payment-sessions/current/confirm', async (route) => route.continue({ postData: JSON.stringify({ cvc: '12' }) }));
    try {
      for (let i = 0; i < 3; i++) {
        await form(page).locator('#cc-csc').fill('999');
        await form(page).locator('#pay').click();
        await expect.poll(() => text(page, '#cc-csc-error')).toBe(PAY_MESSAGES.en.codeInvalid(3));
        await expect.poll(() => form(page).locator('#pay').getAttribute('aria-busy')).toBe('false');
      }
    } finally {
      await page.unroute('**/v1/payment-sessions/current/confirm');
    }
    await expect.poll(() => text(page, '#status')).toBe(PAY_MESSAGES.en.failed);
    expect(await form(page).locator('#cc-csc').isDisabled()).toBe(true);
    expect(await form(page).locator('#pay').isDisabled()).toBe(true);
    const failed = (await received(page)).map((m) => m.data as { type: string }).filter((m) => m.type === 'failed');
    expect(failed).toEqual([{ type: 'failed', code: 'cvc_invalid' }]);
    expect((await outcomes(page)).at(-1)).toEqual({ kind: 'error', code: 'cvc_invalid', failed: true });
    await page.close();
  });

  it('a session that failed before the form loaded: the form says why and tells the parent {type:"failed", code} with the vault\'s code', async () => {
    // One user, one invoice, two sessions: the first pays; the second's confirm is refused and fails it
    // (invoice_already_paid). A third session of another invoice fails by three wrong-format codes (cvc_invalid).
    const user = newUser();
    const added = await vault.addCard(user, visa({ number: distinctVisa(panIndex++, salt) }));
    expect(added.status, added.text).toBe(201);
    const jws = () => mintExampleInvoice({ partner: 'xero', invoiceId: `INV-${randomBytes(3).toString('hex').toUpperCase()}`, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: MERCHANT, dueDate: '2027-01-15' });
    const openSession = async (invoice: string) => {
      const created = await vault.internal('/v1/payment-sessions', { as: 'payment-flow', user, body: { cardId: added.json.id, processorId: 'xero-payments', invoice } });
      expect(created.status, created.text).toBe(201);
      return created.json.clientSecret as string;
    };
    const confirm = (secret: string, cvc: string) => vault.public('/v1/payment-sessions/current/confirm', { body: { cvc }, headers: { authorization: `PaymentSession ${secret}` } });
    const invoice = await jws();
    const [first, second, third] = [await openSession(invoice), await openSession(invoice), await openSession(await jws())];
    expect((await confirm(first, '123')).status).toBe(200);
    expect((await confirm(second, '123')).json.code).toBe('invoice_already_paid');
    for (let i = 0; i < 3; i++) expect((await confirm(third, '12')).json.code).toBe('cvc_invalid');

    for (const [secret, code, message] of [[second, 'invoice_already_paid', PAY_MESSAGES.en.alreadyPaid], [third, 'cvc_invalid', PAY_MESSAGES.en.failed]] as const) {
      const page = await context.newPage();
      await page.goto(parentUrl);
      await page.waitForFunction(() => (window as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);
      await page.evaluate((s) => (window as unknown as { mountPay(s: string, o: object): void }).mountPay(s, {}), secret);
      await expect.poll(() => text(page, '#status'), { timeout: 15_000 }).toBe(message);
      expect(await form(page).locator('#cc-csc').isVisible()).toBe(false);
      expect(await form(page).locator('#pay').isDisabled()).toBe(true);
      const failed = (await received(page)).map((m) => m.data as { type: string }).filter((m) => m.type === 'failed');
      expect(failed, code).toEqual([{ type: 'failed', code }]);
      expect((await outcomes(page)).at(-1)).toEqual({ kind: 'error', code, failed: true });
      await page.close();
    }
  });

  it('says plainly when the vault rate-limits (429, Retry-After) or is busy (503); busy meanwhile', async () => {
    const { page } = await open();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const answers: Array<{ status: number; headers: Record<string, string>; body: string }> = [
      { status: 429, headers: { 'retry-after': '42', 'content-type': 'application/problem+json' }, body: JSON.stringify({ code: 'rate_limited' }) },
      { status: 503, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ code: 'unavailable' }) },
    ];
    await page.route('**/v1/payment-sessions/current/confirm', async (route) => {
      await held;
      await route.fulfill(answers.shift()!);
    });
    try {
      await form(page).locator('#cc-csc').fill('123');
      await form(page).locator('#pay').click();
      await expect.poll(() => form(page).locator('#pay').getAttribute('aria-busy')).toBe('true');
      expect(await form(page).locator('#pay').isDisabled()).toBe(true);
      expect(await payFrame(page).evaluate(() => document.getElementById('pay-form')!.getAttribute('aria-busy'))).toBe('true');
      expect(await text(page, '#status')).toBe(PAY_MESSAGES.en.paying);
      release();
      await expect.poll(() => text(page, '#status')).toBe(PAY_MESSAGES.en.rateLimited(42));
      expect(await form(page).locator('#pay').getAttribute('aria-busy')).toBe('false');
      await form(page).locator('#pay').click();
      await expect.poll(() => text(page, '#status')).toBe(PAY_MESSAGES.en.unavailable);
      expect(await form(page).locator('#pay').isEnabled()).toBe(true);
      expect((await outcomes(page)).filter((o) => o['kind'] === 'error')).toEqual([
        { kind: 'error', code: 'rate_limited' },
        { kind: 'error', code: 'unavailable' },
      ]);
    } finally {
      await page.unroute('**/v1/payment-sessions/current/confirm');
    }
    await page.close();
  });
});

describe('theming', () => {
  it('the appearance object changes the computed styles; a hostile value is refused whole', async () => {
    const { page } = await open({ appearance: { colorPrimary: '#aa0055', borderRadius: 12, fontFamily: 'georgia', fontSizeBase: 18 } });
    const computed = () =>
      payFrame(page).evaluate(() => {
        const b = getComputedStyle(document.getElementById('pay')!);
        const i = getComputedStyle(document.getElementById('cc-csc')!);
        return { button: b.backgroundColor, radius: i.borderTopLeftRadius, font: i.fontFamily, size: i.fontSize };
      });
    expect(await computed()).toEqual({ button: 'rgb(170, 0, 85)', radius: '12px', font: 'Georgia, serif', size: '18px' });
    await page.screenshot({ path: path.join(OUTPUT, 'themed-1024.png'), fullPage: true });
    await page.evaluate(() => (window as unknown as { form: { setAppearance(a: object): void } }).form.setAppearance({ colorPrimary: 'red; background: url(https://evil.example/x)' }));
    await expect.poll(async () => (await outcomes(page)).filter((o) => o['kind'] === 'error')).toEqual([{ kind: 'error', code: 'appearance_invalid', field: 'colorPrimary' }]);
    expect((await computed()).button).toBe('rgb(170, 0, 85)');
    await page.close();
  });
});

describe('locales', () => {
  for (const locale of LOCALES) {
    it(`${locale}: labels and errors from the catalogue; axe finds no violation, empty and with errors`, async () => {
      const t = PAY_MESSAGES[locale];
      const { page } = await open({ locale });
      expect(await payFrame(page).evaluate(() => document.documentElement.lang)).toBe(locale);
      expect(await form(page).getByLabel(t.codeLabel).count()).toBe(1);
      expect(plain(await text(page, '#amount'))).toBe(plain(formatAmount(12_345, 'EUR', locale)));
      expect(await text(page, '#due-date')).toBe(formatDueDate('2027-01-15', locale));
      expect(await page.locator('#pay-slot iframe').getAttribute('title')).toBe(t.title);
      expect(await axeViolations(page)).toEqual([]);
      await form(page).locator('#pay').click();
      expect(await text(page, '#cc-csc-error')).toBe(t.codeMissing);
      expect(await axeViolations(page)).toEqual([]);
      await form(page).locator('#cc-csc').fill('12');
      await form(page).locator('#pay').click();
      expect(await text(page, '#cc-csc-error')).toBe(t.codeInvalid(3));
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }
});

describe('keyboard only', () => {
  it('Tab reaches the code field, then the button; typing and Enter pays', async () => {
    const { page } = await open();
    const focused = () => payFrame(page).evaluate(() => document.activeElement?.id ?? null);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 5 && (await focused()) !== 'cc-csc'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('cc-csc');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('pay');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('cc-csc');
    await page.keyboard.type(SENTINEL);
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '#status'), { timeout: 10_000 }).toBe(PAY_MESSAGES.en.paid);
    expect((await received(page)).map((m) => m.data as { type: string }).filter((m) => m.type === 'paid')).toEqual([{ type: 'paid' }]);
    expect(JSON.stringify(await received(page))).not.toContain(SENTINEL);
    await page.close();
  });
});

describe('screenshots', () => {
  it('at 360 px and 1,024 px, empty and with an error', async () => {
    for (const width of [360, 1024]) {
      const { page } = await open({ width });
      await page.waitForTimeout(200); // the iframe's height
      await page.screenshot({ path: path.join(OUTPUT, `empty-${width}.png`), fullPage: true });
      await form(page).locator('#cc-csc').fill('4');
      await form(page).locator('#pay').click();
      await page.waitForTimeout(200);
      await page.screenshot({ path: path.join(OUTPUT, `error-${width}.png`), fullPage: true });
      expect(await page.locator('#pay-slot iframe').evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(width);
      await page.close();
    }
  });
});

describe('what the parent saw, over the whole run', () => {
  it('the sentinel code is in no message the parent received and no request the parent made', () => {
    const parentRequests = requests.filter((r) => r.fromParent);
    expect(parentRequests.length).toBeGreaterThan(10);
    expect(parentRequests.filter((r) => r.text.includes(SENTINEL))).toEqual([]);
    expect(requests.filter((r) => new URL(r.url).search && !/^\?locale=[a-z]{2}$/.test(new URL(r.url).search))).toEqual([]);
  });
});
