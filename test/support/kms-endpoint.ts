import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback stand-in for AWS KMS speaking its JSON protocol (`application/x-amz-json-1.1`,
 * `X-Amz-Target: TrentService.<Operation>`): GenerateDataKey, Encrypt and Decrypt, which is all the Encryption
 * SDK's KMS keyring calls. Real AES-256-GCM under a master key of its own per key ARN, with the encryption
 * context (canonical, sorted JSON) as authenticated data and the key ARN bound into the blob, so a wrong context
 * or another key's blob fails as it would in KMS (400 InvalidCiphertextException / IncorrectKeyException).
 * Requests are not signature-checked. The vault reaches it through `AWS_ENDPOINT_URL_KMS` (see `kmsEnv`).
 *
 * Switches: `throttle()` answers 400 ThrottlingException (`throttle(n)`: only the next n requests),
 * `internalError()` answers 500 KMSInternalException, `refuse()` closes the listener and every open connection
 * (connections are refused), `hang()` accepts and never answers, `slow(ms)` answers late, `heal()` undoes them
 * all; `rekey()` stands for a blob of another key. `secrets` holds, base64, every data key, blob and master key
 * it made, so a test can show none reached a log.
 */
export interface KmsEndpoint {
  readonly url: string;
  /** Calls answered or attempted, by operation (`GenerateDataKey`, …). */
  readonly calls: Record<string, number>;
  /** Each request received (answered or not), with its operation and encryption context (`purpose`, …). */
  readonly requests: Array<{ readonly operation: string; readonly context: Readonly<Record<string, string>> }>;
  /** Every data key (plaintext), blob and master key this endpoint made, base64. */
  readonly secrets: string[];
  /** Answer ThrottlingException: to every request, or to the next `requests` only. */
  throttle(requests?: number): void;
  internalError(): void;
  refuse(): Promise<void>;
  hang(): void;
  slow(ms: number): void;
  heal(): Promise<void>;
  /** New key material under every ARN: blobs made before no longer authenticate (InvalidCiphertextException). */
  rekey(): void;
  close(): Promise<void>;
}

/** A syntactically valid KMS key ARN in a test account (`VAULT_KMS_KEY_ARNS` checks the shape). */
export function testKeyArn(name: string, region = 'eu-west-1'): string {
  return `arn:aws:kms:${region}:111122223333:key/${name}`;
}

/** What the AWS SDK needs to reach the endpoint: region, dummy credentials, the endpoint URL. */
export function kmsEnv(endpoint: KmsEndpoint, region = 'eu-west-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_KMS: endpoint.url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-not-a-credential',
  };
}

/** Sets `vars` in process.env; returns the function that puts back what was there. */
export function setEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

const BLOB_VERSION = 1;

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function canonicalContext(context: unknown): Buffer {
  const pairs = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs));
}

