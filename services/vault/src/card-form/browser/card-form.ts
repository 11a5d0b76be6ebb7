/**
 * The hosted card form, in the browser. Served by the vault from its own origin inside an iframe, so the card
 * number goes from the person's browser straight to the vault and never through the embedding page.
 *
 * Protocol with the embedding page (window.postMessage, origins allow-listed by the vault's config):
 *   form → page   {type: 'vault:ready'}                          once loaded
 *   page → form   {type: 'vault:card-session', clientSecret}     the single-use card-entry session secret
 *   form → page   {type: 'vault:card-saved', card}               the masked card (brand, last4, expiry, id)
 *   form → page   {type: 'vault:error', code}                    a failure the page may want to show
 * The secret never appears in a URL.
 */
import { BRANDS, brandInfo, brandOfPrefix, type CardBrand } from '../../cards/card-brand.ts';
import { checkPan } from '../../cards/pan-rules.ts';

const root = document.getElementById('card-form') as HTMLFormElement;
const allowedOrigins: string[] = JSON.parse(root.dataset['origins'] ?? '[]');
const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const number = field('cc-number');
const month = field('cc-exp-month');
const year = field('cc-exp-year');
const name = field('cc-name');
const brandBadge = document.getElementById('brand') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const submit = document.getElementById('submit') as HTMLButtonElement;

let session: { secret: string; origin: string } | null = null;

const brandName = (brand: unknown): string => ((BRANDS as readonly unknown[]).includes(brand) ? brandInfo(brand as CardBrand).displayName : '');

function setError(input: HTMLInputElement, message: string | null): boolean {
  const error = document.getElementById(`${input.id}-error`) as HTMLElement;
  error.textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return message === null;
}

function checkNumber(final: boolean): boolean {
  const value = number.value.trim();
  brandBadge.textContent = brandName(brandOfPrefix(value.replace(/[ -]/g, '')));
  if (!value) return setError(number, final ? 'Enter the card number.' : null);
  const checked = checkPan(value);
  return setError(number, checked.ok || !final ? null : 'This card number is not valid. Check the digits.');
}

function checkExpiry(final: boolean): boolean {
  const m = Number(month.value);
  const y = Number(year.value);
  if (!month.value || !year.value) return setError(year, final ? 'Enter the expiry month and year.' : null);
  const now = new Date();
  if (!Number.isInteger(m) || m < 1 || m > 12) return setError(year, 'The month must be 1 to 12.');
  if (!Number.isInteger(y) || y < now.getFullYear() || y > now.getFullYear() + 20) return setError(year, 'Enter a four-digit year, not in the past.');
  if (y * 12 + m - 1 < now.getFullYear() * 12 + now.getMonth()) return setError(year, 'This card has expired.');
  return setError(year, null);
}

function checkName(final: boolean): boolean {
  return setError(name, name.value.trim() || !final ? null : 'Enter the name on the card.');
}

number.addEventListener('input', () => checkNumber(false));
number.addEventListener('blur', () => checkNumber(true));
month.addEventListener('blur', () => checkExpiry(true));
year.addEventListener('blur', () => checkExpiry(true));
name.addEventListener('blur', () => checkName(true));

function tellPage(message: Record<string, unknown>, origin?: string): void {
  for (const target of origin ? [origin] : allowedOrigins) window.parent.postMessage(message, target);
}

window.addEventListener('message', (event: MessageEvent) => {
  /* Precondition: only an allow-listed embedding page may hand over a session secret. */
  if (!allowedOrigins.includes(event.origin) || event.source !== window.parent) return;
  const data = event.data as { type?: unknown; clientSecret?: unknown };
  if (data?.type === 'vault:card-session' && typeof data.clientSecret === 'string' && /^[A-Za-z0-9_-]{16,200}$/.test(data.clientSecret)) {
    session = { secret: data.clientSecret, origin: event.origin };
    submit.disabled = false;
  }
});

const MESSAGES: Record<string, string> = {
  card_number_invalid: 'This card number is not valid. Check the digits.',
  card_expired: 'This card has expired.',
  expiry_invalid: 'Check the expiry date.',
  unauthenticated: 'This form has expired. Close it and try again.',
  rate_limited: 'Too many attempts. Try again later.',
};

root.addEventListener('submit', async (event) => {
  event.preventDefault();
  const ok = [checkNumber(true), checkExpiry(true), checkName(true)].every(Boolean);
  if (!ok || !session) {
    (root.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
    return;
  }
  submit.disabled = true;
  status.textContent = 'Saving…';
  try {
    const response = await fetch('/v1/cards', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `CardSession ${session.secret}` },
      body: JSON.stringify({ number: number.value.trim(), expMonth: Number(month.value), expYear: Number(year.value), cardholderName: name.value.trim() }),
      credentials: 'omit',
      cache: 'no-store',
    });
    const body = await response.json();
    if (response.ok) {
      number.value = '';
      status.textContent = `Saved ${brandName(body.brand) || 'card'} ending ${body.last4}.`;
      const { id, brand, last4, expMonth, expYear, cardholderName, duplicate } = body;
      tellPage({ type: 'vault:card-saved', card: { id, brand, last4, expMonth, expYear, cardholderName, duplicate: duplicate === true } }, session.origin);
      session = null; // single use
    } else {
      status.textContent = MESSAGES[body.code] ?? 'The card could not be saved.';
      tellPage({ type: 'vault:error', code: body.code }, session.origin);
      submit.disabled = body.code === 'unauthenticated';
    }
  } catch {
    status.textContent = 'The card could not be saved. Check your connection.';
    submit.disabled = false;
  }
});

tellPage({ type: 'vault:ready' });
