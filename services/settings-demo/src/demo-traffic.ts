/**
 * What the dev demo's backend sends and receives, for tests that prove what it never sees (a card number, a
 * security code): every request from the browser and its response, and every call the backend makes to the vault
 * (and the reference processor's redeem) with its answer — method, URL, headers and whole body, as text.
 */
import https from 'node:https';
import type express from 'express';

export type TrafficLeg =
  | 'browser→backend'
  | 'backend→browser'
  | 'backend→vault'
  | 'vault→backend'
  | 'processor→vault'
  | 'vault→processor';

export interface TrafficRecord {
  readonly leg: TrafficLeg;
  readonly text: string;
}

/** Receives every record; tests pass one, the dev command none. */
export type TrafficRecorder = (record: TrafficRecord) => void;

export interface ClientIdentity {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

/** A call to the vault's internal API with a service's client certificate and a user assertion, recorded both ways. */
export function vaultCall(
  identity: ClientIdentity,
  base: string,
  method: string,
  path: string,
  bearer: string,
  body?: unknown,
  record?: TrafficRecorder,
): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(path, base);
  const headers: Record<string, string | number> = {
    authorization: `Bearer ${bearer}`,
    ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
  };
  record?.({ leg: 'backend→vault', text: `${method} ${url.href}\n${JSON.stringify(headers)}\n${payload ?? ''}` });
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ...identity, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        record?.({ leg: 'vault→backend', text: `${res.statusCode ?? 0} ${method} ${url.pathname}\n${JSON.stringify(res.headers)}\n${text}` });
        try {
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Express middleware recording each browser request (after the text body parser) and the backend's whole response. */
export function recordBrowserTraffic(record: TrafficRecorder): express.RequestHandler {
  return (req, res, next) => {
    record({ leg: 'browser→backend', text: `${req.method} ${req.originalUrl}\n${JSON.stringify(req.headers)}\n${typeof req.body === 'string' ? req.body : ''}` });
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') keep(chunk, rest[0]);
      record({ leg: 'backend→browser', text: `${res.statusCode} ${req.method} ${req.originalUrl}\n${JSON.stringify(res.getHeaders())}\n${Buffer.concat(chunks).toString('utf8')}` });
      return end(chunk, ...rest);
    }) as typeof res.end;
    next();
  };
}
