import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { REPO_ROOT } from '../config/repo-paths.ts';
import { BRAND_ICONS } from './brand-icons.ts';
import { cardFormPage } from './card-form-page.ts';
import { hostedSender } from './hosted-page.ts';
import { LOCALES, localeOf, type Locale } from './messages.ts';

export const PUBLIC = path.join(REPO_ROOT, 'services/vault/public');
const STYLES = path.join(REPO_ROOT, 'services/vault/src/card-form/card-form.css');

/**
 * The hosted card form on the public listener. A strict Content-Security-Policy: nothing but the vault's own
 * script, style, images and API, no inline code, framed only by the configured origins (which are also the only
 * origins the form accepts a session secret or an appearance from). `?locale=` picks the form's language.
 *
 * The embed SDK (`embed.js`, an ES module, and its types `embed.d.ts`) is public code the embedding page imports
 * from another origin: served with CORS open to any origin (a module script is fetched in CORS mode) and a
 * cross-origin resource policy; it holds no secret and sends nothing on its own.
 */
export function cardFormRoutes(embeddingOrigins: readonly string[]): Router {
  const router = Router();
  const { send, sendPublic } = hostedSender(embeddingOrigins);
  const pages = new Map<Locale, string>(LOCALES.map((locale) => [locale, cardFormPage(embeddingOrigins, locale)]));
  // Built once at start-up (npm start / npm test build them first); a missing bundle is a deployment error.
  const bundle = readFileSync(path.join(PUBLIC, 'card-form.js'));
  const embed = readFileSync(path.join(PUBLIC, 'embed.js'));
  const embedTypes = readFileSync(path.join(PUBLIC, 'embed.d.ts'));
  const styles = readFileSync(STYLES);
  router.get('/v1/card-form', (req, res) => send(res, '/v1/card-form', 'text/html; charset=utf-8', pages.get(localeOf(req.query['locale']))!));
  router.get('/v1/card-form/card-form.js', (_req, res) => send(res, '/v1/card-form/card-form.js', 'text/javascript; charset=utf-8', bundle));
  router.get('/v1/card-form/card-form.css', (_req, res) => send(res, '/v1/card-form/card-form.css', 'text/css; charset=utf-8', styles));
  router.get('/v1/card-form/embed.js', (_req, res) => sendPublic(res, '/v1/card-form/embed.js', 'text/javascript; charset=utf-8', embed));
  router.get('/v1/card-form/embed.d.ts', (_req, res) => sendPublic(res, '/v1/card-form/embed.d.ts', 'text/plain; charset=utf-8', embedTypes));
  router.get('/v1/card-form/brands/:file', (req, res, next) => {
    const icon = BRAND_ICONS.get(String(req.params['file']));
    if (!icon) return next();
    send(res, '/v1/card-form/brands/:file', 'image/svg+xml', icon);
  });
  return router;
}
