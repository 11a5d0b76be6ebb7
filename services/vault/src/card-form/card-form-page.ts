import { escapeHtml, hostedPageHead } from './hosted-page.ts';
import { MESSAGES, type Locale } from './messages.ts';

/**
 * The hosted card form's HTML in one language: no inline script or style (the CSP forbids both), a label and an
 * error element tied to every field, autocomplete names the browser's card autofill understands (`cc-name`,
 * `cc-number`, `cc-exp`), and the page's language in `lang`. The inputs have no `name`: should the form ever be
 * submitted natively (its script failed), nothing of the card would be sent with it, in a URL or otherwise.
 */
export function cardFormPage(allowedOrigins: readonly string[], locale: Locale): string {
  const t = MESSAGES[locale];
  const origins = escapeHtml(JSON.stringify(allowedOrigins));
  return `${hostedPageHead(locale, t.title, ['/v1/card-form/card-form.css'])}
<main>
<h1 class="visually-hidden">${escapeHtml(t.title)}</h1>
<form id="card-form" data-origins="${origins}" data-locale="${locale}" novalidate autocomplete="on" aria-label="${escapeHtml(t.title)}">
  <div class="field">
    <label for="cc-name">${escapeHtml(t.nameLabel)}</label>
    <input id="cc-name" autocomplete="cc-name" required aria-describedby="cc-name-error" maxlength="100" spellcheck="false">
    <p id="cc-name-error" class="error" role="alert"></p>
  </div>
  <div class="field">
    <label for="cc-number">${escapeHtml(t.numberLabel)}</label>
    <div class="with-icon">
      <input id="cc-number" autocomplete="cc-number" inputmode="numeric" required aria-describedby="brand cc-number-error" maxlength="40" spellcheck="false" autocorrect="off">
      <img id="brand-icon" src="/v1/card-form/brands/unknown.svg" alt="" width="40" height="26">
    </div>
    <span id="brand" class="brand" aria-live="polite"></span>
    <p id="cc-number-error" class="error" role="alert"></p>
  </div>
  <div class="field">
    <label for="cc-exp">${escapeHtml(t.expiryLabel)} <span class="hint">(${escapeHtml(t.expiryHint)})</span></label>
    <input id="cc-exp" autocomplete="cc-exp" inputmode="numeric" required aria-describedby="cc-exp-error" maxlength="9" placeholder="${escapeHtml(t.expiryHint)}">
    <p id="cc-exp-error" class="error" role="alert"></p>
  </div>
  <button id="submit" type="submit" disabled>${escapeHtml(t.submit)}</button>
  <p id="status" role="status" aria-live="polite"></p>
</form>
</main>
<script src="/v1/card-form/card-form.js"></script>
</body>
</html>
`;
}
