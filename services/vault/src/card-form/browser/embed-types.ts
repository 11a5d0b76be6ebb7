/**
 * The public types of the embed SDK (`/v1/card-form/embed.js`), self-contained (no imports) so that the build
 * turns this file alone into the `embed.d.ts` the vault serves beside the SDK. The card form's protocol
 * (protocol.ts) uses the same types.
 */

/** Languages the form speaks. */
export type CardFormLocale = 'en' | 'de' | 'fr' | 'es';

/**
 * Theming, validated by the form against a schema and applied as CSS custom properties; a value outside the
 * schema refuses the whole object (onError with `appearance_invalid` and the field).
 */
export interface CardFormAppearance {
  /** `#rgb` or `#rrggbb`. */
  colorPrimary?: string;
  colorBackground?: string;
  colorText?: string;
  colorDanger?: string;
  colorBorder?: string;
  /** One of: system, sans-serif, serif, monospace, arial, helvetica, georgia, times-new-roman, verdana, segoe-ui, roboto. */
  fontFamily?: string;
  /** px, integer, 12–24. */
  fontSizeBase?: number;
  /** px, integer, 0–24. */
  borderRadius?: number;
  /** px, integer, 2–16. */
  spacingUnit?: number;
}

/** A card as the form hands it to the page: masked, never the number. */
export interface SavedCard {
  readonly id: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
  /** The same card was already stored for this user (it was updated, not added). */
  readonly duplicate: boolean;
}

/** After each edit: the brand the number can only be so far (`unknown` until then), and the form's state. */
export interface FormChange {
  readonly brand: string;
  readonly empty: boolean;
  /** Every field filled and valid. */
  readonly complete: boolean;
}

export interface CardFormError {
  /**
   * The vault's error code (`unauthenticated`, `rate_limited`, …), `http_<status>`, `appearance_invalid`,
   * `session_unavailable` (the sessionSecret function failed) or `message_not_sent` (e.g. an appearance that
   * cannot be cloned).
   */
  readonly code: string;
  /** For `appearance_invalid`: the refused key. */
  readonly field?: string;
}

export interface MountOptions {
  /**
   * The card-entry session secret your backend got from `POST /v1/card-sessions`, or a function that gets a new
   * one: a session is single use, so with a function the form can save another card after each save.
   */
  sessionSecret: string | (() => Promise<string>);
  appearance?: CardFormAppearance;
  locale?: CardFormLocale;
  /** The iframe's accessible title (default: the form's own title in its language). */
  title?: string;
  onReady?: () => void;
  onChange?: (change: FormChange) => void;
  onSaved?: (card: SavedCard) => void;
  onError?: (error: CardFormError) => void;
}

export interface MountedCardForm {
  readonly iframe: HTMLIFrameElement;
  /** Applies a new appearance (validated by the form as at mount). */
  setAppearance(appearance: CardFormAppearance): void;
  /** Removes the form and stops listening to it. */
  unmount(): void;
}

export type Mount = (element: HTMLElement, options: MountOptions) => MountedCardForm;

/** The pay form's errors: the vault's code; `failed: true` when the session has ended (nothing more can be paid). */
export interface PayFormError {
  /**
   * The vault's error code (`cvc_invalid`, `rate_limited`, `invoice_already_paid`, `payment_session_closed`,
   * `payment_session_expired`, `unauthenticated`, …), `http_<status>`, `appearance_invalid` or `message_not_sent`.
   */
  readonly code: string;
  /** For `appearance_invalid`: the refused key. */
  readonly field?: string;
  /** The session cannot succeed any more: open a new one to pay. */
  readonly failed?: boolean;
}

export interface PayFormMountOptions {
  /** The payment session's `clientSecret` (from `POST /v1/payment-sessions`, made by your payment backend). */
  sessionSecret: string;
  appearance?: CardFormAppearance;
  locale?: CardFormLocale;
  /** The iframe's accessible title (default: the form's own title in its language). */
  title?: string;
  onReady?: () => void;
  /** The vault issued the payment token; your backend reads it from `GET /v1/payment-sessions/{id}`. */
  onPaid?: () => void;
  onError?: (error: PayFormError) => void;
}

export interface MountedPayForm {
  readonly iframe: HTMLIFrameElement;
  /** Applies a new appearance (validated by the form as at mount). */
  setAppearance(appearance: CardFormAppearance): void;
  /** Removes the form and stops listening to it. */
  unmount(): void;
}

export type MountPayForm = (element: HTMLElement, options: PayFormMountOptions) => MountedPayForm;
