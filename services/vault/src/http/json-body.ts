import express, { type NextFunction, type Request, type Response } from 'express';
import { ClientError } from '../errors/vault-error.ts';
import { findDuplicateMember } from './json-duplicates.ts';

export const BODY_LIMIT_BYTES = 16 * 1024;

/** Keys that could reach an object's prototype if any later code merged the body into another object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey extends Error {}
class DuplicateMember extends Error {}

/**
 * The one JSON body parser: POST, PUT and PATCH bodies must be `application/json` (UTF-8), at most 16 KiB,
 * a JSON object, with no `__proto__` / `constructor` / `prototype` key at any depth and no member name twice in
 * one object (400 `duplicate_member`, checked before any validation). Other methods must not carry a body.
 * Failures: 415, 413, 400 — with no echo of the input.
 */
export function jsonBody() {
  const readRaw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0' || req.headers['transfer-encoding'] !== undefined;
    if (!['POST', 'PUT', 'PATCH'].includes(req.method)) {
      req.body = undefined;
      return hasBody ? next(new ClientError('invalid_request', [{ path: '', code: 'unexpected_body' }])) : next();
    }
    if (!hasBody) {
      req.body = undefined;
      return next();
    }
    if (!isJsonUtf8(req.headers['content-type'])) return next(new ClientError('unsupported_media_type'));
    readRaw(req, res, (err?: unknown) => {
      if (err) {
        const type = (err as { type?: string }).type;
        return next(type === 'entity.too.large' ? new ClientError('payload_too_large') : new ClientError('invalid_request', [{ path: '', code: 'unreadable_body' }]));
      }
      try {
        req.body = parseJsonObject(req.body as Buffer);
        next();
      } catch (parseErr) {
        if (parseErr instanceof DuplicateMember) return next(new ClientError('duplicate_member'));
        next(new ClientError('invalid_request', [{ path: '', code: parseErr instanceof ForbiddenKey ? 'forbidden_key' : 'malformed_json' }]));
      }
    });
  };
}

function isJsonUtf8(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = UTF8.decode(raw);
  const value: unknown = JSON.parse(text, (key, v: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey();
    return v;
  });
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('not an object');
  /* Precondition: JSON.parse keeps the last of two equal names; another parser on the path may keep the first. */
  if (findDuplicateMember(text)) throw new DuplicateMember();
  return value as Record<string, unknown>;
}
