/**
 * The embed SDK, served by the vault as an ES module at `/v1/card-form/embed.js` (types at
 * `/v1/card-form/embed.d.ts`; the `v1` in the path is its version, changed only with a breaking change):
 *
 *   import { mount } from 'https://vault.example/v1/card-form/embed.js';
 *   const form = mount(document.getElementById('card'), {
 *     sessionSecret: () => fetch('/my-backend/card-session', { method: 'POST' }).then((r) => r.json()).then((j) => j.clientSecret),
 *     locale: 'de', appearance: { colorPrimary: '#0a7cff', borderRadius: 8 },
 *     onSaved: (card) => …, onChange: (c) => …, onError: (e) => …,
 *   });
 *   form.unmount();
 *
 * It creates the form's iframe (on the vault's origin, the SDK's own), and speaks the protocol of protocol.ts
 * with exact origins both ways. The card number never reaches the page: the SDK only ever sees the messages.
 */
import { localeOf, MESSAGES } from '../messages.ts';
import { PAY_MESSAGES } from '../../pay-form/pay-form-messages.ts';
import { PAY_MESSAGE } from '../../pay-form/browser/pay-protocol.ts';
import { MESSAGE, PROTOCOL_VERSION } from './protocol.ts';
import type { CardFormAppearance, FormChange, Mount, MountedCardForm, MountedPayForm, MountOptions, MountPayForm, PayFormMountOptions, SavedCard } from './embed-types.ts';

export type * from './embed-types.ts';

export const version = String(PROTOCOL_VERSION);

/** The vault serving this module: the form is on the same origin. */
const VAULT_ORIGIN = new URL(import.meta.url).origin;

/** A form's iframe on the vault's origin, sized by the form's resize messages. */
function formFrame(path: string, title: string): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.src = `${VAULT_ORIGIN}${path}`;
  iframe.title = title;
  iframe.setAttribute('scrolling', 'no');
  iframe.style.border = '0';
  iframe.style.width = '100%';
  iframe.style.height = '320px';
  iframe.style.display = 'block';
  return iframe;
}

/** Posts to the form; a message that cannot be sent (not cloneable) is reported, not thrown into the page. */
function poster(iframe: HTMLIFrameElement, onError?: (error: { code: string }) => void): (message: Record<string, unknown>) => void {
  return (message) => {
    try {
      iframe.contentWindow?.postMessage(message, VAULT_ORIGIN);
    } catch {
      onError?.({ code: 'message_not_sent' });
    }
  };
}

/** The frame's messages common to both forms (error, resize); false for any other type. */
function commonMessage(iframe: HTMLIFrameElement, data: Record<string, unknown>, onError?: (error: { code: string; field?: string }) => void): boolean {
  if (data['type'] === MESSAGE.error) {
    onError?.({ code: String(data['code']), ...(typeof data['field'] === 'string' ? { field: data['field'] } : {}) });
    return true;
  }
  if (data['type'] === MESSAGE.resize) {
    if (typeof data['height'] === 'number' && data['height'] > 0 && data['height'] < 5000) iframe.style.height = `${Math.ceil(data['height'])}px`;
    return true;
  }
  return false;
}

export const mount: Mount = (element: HTMLElement, options: MountOptions): MountedCardForm => {
  if (!(element instanceof HTMLElement)) throw new TypeError('VaultCardForm.mount: element must be an HTMLElement');
  if (typeof options?.sessionSecret !== 'string' && typeof options?.sessionSecret !== 'function') {
    throw new TypeError('VaultCardForm.mount: options.sessionSecret must be a string or a function returning one');
  }
  const locale = localeOf(options.locale);
  const iframe = formFrame(`/v1/card-form?locale=${locale}`, options.title ?? MESSAGES[locale].title);

  let mounted = true;
  let savedWithString = false;
  let appearance = options.appearance;
  const post = poster(iframe, options.onError);

  /**
   * Hands the form a session: a string until a card was saved with it (also again when the frame reloads), or a
   * new one from the function each time.
   */
  async function handOverSession(): Promise<void> {
    const source = options.sessionSecret;
    if (typeof source === 'string' && savedWithString) return;
    try {
      const clientSecret = typeof source === 'string' ? source : await source();
      if (mounted) post({ type: MESSAGE.cardSession, clientSecret });
    } catch {
      options.onError?.({ code: 'session_unavailable' });
    }
  }

  function onMessage(event: MessageEvent): void {
    if (event.origin !== VAULT_ORIGIN || event.source !== iframe.contentWindow) return;
    const data = event.data as { type?: unknown } & Record<string, unknown>;
    if (data && commonMessage(iframe, data, options.onError)) return;
    switch (data?.type) {
      case MESSAGE.ready:
        if (appearance) post({ type: MESSAGE.appearance, appearance });
        void handOverSession();
        options.onReady?.();
        break;
      case MESSAGE.change:
        options.onChange?.({ brand: String(data['brand']), empty: data['empty'] === true, complete: data['complete'] === true } satisfies FormChange);
        break;
      case MESSAGE.cardSaved:
        if (typeof options.sessionSecret === 'string') savedWithString = true;
        options.onSaved?.(data['card'] as SavedCard);
        void handOverSession();
        break;
    }
  }

  window.addEventListener('message', onMessage);
  element.appendChild(iframe);
  return {
    iframe,
    setAppearance(next: CardFormAppearance) {
      appearance = next; // kept for a reload of the frame
      post({ type: MESSAGE.appearance, appearance: next });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
};

/**
 * The pay form (issue 23): shows the payment session's card and partner-signed invoice and takes the security
 * code, which goes from the frame straight to the vault. The page learns only `onPaid()` or `onError({code})`
 * (`failed: true` when the session has ended); never the code.
 */
export const mountPayForm: MountPayForm = (element: HTMLElement, options: PayFormMountOptions): MountedPayForm => {
  if (!(element instanceof HTMLElement)) throw new TypeError('VaultCardForm.mountPayForm: element must be an HTMLElement');
  if (typeof options?.sessionSecret !== 'string') throw new TypeError('VaultCardForm.mountPayForm: options.sessionSecret must be a string');
  const locale = localeOf(options.locale);
  const iframe = formFrame(`/v1/pay-form?locale=${locale}`, options.title ?? PAY_MESSAGES[locale].title);
  let appearance = options.appearance;
  const post = poster(iframe, options.onError);

  function onMessage(event: MessageEvent): void {
    if (event.origin !== VAULT_ORIGIN || event.source !== iframe.contentWindow) return;
    const data = event.data as { type?: unknown } & Record<string, unknown>;
    if (data && commonMessage(iframe, data, options.onError)) return;
    switch (data?.type) {
      case PAY_MESSAGE.ready:
        if (appearance) post({ type: PAY_MESSAGE.appearance, appearance });
        post({ type: PAY_MESSAGE.paymentSession, sessionSecret: options.sessionSecret });
        options.onReady?.();
        break;
      case PAY_MESSAGE.paid:
        options.onPaid?.();
        break;
      case PAY_MESSAGE.failed:
        options.onError?.({ code: String(data['code']), failed: true });
        break;
    }
  }

  window.addEventListener('message', onMessage);
  element.appendChild(iframe);
  let mounted = true;
  return {
    iframe,
    setAppearance(next) {
      appearance = next;
      post({ type: PAY_MESSAGE.appearance, appearance: next });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
};

/** The same, as one object (`VaultCardForm.mount(…)`, `VaultCardForm.mountPayForm(…)`). */
export const VaultCardForm = { mount, mountPayForm, version };
