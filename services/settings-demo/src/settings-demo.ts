/**
 * A tiny account-settings page and backend (dev only) that embeds the vault's hosted card form with the vault's
 * embed SDK, lists the user's cards masked, edits expiry or name, and removes a card through the vault's internal
 * API with its own client certificate. It exists to prove that a settings backend never receives a card number: every request
 * it receives is kept in `requestLog`. Beside it, /inbox (inbox-demo.ts): an invoice message paid through the
 * vault's pay form, the backend acting as the payment flow and the reference processor. `record`, given by tests,
 * receives every request and response the backend sends or receives (demo-traffic.ts).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { mintDevAssertion, keysExample } from '../../vault/src/index.ts';
import { recordBrowserTraffic, vaultCall as recordedVaultCall, type TrafficRecorder } from './demo-traffic.ts';
import { installInbox } from './inbox-demo.ts';

export interface SettingsDemoOptions {
  readonly vaultInternalUrl: string;
  readonly vaultPublicUrl: string;
  readonly port: number;
  readonly user: { readonly sub: string; readonly tid: string };
  /** Receives every request and response of the backend (tests). */
  readonly record?: TrafficRecorder;
}

export interface SettingsDemo {
  readonly url: string;
  /** Everything the backend received: method, URL and raw body. */
  readonly requestLog: string[];
  close(): Promise<void>;
}

const identity = {
  cert: readFileSync(keysExample('tls', 'clients', 'settings-demo.pem')),
  key: readFileSync(keysExample('tls', 'clients', 'settings-demo-key.pem')),
  ca: readFileSync(keysExample('tls', 'ca.pem')),
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Account settings — payment methods</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/app.css"></head>
<body>
<nav><strong>Payment methods</strong> · <a href="/inbox">Inbox (dev demo)</a></nav>
<h1>Payment methods</h1>
<ul id="cards" aria-live="polite"></ul>
<h2>Add a card</h2>
<div id="card-slot"></div>
<p id="form-state" aria-live="polite"></p>
<script type="module" src="/app.js"></script>
</body></html>`;

/**
 * The page's script: mounts the vault's card form with the vault's embed SDK (an ES module from the vault's own
 * origin). `?locale=` and `?appearance=<JSON>` on the demo's URL are passed to it, for trying (and testing) them.
 * What the SDK reports is kept in `window.formEvents`; the mounted form is `window.cardForm`.
 */
const APP_JS = (embedUrl: string) => `
import { mount } from '${embedUrl}';
const params = new URLSearchParams(location.search);
window.formEvents = [];
const note = (kind, detail) => { window.formEvents.push({ kind, ...detail }); };
async function refresh() {
  const cards = await (await fetch('/api/cards')).json();
  const list = document.getElementById('cards');
  list.replaceChildren(...cards.map((c) => {
    const li = document.createElement('li');
    li.dataset.id = c.id;
    const text = document.createElement('span');
    text.className = 'card';
    text.textContent = c.brand + ' •••• ' + c.last4 + ' ' + c.expMonth + '/' + c.expYear + ' ' + c.cardholderName;
    const name = document.createElement('input');
    name.setAttribute('aria-label', 'New name on card');
    name.className = 'new-name';
    const save = document.createElement('button');
    save.textContent = 'Save name';
    save.className = 'save-name';
    save.onclick = async () => { await fetch('/api/cards/' + c.id, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardholderName: name.value }) }); refresh(); };
    const remove = document.createElement('button');
    remove.textContent = 'Remove';
    remove.className = 'remove';
    remove.onclick = async () => { await fetch('/api/cards/' + c.id, { method: 'DELETE' }); refresh(); };
    li.append(text, name, save, remove);
    return li;
  }));
}
window.cardForm = mount(document.getElementById('card-slot'), {
  sessionSecret: async () => (await (await fetch('/api/card-session', { method: 'POST' })).json()).clientSecret,
  locale: params.get('locale') ?? undefined,
  appearance: params.get('appearance') ? JSON.parse(params.get('appearance')) : undefined,
  onReady: () => note('ready', {}),
  onChange: (change) => { note('change', change); document.getElementById('form-state').textContent = change.complete ? 'Ready to save' : ''; },
  onSaved: (card) => { note('saved', { card }); refresh(); },
  onError: (error) => note('error', error),
});
refresh();
`;

export async function startSettingsDemo(options: SettingsDemoOptions): Promise<SettingsDemo> {
  const requestLog: string[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(express.text({ type: () => true, limit: '16kb' }));
  app.use((req, _res, next) => {
    requestLog.push(`${req.method} ${req.originalUrl} ${typeof req.body === 'string' ? req.body : ''}`);
    next();
  });
  if (options.record) app.use(recordBrowserTraffic(options.record));
  const vaultCall = (base: string, method: string, path: string, bearer: string, body?: unknown) => recordedVaultCall(identity, base, method, path, bearer, body, options.record);
  const bearer = () => mintDevAssertion({ ...options.user, azp: 'account-settings' });
  const json = (req: express.Request): Record<string, unknown> => (typeof req.body === 'string' && req.body ? JSON.parse(req.body) : {});
  app.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').send(APP_JS(`${options.vaultPublicUrl}/v1/card-form/embed.js`));
  });
  app.get('/app.css', (_req, res) => {
    res.type('text/css').send('body{font-family:system-ui,sans-serif;margin:24px;max-width:40rem} #card-slot{border:1px solid #ccc;border-radius:6px} li{margin:6px 0}');
  });
  app.post('/api/card-session', async (_req, res) => {
    const r = await vaultCall(options.vaultInternalUrl, 'POST', '/v1/card-sessions', await bearer(), {});
    res.status(r.status).json({ clientSecret: (r.json as { clientSecret?: string }).clientSecret });
  });
  app.get('/api/cards', async (_req, res) => {
    const r = await vaultCall(options.vaultInternalUrl, 'GET', '/v1/cards', await bearer());
    res.status(r.status).json((r.json as { data: unknown[] }).data);
  });
  app.patch('/api/cards/:id', async (req, res) => {
    const r = await vaultCall(options.vaultInternalUrl, 'PATCH', `/v1/cards/${encodeURIComponent(String(req.params['id']))}`, await bearer(), json(req));
    res.status(r.status).json(r.json);
  });
  app.delete('/api/cards/:id', async (req, res) => {
    const r = await vaultCall(options.vaultInternalUrl, 'DELETE', `/v1/cards/${encodeURIComponent(String(req.params['id']))}`, await bearer());
    res.status(r.status).end();
  });
  installInbox(app, { vaultInternalUrl: options.vaultInternalUrl, vaultPublicUrl: options.vaultPublicUrl, user: options.user, ...(options.record ? { record: options.record } : {}) });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(options.port, '127.0.0.1', r));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    requestLog,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
