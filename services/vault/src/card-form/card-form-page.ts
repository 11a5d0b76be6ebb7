/** The hosted card form's HTML: no inline script or style (the CSP forbids both), labels and errors tied to fields. */
export function cardFormPage(allowedOrigins: readonly string[]): string {
  const origins = JSON.stringify(allowedOrigins).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Card details</title>
<link rel="stylesheet" href="/v1/card-form/card-form.css">
</head>
<body>
<form id="card-form" data-origins="${origins}" novalidate autocomplete="on">
  <label for="cc-name">Name on card
    <input id="cc-name" name="cc-name" autocomplete="cc-name" required aria-describedby="cc-name-error" maxlength="100">
  </label>
  <span id="cc-name-error" class="error" role="alert"></span>
  <label for="cc-number">Card number
    <input id="cc-number" name="cc-number" autocomplete="cc-number" inputmode="numeric" required aria-describedby="cc-number-error brand" maxlength="23">
  </label>
  <span id="brand" aria-live="polite"></span>
  <span id="cc-number-error" class="error" role="alert"></span>
  <div class="expiry">
    <label for="cc-exp-month">Expiry month (MM)
      <input id="cc-exp-month" name="cc-exp-month" autocomplete="cc-exp-month" inputmode="numeric" required maxlength="2" aria-describedby="cc-exp-year-error">
    </label>
    <label for="cc-exp-year">Expiry year (YYYY)
      <input id="cc-exp-year" name="cc-exp-year" autocomplete="cc-exp-year" inputmode="numeric" required maxlength="4" aria-describedby="cc-exp-year-error">
    </label>
  </div>
  <span id="cc-exp-year-error" class="error" role="alert"></span>
  <button id="submit" type="submit" disabled>Save card</button>
  <p id="status" role="status" aria-live="polite"></p>
</form>
<script src="/v1/card-form/card-form.js"></script>
</body>
</html>
`;
}
