import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { PUBLIC } from '../card-form/card-form-routes.ts';
import { REPO_ROOT } from '../config/repo-paths.ts';
import { hostedSender } from '../card-form/hosted-page.ts';
import { LOCALES, localeOf, type Locale } from '../card-form/messages.ts';
import { payFormPage } from './pay-form-page.ts';

const STYLES = path.join(REPO_ROOT, 'services/vault/src/pay-form/pay-form.css');

/**
 * The pay form on the public listener (issue 23, part 3), served as the card form is (hosted-page.ts: strict CSP,
 * framed only by VAULT_CARD_FORM_ORIGINS, which are also the only origins it takes a session secret or an
 * appearance from). It shares the card form's stylesheet and brand icons and adds its own script and a few rules.
 * `?locale=` picks the language. The form's embed SDK is the card form's (`mountPayForm` in embed.js).
 */
export function payFormRoutes(embeddingOrigins: readonly string[]): Router {
  const router = Router();
  const { send } = hostedSender(embeddingOrigins);
  const pages = new Map<Locale, string>(LOCALES.map((locale) => [locale, payFormPage(embeddingOrigins, locale)]));
  // Built once at start-up (npm start / npm test build it first); a missing bundle is a deployment error.
  const bundle = readFileSync(path.join(PUBLIC, 'pay-form.js'));
  const styles = readFileSync(STYLES);
  router.get('/v1/pay-form', (req, res) => send(res, '/v1/pay-form', 'text/html; charset=utf-8', pages.get(localeOf(req.query['locale']))!));
  router.get('/v1/pay-form/pay-form.js', (_req, res) => send(res, '/v1/pay-form/pay-form.js', 'text/javascript; charset=utf-8', bundle));
  router.get('/v1/pay-form/pay-form.css', (_req, res) => send(res, '/v1/pay-form/pay-form.css', 'text/css; charset=utf-8', styles));
  return router;
}
