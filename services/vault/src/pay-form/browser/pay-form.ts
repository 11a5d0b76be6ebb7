/**
 * The pay form, in the browser (issue 23, part 3). Served by the vault from its own origin inside an iframe: the
 * page hands it the payment session's secret; it shows what the session binds (payee and amount as the partner
 * signed them, invoice, due date, the masked card) and takes the security code, which goes from here straight to
 * the vault in one request. The code lives only in this page's memory (the field) and that request's body: never
 * in a message to the page, a URL, a log or storage. The page learns only `paid`, or `failed` with the vault's code.
 */
import { BRANDS, brandInfo, type CardBrand } from '../../cards/card-brand.ts';
import { applyAppearance, overloadMessage, pageMessenger, reportHeight, setFieldError, showsError } from '../../card-form/browser/frame-kit.ts';
import { localeOf } from '../../card-form/messages.ts';
import { formatAmount, formatCardExpiry, formatDueDate, securityCodeInput, securityCodeLength, securityCodeProblem } from '../pay-form-formats.ts';
import { PAY_MESSAGES } from '../pay-form-messages.ts';
import { PAY_MESSAGE, PROTOCOL_VERSION, SESSION_SECRET } from './pay-protocol.ts';

const root = document.getElementById('pay-form') as HTMLFormElement;
const allowedOrigins: string[] = JSON.parse(root.dataset['origins'] ?? '[]');
const locale = localeOf(root.dataset['locale']);
const t = PAY_MESSAGES[locale];
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const code = byId<HTMLInputElement>('cc-csc');
const pay = byId<HTMLButtonElement>('pay');
const status = byId<HTMLElement>('status');
const tellPage = pageMessenger(allowedOrigins);

/** The session secret and the page that handed it over; dropped once the session has ended. */
let session: { secret: string; origin: string } | null = null;
let codeLength = 3;
let busy = false;
let ended = false;

interface PayFormView {
  state: string;
  /** When failed: the code that ended the session. */
  code?: string;
  card: { brand: string; last4: string; expMonth: number; expYear: number; cvcLength: number };
  invoice: { id: string; amount: number; currency: string; merchantName: string; dueDate: string };
}

const authorization = (secret: string) => ({ authorization: `PaymentSession ${secret}` });

// ---- the code field ----------------------------------------------------------------------------------------

function problem(): string | null {
  const p = securityCodeProblem(code.value, codeLength);
  return p === 'missing' ? t.codeMissing : p === 'invalid' ? t.codeInvalid(codeLength) : null;
}

code.addEventListener('input', () => {
  const caret = code.selectionStart ?? code.value.length;
  const before = code.value.length;
  code.value = securityCodeInput(code.value, codeLength);
  const at = Math.max(0, caret - (before - code.value.length));
  if (document.activeElement === code) code.setSelectionRange(at, at);
  // While typing, an error already shown only goes away once the code is valid; none is added.
  if (showsError(code) && problem() === null) setFieldError(code, null);
});
code.addEventListener('blur', () => code.value && setFieldError(code, problem()));

// ---- showing the session -----------------------------------------------------------------------------------

function show(view: PayFormView): void {
  const { card, invoice } = view;
  const brand: CardBrand = (BRANDS as readonly string[]).includes(card.brand) ? (card.brand as CardBrand) : 'unknown';
  const amount = formatAmount(invoice.amount, invoice.currency, locale);
  // textContent only: the payee is the partner's text, shown as text.
  byId('merchant').textContent = invoice.merchantName;
  byId('amount').textContent = amount;
  byId('invoice-id').textContent = invoice.id;
  byId('due-date').textContent = formatDueDate(invoice.dueDate, locale);
  byId('card').textContent = `${brandInfo(brand).displayName || t.card} •••• ${card.last4}, ${t.cardExpires(formatCardExpiry(card.expMonth, card.expYear))}`;
  byId<HTMLImageElement>('brand-icon').src = `/v1/card-form/brands/${brand}.svg`;
  codeLength = securityCodeLength(card.brand, card.cvcLength);
  code.maxLength = codeLength;
  byId('cc-csc-hint').textContent = t.codeHint(codeLength);
  pay.textContent = t.payAmount(amount);
  byId('loading').hidden = true;
  byId('summary').hidden = false;
  byId('code-field').hidden = false;
  pay.hidden = false;
  setBusy(false);
}

/** The session can no longer succeed: say so, tell the page the vault's code, forget the secret and the code. */
function fail(codeName: string, message: string): void {
  const origin = session?.origin;
  ended = true;
  session = null;
  code.value = '';
  code.disabled = true;
  pay.disabled = true;
  byId('loading').hidden = true;
  status.textContent = message;
  tellPage({ type: PAY_MESSAGE.failed, code: codeName }, origin);
}

