import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault({ env: { VAULT_CARD_FORM_ORIGINS: 'https://settings.example.test,http://localhost:8090' } });
});
afterAll(async () => {
  await v.close();
});

describe('the hosted card form on the public listener', () => {
  it('is served with a strict CSP, framed only by the configured origins, never cached', async () => {
    const res = await v.public('/v1/card-form');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors https://settings.example.test http://localhost:8090",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('has no inline script or style, and the autocomplete attributes browsers fill from', async () => {
    const { text } = await v.public('/v1/card-form');
    expect(text).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|<style|style=|onclick|javascript:/i);
    for (const ac of ['cc-name', 'cc-number', 'cc-exp']) expect(text).toContain(`autocomplete="${ac}"`);
    expect(text).not.toContain('cc-csc');
    for (const id of ['cc-name', 'cc-number', 'cc-exp']) expect(text).toMatch(new RegExp(`<label for="${id}"`));
    expect(text).toContain('data-origins="[&quot;https://settings.example.test&quot;,&quot;http://localhost:8090&quot;]"');
  });

  it('serves its own script and style bundle, with the same CSP', async () => {
    const js = await v.public('/v1/card-form/card-form.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toContain('vault:card-session');
    expect(js.text).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i); // no third-party origin anywhere in the bundle
    const css = await v.public('/v1/card-form/card-form.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('speaks the language asked for (en, de, fr, es), English for anything else', async () => {
    expect((await v.public('/v1/card-form?locale=de')).text).toMatch(/<html lang="de">[\s\S]*Kartennummer/);
    expect((await v.public('/v1/card-form?locale=fr')).text).toContain('Numéro de carte');
    expect((await v.public('/v1/card-form?locale=es')).text).toContain('Número de tarjeta');
    for (const odd of ['xx', '<script>', 'de&locale=fr']) expect((await v.public(`/v1/card-form?locale=${encodeURIComponent(odd)}`)).text).toContain('<html lang="en">');
  });

  it('serves the brand icons from its own origin, and nothing else under brands/', async () => {
    const icon = await v.public('/v1/card-form/brands/amex.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(icon.text).toMatch(/^<svg [^>]*>[\s\S]*AMEX[\s\S]*<\/svg>$/);
    expect(icon.text).not.toMatch(/<script|href|url\(/i);
    for (const bad of ['bogus.svg', '..%2Fcard-form.js', 'amex.svg%00', 'visa']) expect((await v.public(`/v1/card-form/brands/${bad}`)).status).toBe(404);
  });

  it('serves the embed SDK as a module any origin may import, with its types', async () => {
    const js = await v.public('/v1/card-form/embed.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['access-control-allow-origin']).toBe('*');
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(js.text).toMatch(/export\s*\{[^}]*mount/);
    expect(js.text).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    const types = await v.public('/v1/card-form/embed.d.ts');
    expect(types.text).toContain('export interface MountOptions');
  });
});
