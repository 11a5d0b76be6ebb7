import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';
import type { VaultConfig } from '../config/vault-config.ts';
import { TLS12_CIPHERS } from '../http/listeners.ts';

const POLICY = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: TLS12_CIPHERS, honorCipherOrder: true } as const satisfies SecureContextOptions;

/**
 * The gRPC listener's mutual TLS, re-readable like the HTTPS listeners' (SIGHUP, a changed file): the internal
 * certificate and key, client certificates required and checked against the internal CA, TLS 1.2+ with the same
 * forward-secret AEAD suites. `reload()` hands grpc-js new secure-context options; new handshakes use them, open
 * connections carry on.
 */
export class ReloadableServerCredentials extends grpc.ServerCredentials {
  constructor(
    private readonly files: VaultConfig['tls'],
    handshakeTimeoutMs: number,
  ) {
    super({ requestCert: true, rejectUnauthorized: true, handshakeTimeout: handshakeTimeoutMs, ...POLICY }, ReloadableServerCredentials.read(files));
  }

  /**
   * The files and the policy together: Node's setSecureContext resets every option it is not given, so a reload
   * that passed only the files would drop the cipher list and protocol floor.
   */
  private static read(files: VaultConfig['tls']): SecureContextOptions {
    return { ...POLICY, ca: readFileSync(files.clientCaFile), cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  }

  /** Re-reads the files; throws (and keeps the previous ones) if one cannot be read. */
  reload(): void {
    this.updateSecureContextOptions(ReloadableServerCredentials.read(this.files));
  }

  override _equals(other: grpc.ServerCredentials): boolean {
    return this === other;
  }
}
