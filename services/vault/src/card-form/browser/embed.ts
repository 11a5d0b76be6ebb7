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
import { MESSAGE, PROTOCOL_VERSION } from './protocol.ts';
import type { CardFormAppearance, FormChange, Mount, MountedCardForm, MountOptions, SavedCard } from './embed-types.ts';

export type * from './embed-types.ts';

export const version = String(PROTOCOL_VERSION);

/** The vault serving this module: the form is on the same origin. */
const VAULT_ORIGIN = new URL(import.meta.url).origin;

export const mount: Mount = (element: HTMLElement, options: MountOptions): MountedCardForm => {
  if (!(element instanceof HTMLElement)) throw new TypeError('VaultCardForm.mount: element must be an HTMLElement');
  if (typeof options?.sessionSecret !== 'string' && typeof options?.sessionSecret !== 'function') {
    throw new TypeError('VaultCardForm.mount: options.sessionSecret must be a string or a function returning one');
  }
  const locale = localeOf(options.locale);
  const iframe = document.createElement('iframe');
  iframe.src = `${VAULT_ORIGIN}/v1/card-form?locale=${locale}`;
  iframe.title = options.title ?? MESSAGES[locale].title;
  iframe.setAttribute('scrolling', 'no');
  iframe.style.border = '0';
  iframe.style.width = '100%';
  iframe.style.height = '320px';
  iframe.style.display = 'block';

  let mounted = true;
  let savedWithString = false;
  let appearance = options.appearance;
  /** Posts to the form; a message that cannot be sent (not cloneable) is reported, not thrown into the page. */
  const post = (message: Record<string, unknown>) => {
    try {
      iframe.contentWindow?.postMessage(message, VAULT_ORIGIN);
    } catch {
      options.onError?.({ code: 'message_not_sent' });
    }
  };

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
      case MESSAGE.error:
        options.onError?.({ code: String(data['code']), ...(typeof data['field'] === 'string' ? { field: data['field'] } : {}) });
        break;
      case MESSAGE.resize:
        if (typeof data['height'] === 'number' && data['height'] > 0 && data['height'] < 5000) iframe.style.height = `${Math.ceil(data['height'])}px`;
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

/** The same, as one object (`VaultCardForm.mount(…)`). */
export const VaultCardForm = { mount, version };