function paid(): void {
  const origin = session?.origin;
  ended = true;
  session = null;
  code.value = '';
  for (const id of ['summary', 'code-field', 'loading']) byId(id).hidden = true;
  pay.hidden = true;
  status.textContent = t.paid;
  status.className = 'paid';
  tellPage({ type: PAY_MESSAGE.paid }, origin);
}

const failure = (codeName: string) => (codeName === 'invoice_already_paid' ? t.alreadyPaid : codeName === 'unauthenticated' || codeName === 'payment_session_expired' ? t.expired : t.failed);

async function load(): Promise<void> {
  const current = session;
  if (!current) return;
  try {
    const response = await fetch('/v1/payment-sessions/current', { headers: authorization(current.secret), credentials: 'omit', cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (session !== current) return;
    if (response.ok) {
      const view = body as PayFormView;
      if (view.state === 'open') return show(view);
      if (view.state === 'confirmed') return paid();
      // A session that failed before the form loaded: the code that ended it, as the vault recorded it.
      const name = view.state === 'expired' ? 'payment_session_expired' : view.state === 'failed' && typeof view.code === 'string' ? view.code : 'payment_session_closed';
      return fail(name, failure(name));
    }
    const overload = overloadMessage(response, t);
    if (overload) {
      status.textContent = overload;
      return;
    }
    const name = typeof body.code === 'string' ? body.code : `http_${response.status}`;
    fail(name, failure(name));
  } catch {
    status.textContent = t.offline;
  }
}

// ---- messages from the page --------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent) => {
  /* Precondition: only an allow-listed embedding page may talk to the form. */
  if (!allowedOrigins.includes(event.origin) || event.source !== window.parent) return;
  const data = event.data as { type?: unknown; sessionSecret?: unknown; appearance?: unknown };
  if (data?.type === PAY_MESSAGE.paymentSession && typeof data.sessionSecret === 'string' && SESSION_SECRET.test(data.sessionSecret)) {
    if (ended || session) return; // one session per frame
    session = { secret: data.sessionSecret, origin: event.origin };
    void load();
  } else if (data?.type === PAY_MESSAGE.appearance) {
    applyAppearance(data.appearance, event.origin, tellPage);
  }
});

// ---- paying ------------------------------------------------------------------------------------------------

function setBusy(on: boolean): void {
  busy = on;
  pay.disabled = on || !session || ended;
  pay.setAttribute('aria-busy', on ? 'true' : 'false');
  root.setAttribute('aria-busy', on ? 'true' : 'false');
}

root.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy || ended || !session) return;
  if (!setFieldError(code, problem())) {
    code.focus();
    return;
  }
  const current = session;
  setBusy(true);
  status.textContent = t.paying;
  try {
    const response = await fetch('/v1/payment-sessions/current/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(current.secret) },
      body: JSON.stringify({ cvc: code.value }),
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok && body.status === 'paid') return paid();
    const overload = overloadMessage(response, t);
    if (overload) {
      status.textContent = overload;
      tellPage({ type: PAY_MESSAGE.error, code: typeof body.code === 'string' ? body.code : `http_${response.status}` }, current.origin);
      return;
    }
    const name = typeof body.code === 'string' ? body.code : `http_${response.status}`;
    if (name === 'cvc_invalid') {
      // A wrong-format code counts; the last one allowed fails the session (the vault says so when asked).
      status.textContent = '';
      setFieldError(code, t.codeInvalid(codeLength));
      const state = await fetch('/v1/payment-sessions/current', { headers: authorization(current.secret), credentials: 'omit', cache: 'no-store' })
        .then((r): Promise<{ state?: unknown; code?: unknown }> => (r.ok ? r.json() : Promise.resolve({})))
        .catch((): { state?: unknown; code?: unknown } => ({}));
      if (state.state === 'failed') {
        const endedBy = typeof state.code === 'string' ? state.code : 'cvc_invalid';
        fail(endedBy, failure(endedBy));
      }
      else tellPage({ type: PAY_MESSAGE.error, code: name }, current.origin);
      return;
    }
    fail(name, failure(name));
  } catch {
    status.textContent = t.offline;
  } finally {
    if (!ended) setBusy(false);
    else {
      busy = false;
      pay.setAttribute('aria-busy', 'false');
      root.setAttribute('aria-busy', 'false');
    }
  }
});

reportHeight(tellPage, () => session?.origin);
tellPage({ type: PAY_MESSAGE.ready, version: PROTOCOL_VERSION });
