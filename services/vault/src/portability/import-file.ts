/**
 * The import file's OpenPGP layer, as streams: the file is never read whole and its plaintext never touches the
 * disk. Pass 1 (`verifyAndCopy`) decrypts to nowhere while copying the (encrypted) file into the import's private
 * folder and hashing it: it proves the copy opens with an import key and is intact (an AEAD file is authenticated
 * chunk by chunk; an older MDC file only at the end of its message) and names the run (tenant + sha256). Pass 2
 * (`decryptCopy`) decrypts *that copy* again — the very bytes pass 1 proved, whatever happens to the original
 * meanwhile.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { ImportRefused } from './import-refused.ts';

/** Pass 1: copies `file` to `copy` and proves the copy opens and is intact; returns its sha256. */
export async function verifyAndCopy(file: string, copy: string, keys: readonly openpgp.PrivateKey[]): Promise<string> {
  const hash = createHash('sha256');
  const bytes = createReadStream(file);
  const out = createWriteStream(copy, { mode: 0o600, flags: 'wx' });
  bytes.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    out.write(chunk);
  });
  let message;
  try {
    message = await openpgp.readMessage({ binaryMessage: Readable.toWeb(bytes) as unknown as ReadableStream<Uint8Array> });
  } catch {
    throw new ImportRefused('not an OpenPGP message');
  }
  try {
    const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys], format: 'binary', config: { allowUnauthenticatedStream: true } });
    for await (const chunk of Readable.fromWeb(data as never)) void chunk; // discarded: only its integrity matters here
  } catch {
    throw new ImportRefused('the file does not decrypt with any import key, or it was altered');
  } finally {
    out.end();
    await new Promise<void>((resolve) => out.once('close', () => resolve()));
  }
  return hash.digest('hex');
}

/** Pass 2: the plaintext of the copy pass 1 verified, as it is decrypted. */
export async function decryptCopy(copy: string, keys: readonly openpgp.PrivateKey[]): Promise<Readable> {
  const message = await openpgp.readMessage({ binaryMessage: Readable.toWeb(createReadStream(copy)) as unknown as ReadableStream<Uint8Array> });
  // The copy is what pass 1 authenticated: its plaintext may be released as it is decrypted.
  const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys], format: 'binary', config: { allowUnauthenticatedStream: true } });
  return Readable.fromWeb(data as never);
}
