/**
 * DEV ONLY — the inbox pane of the dev demo (issue 23, part 7): an invoice message from an example partner, "Review
 * and pay", the vault's pay form in the task pane, approved by the reference processor. The backend here plays the
 * payment-flow service (its own client certificate, keys-example/tls/clients/payment-flow.pem) and, after the
 * payment, the reference processor (services/processor-sim). The security code never reaches it: the pay form takes
 * the code in the vault's own frame and posts it straight to the vault; this backend hands the page only the
 * session's client secret and reads the payment token from GET /v1/payment-sessions/{id} itself.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { keysExample, mintDevAssertion, mintExampleInvoice } from '../../vault/src/index.ts';
import { loadTrustedPartners } from '../../processor-sim/src/invoice-signature.ts';
import { approve, openCard } from '../../processor-sim/src/open-card.ts';
import { redeemToken, type Invoice } from '../../processor-sim/src/redeem-client.ts';
import { vaultCall, type ClientIdentity, type TrafficRecorder } from './demo-traffic.ts';

export interface InboxOptions {
  readonly vaultInternalUrl: string;
  readonly vaultPublicUrl: string;
  readonly user: { readonly sub: string; readonly tid: string };
  readonly record?: TrafficRecorder;
}

/** The processor the demo pays through, and the partner that signs its invoices (both examples, keys-example/). */
const PROCESSOR = 'xero-payments';
const PARTNER = 'xero';

const paymentFlow: ClientIdentity = {
  cert: readFileSync(keysExample('tls', 'clients', 'payment-flow.pem')),
  key: readFileSync(keysExample('tls', 'clients', 'payment-flow-key.pem')),
  ca: readFileSync(keysExample('tls', 'ca.pem')),
};

interface Message {
  readonly id: string;
  readonly jws: string;
  readonly invoice: Invoice & { readonly merchantName: string; readonly dueDate: string };
  sessionId?: string;
  result?: Approved;
}

interface Approved {
  readonly status: 'approved';
  readonly brand: string;
  readonly last4: string;
  readonly amount: number;
  readonly currency: string;
  readonly invoiceId: string;
  readonly merchantName: string;
}

const INBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inbox — dev demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/inbox.css"></head>
<body>
<p class="dev" role="note">DEV ONLY — example invoices signed with a published example partner key, paid through the
reference processor (services/processor-sim). Nothing is charged.</p>
<nav><a href="/">Payment methods</a> · <strong>Inbox</strong></nav>
<div class="panes">
<section aria-labelledby="inbox-title"><h1 id="inbox-title">Inbox</h1><ul id="messages"></ul></section>
<section id="reading" aria-live="polite"></section>
<aside id="task-pane" aria-labelledby="task-title" hidden><h2 id="task-title">Review and pay</h2>
<div id="pay-slot"></div><p id="outcome" aria-live="polite"></p></aside>
</div>
<script type="module" src="/inbox.js"></script>
</body></html>`;

const INBOX_CSS = `body{font-family:system-ui,sans-serif;margin:16px} .dev{background:#fff3cd;border:1px solid #d4a800;padding:6px 10px}
.panes{display:flex;gap:16px;flex-wrap:wrap} .panes>*{flex:1 1 18rem} #messages{list-style:none;padding:0}
#messages button{width:100%;text-align:left;padding:8px;background:#fff;border:1px solid #ccc;border-radius:6px}
#task-pane{border-left:3px solid #0a7cff;padding-left:12px} #outcome.approved{color:#064;font-weight:600}`;

/**
 * The inbox page's script: lists the messages, shows one, and on "Review and pay" asks the backend for a payment
 * session's client secret and mounts the vault's pay form with the embed SDK's mountPayForm. What happens is kept
 * in `window.inboxEvents` (for tests); nothing the frame sends the page carries the code.
 */
const INBOX_JS = (embedUrl: string) => `
import { mountPayForm } from '${embedUrl}';
window.inboxEvents = [];
const note = (kind, detail = {}) => window.inboxEvents.push({ kind, ...detail });
const money = (minor, currency) => {
  const f = new Intl.NumberFormat('en', { style: 'currency', currency });
  return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
};
const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };
let payForm;

async function load() {
  const { messages, cards } = await (await fetch('/api/inbox')).json();
  document.getElementById('messages').replaceChildren(...messages.map((m) => {
    const open = el('button', { className: 'message', onclick: () => read(m, cards) }, el('strong', {}, m.from), el('br'), m.subject);
    return el('li', {}, open);
  }));
  note('loaded', { messages: messages.length, cards: cards.length });
}

function read(m, cards) {
  const reading = document.getElementById('reading');
  const facts = el('dl', { className: 'invoice' },
    el('dt', {}, 'Payee'), el('dd', { className: 'payee' }, m.merchantName),
    el('dt', {}, 'Amount'), el('dd', { className: 'amount' }, money(m.amount, m.currency)),
    el('dt', {}, 'Invoice'), el('dd', {}, m.invoiceId),
    el('dt', {}, 'Due'), el('dd', {}, m.dueDate));
  const children = [el('h2', {}, m.subject), el('p', {}, 'From ' + m.from + ' (signed by the partner)'), facts];
  if (m.result) children.push(el('p', { className: 'approved' }, approvedText(m.result)));
  else if (!cards.length) children.push(el('p', {}, 'Add a card on the Payment methods page first.'));
  else {
    const select = el('select', { id: 'card' }, ...cards.map((c) => el('option', { value: c.id }, c.brand + ' •••• ' + c.last4 + ' ' + c.expMonth + '/' + c.expYear)));
    const label = el('label', { htmlFor: 'card' }, 'Pay with ');
    const pay = el('button', { id: 'review-and-pay', onclick: () => review(m, select.value) }, 'Review and pay');
    children.push(el('p', {}, label, select), pay);
  }
  reading.replaceChildren(...children);
  note('read', { id: m.id });
}

function approvedText(r) {
  return 'Approved: ' + r.brand + ' •••• ' + r.last4 + ', ' + money(r.amount, r.currency) + ' to ' + r.merchantName + ' (invoice ' + r.invoiceId + ')';
}

async function review(m, cardId) {
  const pane = document.getElementById('task-pane');
  const outcome = document.getElementById('outcome');
  outcome.textContent = ''; outcome.className = '';
  payForm?.unmount();
  const res = await fetch('/api/inbox/messages/' + encodeURIComponent(m.id) + '/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardId }) });
  const body = await res.json();
  if (!res.ok) { outcome.textContent = 'Could not start the payment (' + body.code + ').'; note('pay-refused', { code: body.code }); return; }
  pane.hidden = false;
  payForm = mountPayForm(document.getElementById('pay-slot'), {
    sessionSecret: body.sessionSecret,
    onReady: () => note('ready'),
    onPaid: async () => {
      note('paid');
      outcome.textContent = 'Paid — waiting for the processor…';
      const done = await fetch('/api/inbox/messages/' + encodeURIComponent(m.id) + '/complete', { method: 'POST' });
      const result = await done.json();
      if (done.ok) { outcome.textContent = approvedText(result); outcome.className = 'approved'; document.getElementById('review-and-pay')?.remove(); note('approved', { result }); }
      else { outcome.textContent = 'The processor refused the payment (' + result.code + ').'; note('declined', { code: result.code }); }
    },
    onError: (error) => { note('error', error); if (error.failed) outcome.textContent = 'This payment cannot go ahead (' + error.code + ').'; },
  });
}
load();
`;

/** Adds the inbox page (/inbox) and its backend (/api/inbox/…) to the demo's app. */
export function installInbox(app: express.Express, options: InboxOptions): void {
  const messages: Message[] = [];
  const trustedPartners = loadTrustedPartners(keysExample('partners'));
  const processorKey = JSON.parse(readFileSync(keysExample('processors', `${PROCESSOR}-private.jwk.json`), 'utf8')) as object;
  const bearer = () => mintDevAssertion({ ...options.user, azp: 'payment-flow' });
  const vault = (method: string, path: string, body?: unknown) => bearer().then((b) => vaultCall(paymentFlow, options.vaultInternalUrl, method, path, b, body, options.record));
  const refuse = (res: express.Response, status: number, code: string) => res.status(status).json({ code });
  const messageOf = (req: express.Request) => messages.find((m) => m.id === req.params['id']);

  /** A new invoice from the example partner, as it would arrive by mail: signed with the partner's example key. */
  async function newMessage(): Promise<Message> {
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const invoice = { id: `INV-DEMO-${randomBytes(4).toString('hex').toUpperCase()}`, amount: 12_345, currency: 'EUR', merchantId: 'wide-world-importers', partner: PARTNER, merchantName: 'Wide World Importers', dueDate: due };
    const jws = await mintExampleInvoice({ partner: PARTNER, invoiceId: invoice.id, amount: invoice.amount, currency: invoice.currency, merchantId: invoice.merchantId, merchantName: invoice.merchantName, dueDate: due });
    const message: Message = { id: randomBytes(6).toString('hex'), jws, invoice };
    messages.unshift(message);
    return message;
  }

  app.get('/inbox', (_req, res) => {
    res.type('html').send(INBOX_PAGE);
  });
  app.get('/inbox.js', (_req, res) => {
    res.type('text/javascript').send(INBOX_JS(`${options.vaultPublicUrl}/v1/card-form/embed.js`));
  });
  app.get('/inbox.css', (_req, res) => {
    res.type('text/css').send(INBOX_CSS);
  });

  // The messages (a fresh invoice whenever every one is paid) and the cards the payment flow may charge, masked.
  app.get('/api/inbox', async (_req, res) => {
    if (!messages.some((m) => !m.result)) await newMessage();
    const cards = await vault('GET', '/v1/cards');
    if (cards.status !== 200) return refuse(res, 502, (cards.json as { code?: string } | null)?.code ?? 'vault_unavailable');
    const masked = (cards.json as { data: Array<Record<string, unknown>> }).data.map((c) => ({ id: c['id'], brand: c['brand'], last4: c['last4'], expMonth: c['expMonth'], expYear: c['expYear'] }));
    res.json({
      messages: messages.map((m) => ({
        id: m.id,
        from: 'Wide World Importers via Xero',
        subject: `Invoice ${m.invoice.id}`,
        invoiceId: m.invoice.id,
        merchantName: m.invoice.merchantName,
        amount: m.invoice.amount,
        currency: m.invoice.currency,
        dueDate: m.invoice.dueDate,
        ...(m.result ? { result: m.result } : {}),
      })),
      cards: masked,
    });
  });

  // "Review and pay": the payment flow opens a session for the card and the signed invoice; the page gets only the
  // client secret the pay frame needs (the session id stays here, to read the token after the payment).
  app.post('/api/inbox/messages/:id/pay', async (req, res) => {
    const message = messageOf(req);
    if (!message) return refuse(res, 404, 'message_not_found');
    const body = typeof req.body === 'string' && req.body ? (JSON.parse(req.body) as { cardId?: unknown }) : {};
    if (typeof body.cardId !== 'string') return refuse(res, 400, 'card_required');
    const created = await vault('POST', '/v1/payment-sessions', { cardId: body.cardId, processorId: PROCESSOR, invoice: message.jws });
    const json = created.json as { id?: string; clientSecret?: string; code?: string } | null;
    if (created.status !== 201 || !json?.id || !json.clientSecret) return refuse(res, created.status === 201 ? 502 : created.status, json?.code ?? 'payment_session_refused');
    message.sessionId = json.id;
    res.status(201).json({ sessionSecret: json.clientSecret });
  });

  // After the frame said "paid": the token from the session, redeemed and opened by the reference processor, which
  // checks the binding and the partner's signature and approves. Only masked data goes back to the page.
  app.post('/api/inbox/messages/:id/complete', async (req, res) => {
    const message = messageOf(req);
    if (!message?.sessionId) return refuse(res, 404, 'payment_not_started');
    if (message.result) return res.json(message.result);
    const session = await vault('GET', `/v1/payment-sessions/${encodeURIComponent(message.sessionId)}`);
    const state = session.json as { state?: string; paymentToken?: string; code?: string } | null;
    if (session.status !== 200 || state?.state !== 'confirmed' || !state.paymentToken) return refuse(res, 409, state?.code ?? `payment_session_${state?.state ?? 'unreadable'}`);
    try {
      const redemption = await processorRedeem(options, state.paymentToken);
      const { merchantName: _name, dueDate: _due, ...expected } = message.invoice;
      const card = await openCard(redemption.jwe, processorKey, expected, new Date(), trustedPartners);
      const charged = approve(card);
      message.result = { status: 'approved', brand: charged.brandHint, last4: charged.last4, amount: charged.amount, currency: charged.currency, invoiceId: message.invoice.id, merchantName: message.invoice.merchantName };
      res.json(message.result);
    } catch (error) {
      refuse(res, 422, `processor_refused: ${(error as Error).message}`);
    }
  });
}

/** The reference processor's redeem (its own client certificate), recorded as the processor's traffic. */
async function processorRedeem(options: InboxOptions, token: string) {
  options.record?.({ leg: 'processor→vault', text: `POST ${new URL('/v1/payment-tokens/redeem', options.vaultInternalUrl).href}\n${JSON.stringify({ token })}` });
  const redemption = await redeemToken(options.vaultInternalUrl, {
    certFile: keysExample('tls', 'clients', `processor-${PROCESSOR}.pem`),
    keyFile: keysExample('tls', 'clients', `processor-${PROCESSOR}-key.pem`),
    caFile: keysExample('tls', 'ca.pem'),
  }, token);
  options.record?.({ leg: 'vault→processor', text: JSON.stringify(redemption) });
  return redemption;
}
