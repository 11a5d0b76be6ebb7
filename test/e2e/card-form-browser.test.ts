import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, LOCALES } from '../../services/vault/src/card-form/messages.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { startSettingsDemo, type SettingsDemo } from '../../services/settings-demo/src/settings-demo.ts';
import { FUTURE_YEAR, newUser, startTestVault, type TestVault } from '../support/test-vault.ts';
import { freePort } from '../support/free-port.ts';

/**
 * The hosted card form in a real browser (Debian's Chromium driven by playwright-core): the settings demo mounts
 * the vault's form with the vault's embed SDK; a card goes from the browser straight to the vault; the settings
 * backend never sees it. Formatting, theming, locales, the SDK's mount/unmount cycle, accessibility (axe-core),
 * keyboard-only entry and Chromium's own card autofill, with screenshots under test-output/.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'test-output', 'card-form');
const PAN = '4000056655665556';
const YY = String(FUTURE_YEAR).slice(2);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let vault: TestVault;
let demo: SettingsDemo;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];
const cardPosts: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install chromium (.ci/run does this)');
  mkdirSync(OUTPUT, { recursive: true });
  const demoPort = await freePort();
  // Every page the tests open takes a card-entry session (and another after each save) for the demo's one user.
  vault = await startTestVault({ env: { VAULT_CARD_FORM_ORIGINS: `http://localhost:${demoPort}`, VAULT_MAX_LIVE_CARD_SESSIONS: '100' } });
  demo = await startSettingsDemo({ vaultInternalUrl: vault.internalUrl, vaultPublicUrl: vault.publicUrl, port: demoPort, user: newUser() });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // The vault's example certificate is signed by keys-example's CA, which this browser profile does not trust.
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1024, height: 900 } });
  context.on('request', (request) => {
    requested.push(request.url());
    if (request.method() === 'POST' && request.url().endsWith('/v1/cards')) cardPosts.push(request.postData() ?? '');
  });
  page = await open();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await vault?.close();
});

/** Opens the demo (optionally with `?query`) in a new page; resolves once the form is ready for input. */
async function open(query = '', width = 1024): Promise<Page> {
  const p = await context.newPage();
  await p.setViewportSize({ width, height: 900 });
  await p.goto(`${demo.url}/${query}`);
  // (polled by hand: expect.poll may only run inside a test, and this also runs in beforeAll)
  const deadline = Date.now() + 15_000;
  while (!(await p.frameLocator('#card-slot iframe').locator('#submit').isEnabled().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the card form did not become ready at ${query || '/'}`);
    await p.waitForTimeout(50);
  }
  return p;
}

const form = (p: Page = page): FrameLocator => p.frameLocator('#card-slot iframe');
/** The form's frame as a Frame (for evaluate and CDP). */
function formFrame(p: Page = page): Frame {
  const frame = p.frames().find((f) => f.url().includes('/v1/card-form'));
  if (!frame) throw new Error('no card-form frame');
  return frame;
}
const events = (p: Page = page) => p.evaluate(() => (window as unknown as { formEvents: Array<Record<string, unknown>> }).formEvents);

async function fill(p: Page, number: string, expiry = `11 / ${YY}`, name = 'Browser Person') {
  const f = form(p);
  await f.locator('#cc-name').fill(name);
  await f.locator('#cc-number').fill(number);
  await f.locator('#cc-exp').fill(expiry);
}

async function axeViolations(p: Page): Promise<Array<{ id: string; nodes: number }>> {
  const frame = formFrame(p);
  // Evaluated through the DevTools protocol, so the form's CSP (script-src 'self') does not apply to it.
  await frame.evaluate(AXE_SOURCE);
  const result = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }));
}

describe('adding, editing and removing a card through the hosted form', () => {
  it('an invalid number shows an inline error on submit and sends nothing', async () => {
    await fill(page, '4000 0566 5566 5557');
    await form().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(() => form().locator('#cc-number-error').textContent()).toBe(MESSAGES.en.numberInvalid);
    expect(await form().getByLabel('Card number').getAttribute('aria-invalid')).toBe('true');
    expect(cardPosts).toEqual([]);
  });

  it('adds a card straight to the vault and the page lists it masked', async () => {
    await fill(page, PAN);
    expect(await form().getByLabel('Card number').inputValue()).toBe('4000 0566 5566 5556');
    expect(await form().locator('#brand').textContent()).toBe('Visa');
    await page.screenshot({ path: path.join(OUTPUT, 'filled-1024.png'), fullPage: true });
    await form().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(() => page.locator('#cards li .card').allTextContents(), { timeout: 10_000 }).toEqual([`visa •••• 5556 11/${FUTURE_YEAR} Browser Person`]);
    expect(cardPosts).toHaveLength(1);
    expect(JSON.parse(cardPosts[0]!)).toMatchObject({ number: PAN, expMonth: 11, expYear: FUTURE_YEAR });
    expect(await form().locator('#status').textContent()).toBe('Saved Visa ending 5556.');
    const saved = (await events()).filter((e) => e['kind'] === 'saved');
    expect(saved).toEqual([{ kind: 'saved', card: expect.objectContaining({ brand: 'visa', last4: '5556', expMonth: 11, expYear: FUTURE_YEAR }) }]);
    expect(JSON.stringify(await events())).not.toContain('56655665');
    // The SDK got a new session for the next card: the button is enabled again.
    await expect.poll(() => form().locator('#submit').isEnabled()).toBe(true);
  });

  it('edits the name through the settings backend', async () => {
    await page.locator('#cards li .new-name').fill('Renamed Person');
    await page.locator('#cards li .save-name').click();
    await expect.poll(() => page.locator('#cards li .card').allTextContents()).toEqual([`visa •••• 5556 11/${FUTURE_YEAR} Renamed Person`]);
  });

  it('removes it', async () => {
    await page.locator('#cards li .remove').click();
    await expect.poll(() => page.locator('#cards li').count()).toBe(0);
  });
});

describe('formatting as you type', () => {
  it('groups the number per brand: 4-4-4-4, Amex 4-6-5, 19 digits 4-4-4-4-3; drops what is not a digit', async () => {
    const number = form().locator('#cc-number');
    for (const [typed, shown, icon] of [
      ['4242424242424242', '4242 4242 4242 4242', 'visa'],
      ['378282246310005', '3782 822463 10005', 'amex'],
      ['6200000000000000005', '6200 0000 0000 0000 005', 'unionpay'],
      ['5105-1051 0510x5100', '5105 1051 0510 5100', 'mastercard'],
    ] as const) {
      await number.fill('');
      await number.pressSequentially(typed);
      expect(await number.inputValue()).toBe(shown);
      expect(await form().locator('#brand-icon').getAttribute('src')).toBe(`/v1/card-form/brands/${icon}.svg`);
      expect(await form().locator('#brand-icon').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    }
  });

  it('keeps the caret after the digit typed in the middle, and backspace over a space removes the digit before it', async () => {
    const number = form().locator('#cc-number');
    await number.fill('');
    await number.pressSequentially('42424242');
    await number.evaluate((el: HTMLInputElement) => el.setSelectionRange(5, 5)); // "4242 |4242"
    await number.press('9');
    expect(await number.inputValue()).toBe('4242 9424 2');
    expect(await number.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(6);
    await number.evaluate((el: HTMLInputElement) => el.setSelectionRange(5, 5)); // "4242 |9424 2"
    await number.press('Backspace');
    expect(await number.inputValue()).toBe('4249 4242');
    expect(await number.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(3);
  });

  it('a pasted number is grouped with the caret at its end', async () => {
    const number = form().locator('#cc-number');
    await number.fill('');
    await number.focus();
    await page.keyboard.insertText('3782-822463-10005');
    expect(await number.inputValue()).toBe('3782 822463 10005');
    expect(await number.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(17);
  });

  it('writes the expiry as MM / YY', async () => {
    const exp = form().locator('#cc-exp');
    for (const [typed, shown] of [['1231', '12 / 31'], ['4', '04 / '], ['0429', '04 / 29'], ['1/28', '01 / 28']] as const) {
      await exp.fill('');
      await exp.pressSequentially(typed);
      expect(await exp.inputValue()).toBe(shown);
    }
  });

  it('no error while a valid beginning is typed; one on leaving the field; gone as soon as the number is valid', async () => {
    const number = form().locator('#cc-number');
    await number.fill('');
    await number.pressSequentially('4242');
    expect(await form().locator('#cc-number-error').textContent()).toBe('');
    await form().locator('#cc-exp').focus(); // blur
    expect(await form().locator('#cc-number-error').textContent()).toBe(MESSAGES.en.numberInvalid);
    await number.focus();
    await number.press('End');
    await number.pressSequentially('424242424242');
    expect(await form().locator('#cc-number-error').textContent()).toBe('');
    expect(await number.getAttribute('aria-invalid')).toBe('false');
  });

  it('says plainly when the vault is busy (503) or rate-limits (429), and the button shows it is busy meanwhile', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const answers: Array<{ status: number; headers: Record<string, string>; body: string }> = [
      { status: 429, headers: { 'retry-after': '30', 'content-type': 'application/problem+json' }, body: JSON.stringify({ code: 'rate_limited' }) },
      { status: 503, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ code: 'unavailable' }) },
    ];
    await context.route('**/v1/cards', async (route) => {
      await held;
      await route.fulfill(answers.shift()!);
    });
    try {
      await fill(page, '4242424242424242');
      await form().locator('#submit').click();
      await expect.poll(() => form().locator('#submit').getAttribute('aria-busy')).toBe('true');
      expect(await form().locator('#submit').isDisabled()).toBe(true);
      expect(await form().locator('#status').textContent()).toBe(MESSAGES.en.saving);
      release();
      await expect.poll(() => form().locator('#status').textContent()).toBe(MESSAGES.en.rateLimited(30));
      await form().locator('#submit').click();
      await expect.poll(() => form().locator('#status').textContent()).toBe(MESSAGES.en.unavailable);
      expect(await form().locator('#submit').getAttribute('aria-busy')).toBe('false');
    } finally {
      await context.unroute('**/v1/cards');
    }
  });
});

describe('theming with an appearance object', () => {
  const computed = (p: Page) =>
    formFrame(p).evaluate(() => {
      const b = getComputedStyle(document.getElementById('submit')!);
      const i = getComputedStyle(document.getElementById('cc-number')!);
      return { button: b.backgroundColor, radius: i.borderTopLeftRadius, font: i.fontFamily, size: i.fontSize };
    });

  it('changes the computed styles', async () => {
    const p = await open(`?appearance=${encodeURIComponent(JSON.stringify({ colorPrimary: '#aa0055', borderRadius: 12, fontFamily: 'georgia', fontSizeBase: 18 }))}`);
    expect(await computed(p)).toEqual({ button: 'rgb(170, 0, 85)', radius: '12px', font: 'Georgia, serif', size: '18px' });
    // and again at run time through the SDK
    await p.evaluate(() => (window as unknown as { cardForm: { setAppearance(a: object): void } }).cardForm.setAppearance({ colorPrimary: '#006400' }));
    await expect.poll(async () => (await computed(p)).button).toBe('rgb(0, 100, 0)');
    await p.screenshot({ path: path.join(OUTPUT, 'themed-1024.png'), fullPage: true });
    await p.close();
  });

  it('refuses a hostile value whole: nothing changes and the page is told which field', async () => {
    const hostile = { colorPrimary: '#fff; background: url(https://evil.example/x)', borderRadius: 12 };
    const p = await open(`?appearance=${encodeURIComponent(JSON.stringify(hostile))}`);
    await expect.poll(async () => (await events(p)).filter((e) => e['kind'] === 'error')).toEqual([{ kind: 'error', code: 'appearance_invalid', field: 'colorPrimary' }]);
    expect(await computed(p)).toMatchObject({ button: 'rgb(23, 101, 204)', radius: '4px' });
    expect(requested.filter((u) => !u.startsWith(demo.url)).some((u) => u.includes('evil.example'))).toBe(false);
    await p.close();
  });
});

describe('locales', () => {
  for (const locale of LOCALES) {
    it(`${locale}: labels, errors and status from the catalogue; axe finds no violation, with and without errors`, async () => {
      const t = MESSAGES[locale];
      const p = await open(`?locale=${locale}`);
      const f = formFrame(p);
      expect(await f.evaluate(() => document.documentElement.lang)).toBe(locale);
      expect(await form(p).getByLabel(t.nameLabel).count()).toBe(1);
      expect(await form(p).getByLabel(t.numberLabel).count()).toBe(1);
      expect(await form(p).getByRole('button', { name: t.submit }).count()).toBe(1);
      expect(await p.locator('#card-slot iframe').getAttribute('title')).toBe(t.title);
      expect(await axeViolations(p)).toEqual([]);
      await form(p).getByRole('button', { name: t.submit }).click();
      expect(await form(p).locator('#cc-name-error').textContent()).toBe(t.nameMissing);
      expect(await form(p).locator('#cc-number-error').textContent()).toBe(t.numberMissing);
      expect(await form(p).locator('#cc-exp-error').textContent()).toBe(t.expiryMissing);
      expect(await axeViolations(p)).toEqual([]);
      await p.close();
    });
  }
});

describe('keyboard only', () => {
  it('Tab moves name → number → expiry → button, and Enter in a field saves', async () => {
    const p = await open('?locale=en');
    await form(p).locator('#cc-name').focus();
    const focused = () => formFrame(p).evaluate(() => document.activeElement?.id);
    await p.keyboard.type('Keyboard Person');
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('cc-number');
    await p.keyboard.type('5555555555554444');
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('cc-exp');
    await p.keyboard.type(`10${YY}`);
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('submit');
    await p.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('cc-exp');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.locator('#cards li .card').allTextContents(), { timeout: 10_000 }).toContain(`mastercard •••• 4444 10/${FUTURE_YEAR} Keyboard Person`);
    await p.close();
  });
});

describe("Chromium's own card autofill fills the iframe's fields", () => {
  it('a saved card profile chosen by autofill (DevTools Autofill.trigger) fills name, number and expiry, and saves', async () => {
    const p = await open();
    const frame = formFrame(p);
    // Headless Chromium has no autofill popup to click; Autofill.trigger is the DevTools protocol's way to fill a
    // form from a card as if the person had picked it: Chromium's autofill engine classifies the fields (from
    // their autocomplete names) and fills them, in the iframe, with the events a real fill fires.
    const cdp = await context.newCDPSession(frame);
    await cdp.send('DOM.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#cc-number' });
    const { node } = await cdp.send('DOM.describeNode', { nodeId });
    const { frameTree } = await cdp.send('Page.getFrameTree');
    await form(p).locator('#cc-number').click();
    await expect
      .poll(
        async () => {
          await cdp
            .send('Autofill.trigger', { fieldId: node.backendNodeId, frameId: frameTree.frame.id, card: { number: '4111111111111111', name: 'Auto Fill', expiryMonth: '04', expiryYear: String(FUTURE_YEAR), cvc: '123' } })
            .catch(() => undefined); // "Field not found" until the autofill agent has seen the form
          return form(p).locator('#cc-number').inputValue();
        },
        { timeout: 10_000 },
      )
      .toBe('4111 1111 1111 1111');
    expect(await form(p).locator('#cc-name').inputValue()).toBe('Auto Fill');
    expect(await form(p).locator('#cc-exp').inputValue()).toBe(`04 / ${YY}`);
    expect(await form(p).locator('#brand').textContent()).toBe('Visa');
    await form(p).locator('#submit').click();
    await expect.poll(() => p.locator('#cards li .card').allTextContents(), { timeout: 10_000 }).toContain(`visa •••• 1111 4/${FUTURE_YEAR} Auto Fill`);
    await cdp.detach();
    await p.close();
  });
});

describe('the embed SDK', () => {
  it('mounts, reports ready and changes, unmounts (iframe gone, no more events), and mounts again', async () => {
    const p = await open();
    expect((await events(p)).filter((e) => e['kind'] === 'ready')).toHaveLength(1);
    await form(p).locator('#cc-number').pressSequentially('34');
    await expect.poll(async () => (await events(p)).filter((e) => e['kind'] === 'change').at(-1)).toMatchObject({ brand: 'amex', complete: false });
    await p.evaluate(() => (window as unknown as { cardForm: { unmount(): void } }).cardForm.unmount());
    expect(await p.locator('#card-slot iframe').count()).toBe(0);
    const before = (await events(p)).length;
    const embedUrl = `${vault.publicUrl}/v1/card-form/embed.js`;
    // As the page's own script would (a string: the test runner would rewrite a dynamic import in a function).
    await p.evaluate(`import(${JSON.stringify(embedUrl)}).then((sdk) => {
      window.cardForm = sdk.VaultCardForm.mount(document.getElementById('card-slot'), {
        sessionSecret: async () => (await (await fetch('/api/card-session', { method: 'POST' })).json()).clientSecret,
        locale: 'fr',
        onReady: () => window.formEvents.push({ kind: 'ready-again' }),
      });
    })`);
    await expect.poll(async () => (await events(p)).slice(before).map((e) => e['kind'])).toEqual(['ready-again']);
    await expect.poll(() => form(p).locator('#submit').isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await form(p).locator('#submit').textContent()).toBe(MESSAGES.fr.submit);
    await p.close();
  });

  it('is served as a typed ES module on the vault origin, importable cross-origin', async () => {
    const p = await open(); // (asked through the page: Node's fetch does not trust the example CA)
    const headers = await p.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    }, `${vault.publicUrl}/v1/card-form/embed.d.ts`);
    // A cross-origin fetch whose body the page can read: the vault answered with CORS open.
    expect(headers).toMatchObject({ status: 200, type: expect.stringContaining('text/plain') });
    expect(headers.body).toContain('export declare const mount: Mount;');
    expect(headers.body).toContain('export interface MountOptions');
    await p.close();
  });
});

describe('screenshots', () => {
  it('at 360 px and 1,024 px, empty and with errors', async () => {
    for (const width of [360, 1024]) {
      const p = await open('', width);
      await p.screenshot({ path: path.join(OUTPUT, `empty-${width}.png`), fullPage: true });
      await fill(p, '4242 4242', '13 / 20', '');
      await form(p).locator('#submit').click();
      await p.waitForTimeout(200); // the iframe's new height
      await p.screenshot({ path: path.join(OUTPUT, `errors-${width}.png`), fullPage: true });
      const frameWidth = await p.locator('#card-slot iframe').evaluate((el) => el.getBoundingClientRect().width);
      expect(frameWidth).toBeLessThanOrEqual(width);
      await p.close();
    }
  });
});

describe('what the settings backend and URLs saw', () => {
  it('the settings backend never received a PAN, and no URL the browser requested carried a session secret', async () => {
    const log = demo.requestLog.join('\n');
    expect(demo.requestLog.length).toBeGreaterThan(4);
    for (const pan of [PAN, '5555555555554444', '4111111111111111']) for (let i = 0; i + 10 <= pan.length; i++) expect(log).not.toContain(pan.slice(i, i + 10));
    expect(requested.some((u) => u.includes('/v1/card-form'))).toBe(true);
    expect(requested.filter((u) => /secret|cs_[A-Za-z0-9_-]{22}_/.test(u))).toEqual([]);
    // Query strings: only the form's locale and the demo's own test parameters.
    expect(requested.filter((u) => u.includes('?') && !/\/v1\/card-form\?locale=[a-z]{2}$/.test(u) && !u.startsWith(demo.url))).toEqual([]);
  });
});
