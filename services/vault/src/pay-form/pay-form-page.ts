import { escapeHtml, hostedPageHead } from '../card-form/hosted-page.ts';
import type { Locale } from '../card-form/messages.ts';
import { PAY_MESSAGES } from './pay-form-messages.ts';

/**
 * The pay form's HTML in one language. The card form's standards (card-form-page.ts): no inline script or style,
 * a label, hint and error tied to the one field, the page's language in `lang`. What the session shows (payee,
 * amount, invoice, due date, masked card) is filled in by the script as text, never as HTML. The code field has
 * no `name`: a native submit (the script failed) sends nothing, in a URL or otherwise.
 */
export function payFormPage(allowedOrigins: readonly string[], locale: Locale): string {
  const t = PAY_MESSAGES[locale];
  const origins = escapeHtml(JSON.stringify(allowedOrigins));
  return `${hostedPageHead(locale, t.title, ['/v1/card-form/card-form.css', '/v1/pay-form/pay-form.css'])}
<main>
<h1 class="visually-hidden">${escapeHtml(t.title)}</h1>
<form id="pay-form" data-origins="${origins}" data-locale="${locale}" novalidate autocomplete="on" aria-label="${escapeHtml(t.title)}" aria-busy="true">
  <p id="loading">${escapeHtml(t.loading)}</p>
  <dl id="summary" hidden>
    <div class="row payee"><dt>${escapeHtml(t.payee)}</dt><dd id="merchant"></dd></div>
    <div class="row amount"><dt>${escapeHtml(t.amount)}</dt><dd id="amount"></dd></div>
    <div class="row"><dt>${escapeHtml(t.invoice)}</dt><dd id="invoice-id"></dd></div>
    <div class="row"><dt>${escapeHtml(t.dueDate)}</dt><dd id="due-date"></dd></div>
    <div class="row"><dt>${escapeHtml(t.card)}</dt><dd class="card"><img id="brand-icon" src="/v1/card-form/brands/unknown.svg" alt="" width="40" height="26"> <span id="card"></span></dd></div>
  </dl>
  <div class="field" id="code-field" hidden>
    <label for="cc-csc">${escapeHtml(t.codeLabel)}</label>
    <input id="cc-csc" autocomplete="cc-csc" inputmode="numeric" required aria-describedby="cc-csc-hint cc-csc-error" maxlength="4" spellcheck="false" autocorrect="off">
    <p id="cc-csc-hint" class="hint"></p>
    <p id="cc-csc-error" class="error" role="alert"></p>
  </div>
  <button id="pay" type="submit" disabled hidden>${escapeHtml(t.pay)}</button>
  <p id="status" role="status" aria-live="polite"></p>
</form>
</main>
<script src="/v1/pay-form/pay-form.js"></script>
</body>
</html>
`;
}
