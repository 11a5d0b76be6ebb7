/**
 * The hosted card form, in the browser. Served by the vault from its own origin inside an iframe, so the card
 * number goes from the person's browser straight to the vault and never through the embedding page. The
 * messages it exchanges with the page are in protocol.ts; the embed SDK (embed.ts) speaks them.
 *
 * As a person types: the number is grouped per brand with the caret kept, the brand's icon and name shown once
 * the digits fit one network, the expiry written MM / YY. Errors appear on leaving a field and on submit, never
 * while a valid beginning is being typed; an error already shown goes away as soon as the field is valid.
 */
import { BRANDS, brandInfo, brandOfPrefix, type CardBrand } from '../../cards/card-brand.ts';
import { checkPan } from '../../cards/pan-rules.ts';
import { backspaceOverSpace, formatExpiryInput, formatPanInput, parseExpiry, type Edited } from '../field-formats.ts';
import { localeOf, MESSAGES } from '../messages.ts';
import { applyAppearance, overloadMessage, pageMessenger, reportHeight, setFieldError, showsError } from './frame-kit.ts';
import { MESSAGE, PROTOCOL_VERSION, SESSION_SECRET, type FormChange } from './protocol.ts';

const root = document.getElementById('card-form') as HTMLFormElement;
const allowedOrigins: string[] = JSON.parse(root.dataset['origins'] ?? '[]');
const t = MESSAGES[localeOf(root.dataset['locale'])];
const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const number = field('cc-number');
const expiry = field('cc-exp');
const name = field('cc-name');
const brandText = document.getElementById('brand') as HTMLElement;
const brandIcon = document.getElementById('brand-icon') as HTMLImageElement;
const status = document.getElementById('status') as HTMLElement;
const submit = document.getElementById('submit') as HTMLButtonElement;

let session: { secret: string; origin: string } | null = null;
let busy = false;

const isBrand = (b: unknown): b is CardBrand => (BRANDS as readonly unknown[]).includes(b);
const brandName = (brand: unknown): string => (isBrand(brand) ? brandInfo(brand).displayName : '');
const digitsOf = (value: string) => value.replace(/[^0-9]/g, '');

// ---- errors ------------------------------------------------------------------------------------------------

const setError = setFieldError;
const showing = showsError;

/** The field's problem, or null when it is valid. */
const problems: Record<'number' | 'expiry' | 'name', () => string | null> = {
  number: () => {
    const digits = digitsOf(number.value);
    if (!digits) return t.numberMissing;
    return checkPan(digits).ok ? null : t.numberInvalid;
  },
  expiry: () => {
    if (!expiry.value.trim()) return t.expiryMissing;
    const date = parseExpiry(expiry.value);
    if (!date) return t.expiryInvalid;
    const now = new Date();
    if (date.year > now.getFullYear() + 20) return t.expiryInvalid;
    if (date.year * 12 + date.month - 1 < now.getFullYear() * 12 + now.getMonth()) return t.expiryPast;
    return null;
  },
  name: () => (name.value.trim() ? null : t.nameMissing),
};
const inputs = { number, expiry, name } as const;

/** On blur and submit: show the field's problem (or clear it). */
function check(which: keyof typeof problems): boolean {
  return setError(inputs[which], problems[which]());
}

/** While typing: only clear an error already shown once the field is valid; never add one. */
function recheck(which: keyof typeof problems): void {
  if (showing(inputs[which]) && problems[which]() === null) setError(inputs[which], null);
}

// ---- telling the page --------------------------------------------------------------------------------------

const tellPage = pageMessenger(allowedOrigins);

function tellChange(): void {
  const change: FormChange = {
    brand: brandOfPrefix(digitsOf(number.value)),
    empty: !number.value && !expiry.value && !name.value,
    complete: problems.number() === null && problems.expiry() === null && problems.name() === null,
  };
  tellPage({ type: MESSAGE.change, ...change }, session?.origin);
}

// ---- the number and expiry fields --------------------------------------------------------------------------

function apply(input: HTMLInputElement, edited: Edited): void {
  input.value = edited.value;
  if (document.activeElement === input) input.setSelectionRange(edited.caret, edited.caret);
}

