import type { Response } from 'express';
import { state } from '../http/request-context.ts';

/**
 * What every vault-hosted form (the card form, the pay form) is served with: a strict Content-Security-Policy —
 * nothing but the vault's own script, style, images and API, no inline code — framed only by the configured
 * embedding origins, `nosniff` (helmet), never cached. Public code (the embed SDK) is also served with CORS open
 * and a cross-origin resource policy: another origin imports it, and it holds nothing.
 */
export interface HostedSender {
  send(res: Response, route: string, type: string, body: string | Buffer): void;
  sendPublic(res: Response, route: string, type: string, body: Buffer): void;
}

export function hostedSender(embeddingOrigins: readonly string[]): HostedSender {
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
  const send: HostedSender['send'] = (res, route, type, body) => {
    state(res).route = route;
    res.setHeader('Content-Security-Policy', csp);
    res.removeHeader('X-Frame-Options'); // frame-ancestors decides who may embed the form
    res.setHeader('Cache-Control', 'no-store');
    res.type(type).send(body);
  };
  return {
    send,
    sendPublic(res, route, type, body) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      send(res, route, type, body);
    },
  };
}

/** Text for HTML, in an element or a double-quoted attribute. */
export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The start of a hosted form's page, up to `<body>`: its language, no referrer, its title, and only the vault's
 * own stylesheets (the CSP allows no inline style).
 */
export function hostedPageHead(locale: string, title: string, stylesheets: readonly string[]): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
${stylesheets.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
</head>
<body>`;
}
