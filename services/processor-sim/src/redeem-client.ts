/**
 * Reference processor, part 1: redeem a payment token at the vault over mutual TLS.
 * The processor authenticates with its client certificate (SAN URI spiffe://vault.internal/processor/<id>);
 * the vault answers once per token with a JWE only this processor can open.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';

export interface ProcessorTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export interface Invoice {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchantId: string;
  readonly partner: string;
}

export interface Redemption {
  readonly jwe: string;
  readonly kid: string;
  readonly invoice: Invoice;
}

export function redeemToken(vaultUrl: string, tls: ProcessorTls, token: string): Promise<Redemption> {
  const body = JSON.stringify({ token });
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL('/v1/payment-tokens/redeem', vaultUrl),
      {
        method: 'POST',
        cert: readFileSync(tls.certFile),
        key: readFileSync(tls.keyFile),
        ca: readFileSync(tls.caFile),
        minVersion: 'TLSv1.2',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode === 200) resolve(JSON.parse(text) as Redemption);
          else reject(new Error(`redeem failed: HTTP ${res.statusCode} ${(JSON.parse(text) as { code?: string }).code ?? ''}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
