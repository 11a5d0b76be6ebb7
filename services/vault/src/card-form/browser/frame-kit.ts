/**
 * What every vault-hosted form does in its frame, the same way: errors tied to their field, messages to the
 * embedding page only at exact allowed origins, the page's appearance applied through the CSSOM after the schema
 * (appearance.ts), the frame's height reported as it changes, and the overload answers (429, 503) said plainly.
 * Used by the card form (card-form.ts) and the pay form (pay-form/browser/pay-form.ts).
 */
import { parseAppearance } from '../appearance.ts';
import { MESSAGE } from './protocol.ts';

/** Shows a field's error (or clears it with null) and marks the field; true when it is now valid. */
export function setFieldError(input: HTMLInputElement, message: string | null): boolean {
  (document.getElementById(`${input.id}-error`) as HTMLElement).textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return message === null;
}

export const showsError = (input: HTMLInputElement): boolean => input.getAttribute('aria-invalid') === 'true';

export type TellPage = (message: Record<string, unknown>, origin?: string) => void;

/** Posts to the parent at `origin`, or (before a session named one) at each allowed origin. */
export function pageMessenger(allowedOrigins: readonly string[]): TellPage {
  return (message, origin) => {
    for (const target of origin ? [origin] : allowedOrigins) window.parent.postMessage(message, target);
  };
}

/** Applies an appearance whole, or tells the page which field the schema refused (and changes nothing). */
export function applyAppearance(appearance: unknown, origin: string, tell: TellPage): void {
  const parsed = parseAppearance(appearance);
  if (!parsed.ok) {
    tell({ type: MESSAGE.error, code: 'appearance_invalid', field: parsed.field }, origin);
    return;
  }
  for (const [property, value] of parsed.properties) document.documentElement.style.setProperty(property, value);
}

/** The page sizes the iframe to the form: errors and status lines change its height. */
export function reportHeight(tell: TellPage, origin: () => string | undefined): void {
  let lastHeight = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    tell({ type: MESSAGE.resize, height }, origin());
  }).observe(document.documentElement);
}

/** The message for a 429 (with `Retry-After` in seconds) or a 503, or null for any other answer. */
export function overloadMessage(response: Response, t: { rateLimited: (seconds: number | null) => string; unavailable: string }): string | null {
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return t.rateLimited(Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : null);
  }
  return response.status === 503 ? t.unavailable : null;
}
