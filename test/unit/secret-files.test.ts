import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { secretFileName, writeSecretFiles } from '../../services/vault/src/container/secret-files.ts';

describe('secret files (the image entrypoint)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('maps SECRET_FILE_ names to file names: __ is a dot, _ a dash', () => {
    expect(secretFileName('SECRET_FILE_TLS_KEY__PEM')).toBe('tls-key.pem');
    expect(secretFileName('SECRET_FILE_FINGERPRINT_V1__KEY')).toBe('fingerprint-v1.key');
    expect(secretFileName('SECRET_FILE_V1__KEY')).toBe('v1.key');
  });

  it('never yields a name that leaves the folder or hides in it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (stem) => {
        const name = secretFileName(`SECRET_FILE_${stem}`);
        if (name !== null) expect(name).toMatch(/^[a-z0-9]+([.-][a-z0-9]+)*$/);
      }),
    );
    for (const bad of ['', '_X', 'X_', 'A___B', '../X', 'A/B', 'a', 'A B']) expect(secretFileName(`SECRET_FILE_${bad}`), bad).toBeNull();
  });

  it('writes each variable as a 0400 file and removes it from the environment; a bad name writes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secret-files-'));
    dirs.push(dir);
    const env: NodeJS.ProcessEnv = { SECRET_FILE_TLS_KEY__PEM: 'key', SECRET_FILE_V1__KEY: 'abc', OTHER: 'kept' };
    expect(writeSecretFiles(env, path.join(dir, 'secrets'))).toEqual(['tls-key.pem', 'v1.key']);
    expect(env).toEqual({ OTHER: 'kept' });
    expect(readFileSync(path.join(dir, 'secrets', 'v1.key'), 'utf8')).toBe('abc');
    expect(statSync(path.join(dir, 'secrets', 'tls-key.pem')).mode & 0o777).toBe(0o400);
    expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(writeSecretFiles({ SECRET_FILE_V1__KEY: 'new' }, path.join(dir, 'secrets'))).toEqual(['v1.key']); // a restart
    expect(readFileSync(path.join(dir, 'secrets', 'v1.key'), 'utf8')).toBe('new');
    expect(() => writeSecretFiles({ 'SECRET_FILE_../X': 'x' }, path.join(dir, 'other'))).toThrow(/not a usable secret file name/);
    expect(readdirSync(dir)).toEqual(['secrets']);
  });
});
