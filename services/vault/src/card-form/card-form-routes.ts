import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { REPO_ROOT } from '../config/repo-paths.ts';
import { state } from '../http/request-context.ts';
import { cardFormPage } from './card-form-page.ts';

const BUNDLE = path.join(REPO_ROOT, 'services/vault/public/card-form.js');
const STYLES = path.join(REPO_ROOT, 'services/vault/src/card-form/card-form.css');

/**
 * The hosted card form on the public listener. A strict Content-Security-Policy: nothing but the vault's own
 * script, style and API, no inline code, framed only by the configured origins (which are also the only
 * origins the form accepts a session secret from).
 */
export function cardFormRoutes(embeddingOrigins: readonly string[]): Router {
  const router = Router();
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${embeddingOrigins.length ? embeddingOrigins.join(' ') : "'none'"}`,
  ].join('; ');
  const page = cardFormPage(embeddingOrigins);
  // Built once at start-up (npm start / npm test build it first); a missing bundle is a deployment error.
  const bundle = readFileSync(BUNDLE);
  const styles = readFileSync(STYLES);
  const send = (res: Response, route: string, type: string, body: string | Buffer) => {
    state(res).route = route;
    res.setHeader('Content-Security-Policy', csp);
    res.removeHeader('X-Frame-Options'); // frame-ancestors decides who may embed the form
    res.setHeader('Cache-Control', 'no-store');
    res.type(type).send(body);
  };
  router.get('/v1/card-form', (_req, res) => send(res, '/v1/card-form', 'text/html; charset=utf-8', page));
  router.get('/v1/card-form/card-form.js', (_req, res) => send(res, '/v1/card-form/card-form.js', 'text/javascript; charset=utf-8', bundle));
  router.get('/v1/card-form/card-form.css', (_req, res) => send(res, '/v1/card-form/card-form.css', 'text/css; charset=utf-8', styles));
  return router;
}