let shownBrand: CardBrand | null = null;
function showBrand(): void {
  const brand = brandOfPrefix(digitsOf(number.value));
  if (brand === shownBrand) return;
  shownBrand = brand;
  brandText.textContent = brandName(brand);
  brandIcon.src = `/v1/card-form/brands/${brand}.svg`;
}

number.addEventListener('beforeinput', (event) => {
  if (event.inputType !== 'deleteContentBackward' || number.selectionStart !== number.selectionEnd) return;
  const edited = backspaceOverSpace(number.value, number.selectionStart ?? 0);
  if (!edited) return;
  event.preventDefault();
  apply(number, edited);
  number.dispatchEvent(new Event('input'));
});

number.addEventListener('input', () => {
  apply(number, formatPanInput(number.value, number.selectionStart ?? number.value.length));
  showBrand();
  recheck('number');
  tellChange();
});

expiry.addEventListener('input', (event) => {
  const deleting = (event as InputEvent).inputType?.startsWith('delete') ?? false;
  apply(expiry, formatExpiryInput(expiry.value, expiry.selectionStart ?? expiry.value.length, deleting));
  recheck('expiry');
  tellChange();
});

name.addEventListener('input', () => {
  recheck('name');
  tellChange();
});

number.addEventListener('blur', () => number.value && check('number'));
expiry.addEventListener('blur', () => expiry.value && check('expiry'));
name.addEventListener('blur', () => name.value && check('name'));

// ---- messages from the page --------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent) => {
  /* Precondition: only an allow-listed embedding page may talk to the form. */
  if (!allowedOrigins.includes(event.origin) || event.source !== window.parent) return;
  const data = event.data as { type?: unknown; clientSecret?: unknown; appearance?: unknown };
  if (data?.type === MESSAGE.cardSession && typeof data.clientSecret === 'string' && SESSION_SECRET.test(data.clientSecret)) {
    session = { secret: data.clientSecret, origin: event.origin };
    if (!busy) submit.disabled = false;
  } else if (data?.type === MESSAGE.appearance) {
    applyAppearance(data.appearance, event.origin, tellPage);
  }
});

// ---- saving ------------------------------------------------------------------------------------------------

const CODE_MESSAGES: Record<string, string> = {
  card_number_invalid: t.numberInvalid,
  card_expired: t.expiryPast,
  expiry_invalid: t.expiryInvalid,
  unauthenticated: t.sessionExpired,
};

function setBusy(on: boolean): void {
  busy = on;
  submit.disabled = on || !session;
  submit.setAttribute('aria-busy', on ? 'true' : 'false');
  root.setAttribute('aria-busy', on ? 'true' : 'false');
}

/** The message for a refused save: the vault's code, or the HTTP status for overload. */
function refusal(response: Response, code: unknown): string {
  return overloadMessage(response, t) ?? ((typeof code === 'string' && CODE_MESSAGES[code]) || t.notSaved);
}

root.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy) return;
  const ok = [check('name'), check('number'), check('expiry')].every(Boolean);
  if (!ok || !session) {
    (root.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
    return;
  }
  const date = parseExpiry(expiry.value)!;
  const current = session;
  setBusy(true);
  status.textContent = t.saving;
  try {
    const response = await fetch('/v1/cards', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `CardSession ${current.secret}` },
      body: JSON.stringify({ number: digitsOf(number.value), expMonth: date.month, expYear: date.year, cardholderName: name.value.trim() }),
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      number.value = '';
      expiry.value = '';
      showBrand();
      status.textContent = t.saved(brandName(body.brand) || t.genericCard, String(body.last4));
      const { id, brand, last4, expMonth, expYear, cardholderName, duplicate } = body;
      // Single use: the page hands over a new one for the next card (one that arrived meanwhile is kept).
      if (session === current) session = null;
      tellChange();
      tellPage({ type: MESSAGE.cardSaved, card: { id, brand, last4, expMonth, expYear, cardholderName, duplicate: duplicate === true } }, current.origin);
    } else {
      status.textContent = refusal(response, body.code);
      if (body.code === 'unauthenticated' && session === current) session = null;
      tellPage({ type: MESSAGE.error, code: typeof body.code === 'string' ? body.code : `http_${response.status}` }, current.origin);
    }
  } catch {
    status.textContent = t.offline;
  } finally {
    setBusy(false);
  }
});

reportHeight(tellPage, () => session?.origin);

tellPage({ type: MESSAGE.ready, version: PROTOCOL_VERSION });
