import { readFileSync } from 'node:fs';
import https from 'node:https';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface ClientIdentity {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The example CA every test client trusts. */
export const CA = readFileSync(keysExample('tls', 'ca.pem'));

const identities = new Map<string, ClientIdentity>();

/**
 * The tests' keep-alive agent. Node's global agent keeps idle sockets exactly as long as the vault does (5 s,
 * VAULT_KEEPALIVE_TIMEOUT_MS), so a request could go out on a socket the vault was closing at that moment and fail
 * with ECONNRESET (seen in the fault suite as a request answered by nobody); this one lets idle sockets go at 4 s.
 */
const keepAlive = new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 4_000 });

/**
 * The example client certificate of a service (`payment-flow`, `account-settings`, `processor-xero-payments`, …),
 * read from disk once per test file: the same objects every time, so a keep-alive agent reuses its connections.
 */
export function clientCert(file: string): ClientIdentity {
  let identity = identities.get(file);
  if (!identity) {
    identity = {
      cert: readFileSync(keysExample('tls', 'clients', `${file}.pem`)),
      key: readFileSync(keysExample('tls', 'clients', `${file}-key.pem`)),
    };
    identities.set(file, identity);
  }
  return identity;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  identity?: ClientIdentity | null;
  agent?: https.Agent;
  /** The CA to trust instead of the example one (a test's own PKI). */
  ca?: Buffer;
}

/** One HTTPS request that trusts the example CA, optionally presenting a client certificate. */
export function request(base: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        headers,
        ca: options.ca ?? CA,
        ...(options.identity ? { cert: options.identity.cert, key: options.identity.key } : {}),
        agent: options.agent ?? keepAlive,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
