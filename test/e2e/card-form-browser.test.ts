import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { startSettingsDemo, type SettingsDemo } from '../../services/settings-demo/src/settings-demo.ts';
import { FUTURE_YEAR, newUser, startTestVault, type TestVault } from '../support/test-vault.ts';
import { freePort } from '../support/free-port.ts';

/**
 * The hosted card form in a real browser (Debian's Chromium driven by playwright-core): the settings demo embeds
 * the vault's form; a card goes from the browser straight to the vault; the settings backend never sees it.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'test-output');
const PAN = '4000056655665556';

let vault: TestVault;
let demo: SettingsDemo;
let browser: Browser;
let page: Page;
const requested: string[] = [];
const cardPosts: string[] = [];


beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install chromium (.ci/run does this)');
  const demoPort = await freePort();
  vault = await startTestVault({ env: { VAULT_CARD_FORM_ORIGINS: `http://localhost:${demoPort}` } });
  demo = await startSettingsDemo({ vaultInternalUrl: vault.internalUrl, vaultPublicUrl: vault.publicUrl, port: demoPort, user: newUser() });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // The vault's example certificate is signed by keys-example's CA, which this browser profile does not trust.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  page = await context.newPage();
  page.on('request', (request) => {
    requested.push(request.url());
    if (request.method() === 'POST' && request.url().endsWith('/v1/cards')) cardPosts.push(request.postData() ?? '');
  });
  await page.goto(demo.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await vault?.close();
});

const form = () => page.frameLocator('#vault-frame');

async function fill(number: string, name = 'Browser Person') {
  await form().getByLabel('Name on card').fill(name);
  await form().getByLabel('Card number').fill(number);
  await form().getByLabel('Expiry month (MM)').fill('11');
  await form().getByLabel('Expiry year (YYYY)').fill(String(FUTURE_YEAR));
}

describe('adding, editing and removing a card through the hosted form', () => {
  it('an invalid number shows an inline error and sends nothing', async () => {
    await expect.poll(() => form().getByRole('button', { name: 'Save card' }).isEnabled(), { timeout: 10_000 }).toBe(true);
    await fill('4000 0566 5566 5557');
    await form().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(() => form().locator('#cc-number-error').textContent()).toContain('not valid');
    expect(await form().getByLabel('Card number').getAttribute('aria-invalid')).toBe('true');
    expect(cardPosts).toEqual([]);
  });

  it('adds a card straight to the vault and the page lists it masked', async () => {
    await fill(PAN.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(await form().locator('#brand').textContent()).toBe('Visa');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'card-form.png') });
    await form().getByRole('button', { name: 'Save card' }).click();
    await expect.poll(() => page.locator('#cards li .card').allTextContents(), { timeout: 10_000 }).toEqual([`visa •••• 5556 11/${FUTURE_YEAR} Browser Person`]);
    expect(cardPosts).toHaveLength(1);
    expect(await form().locator('#status').textContent()).toBe('Saved Visa ending 5556.');
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

  it('the settings backend never received a PAN, and no URL the browser requested carried a session secret', async () => {
    const log = demo.requestLog.join('\n');
    expect(demo.requestLog.length).toBeGreaterThan(4);
    for (let i = 0; i + 10 <= PAN.length; i++) expect(log).not.toContain(PAN.slice(i, i + 10));
    expect(requested.some((u) => u.includes('/v1/card-form'))).toBe(true);
    expect(requested.filter((u) => /secret|cs_[A-Za-z0-9_-]{22}_/.test(u))).toEqual([]);
    expect(requested.every((u) => !u.includes('?'))).toBe(true);
  });
});