export async function startKmsEndpoint(): Promise<KmsEndpoint> {
  const masterKeys = new Map<string, Buffer>();
  const secrets: string[] = [];
  const keyFor = (arn: string) => {
    let key = masterKeys.get(arn);
    if (!key) {
      masterKeys.set(arn, (key = randomBytes(32)));
      secrets.push(key.toString('base64'));
    }
    return key;
  };
  const calls: Record<string, number> = {};
  const requests: KmsEndpoint['requests'] = [];
  let mode: 'ok' | 'throttle' | 'internal' | 'hang' = 'ok';
  /** With mode 'throttle': how many more requests to throttle (Infinity: all). */
  let throttled = Infinity;
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();

  const seal = (arn: string, plaintext: Buffer, context: unknown): Buffer => {
    if (!arn.startsWith('arn:aws:kms:')) throw new KmsFault('NotFoundException', `Key '${arn}' does not exist`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyFor(arn), iv);
    const arnBytes = Buffer.from(arn);
    const header = Buffer.alloc(3);
    header.writeUInt8(BLOB_VERSION, 0);
    header.writeUInt16BE(arnBytes.length, 1);
    cipher.setAAD(Buffer.concat([header, arnBytes, canonicalContext(context)]));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, arnBytes, iv, cipher.getAuthTag(), body]);
  };

  const open = (blob: Buffer, context: unknown, keyId: string | undefined): { arn: string; plaintext: Buffer } => {
    const invalid = () => new KmsFault('InvalidCiphertextException', '');
    if (blob.length < 3 + 12 + 16 || blob.readUInt8(0) !== BLOB_VERSION) throw invalid();
    const arnLength = blob.readUInt16BE(1);
    if (blob.length < 3 + arnLength + 28) throw invalid();
    const arn = blob.subarray(3, 3 + arnLength).toString();
    if (keyId !== undefined && keyId !== arn) {
      throw new KmsFault('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
    const master = masterKeys.get(arn);
    if (!master) throw invalid();
    const iv = blob.subarray(3 + arnLength, 3 + arnLength + 12);
    const tag = blob.subarray(3 + arnLength + 12, 3 + arnLength + 28);
    const decipher = createDecipheriv('aes-256-gcm', master, iv);
    decipher.setAAD(Buffer.concat([blob.subarray(0, 3 + arnLength), canonicalContext(context)]));
    decipher.setAuthTag(tag);
    try {
      return { arn, plaintext: Buffer.concat([decipher.update(blob.subarray(3 + arnLength + 28)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  };

  const b64 = (value: unknown, field: string): Buffer => {
    if (typeof value !== 'string') throw new KmsFault('ValidationException', `${field} is required`);
    return Buffer.from(value, 'base64');
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    GenerateDataKey(input) {
      const arn = String(input.KeyId);
      const bytes = typeof input.NumberOfBytes === 'number' ? input.NumberOfBytes : input.KeySpec === 'AES_128' ? 16 : 32;
      if (bytes < 1 || bytes > 1024) throw new KmsFault('ValidationException', 'NumberOfBytes out of range');
      const plaintext = randomBytes(bytes);
      const blob = seal(arn, plaintext, input.EncryptionContext);
      secrets.push(plaintext.toString('base64'), blob.toString('base64'));
      return { KeyId: arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64') };
    },
    Encrypt(input) {
      const arn = String(input.KeyId);
      const blob = seal(arn, b64(input.Plaintext, 'Plaintext'), input.EncryptionContext);
      secrets.push(blob.toString('base64'));
      return { KeyId: arn, CiphertextBlob: blob.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    Decrypt(input) {
      const { arn, plaintext } = open(b64(input.CiphertextBlob, 'CiphertextBlob'), input.EncryptionContext, input.KeyId as string | undefined);
      return { KeyId: arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown, errorType?: string) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomBytes(16).toString('hex'),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
      calls[operation] = (calls[operation] ?? 0) + 1;
      let context: Record<string, string> = {};
      try {
        context = (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { EncryptionContext?: Record<string, string> }).EncryptionContext ?? {};
      } catch {
        // an unparsable body is answered below
      }
      requests.push({ operation, context });
      if (mode === 'hang') {
        hanging.add(res);
        return;
      }
      const respond = () => {
        if (mode === 'throttle' && throttled-- > 0) return answer(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
        if (mode === 'internal') return answer(res, 500, { __type: 'KMSInternalException', message: 'internal' }, 'KMSInternalException');
        const handler = operations[operation];
        if (req.method !== 'POST' || !handler) return answer(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
        try {
          const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
          answer(res, 200, handler(input));
        } catch (err) {
          if (err instanceof KmsFault) return answer(res, err.status, { __type: err.type, message: err.message }, err.type);
          answer(res, 500, { __type: 'KMSInternalException', message: 'internal' }, 'KMSInternalException');
        }
      };
      if (delayMs > 0) setTimeout(respond, delayMs);
      else respond();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      hanging.clear();
    });

  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    secrets,
    throttle(requests = Infinity) {
      mode = 'throttle';
      throttled = requests;
    },
    internalError: () => void (mode = 'internal'),
    hang: () => void (mode = 'hang'),
    slow: (ms) => void (delayMs = ms),
    refuse: stop,
    rekey: () => masterKeys.clear(),
    async heal() {
      mode = 'ok';
      delayMs = 0;
      // Hung requests are dropped, as a KMS that came back would never answer them either.
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
