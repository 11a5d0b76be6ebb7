import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * log-verifier.ts is to ship as the auditors' standalone verifier: one file, Node.js built-ins only, its type
 * annotations stripped. These tests hold it to that: what it imports, and that the stripped file runs in a bare
 * `node` outside the repository and gets the known answers right.
 */
const source = readFileSync(new URL('../../services/vault/src/audit/transparency/log-verifier.ts', import.meta.url), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'log-verifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the standalone log verifier', () => {
  it('imports Node.js built-ins only', () => {
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s!.startsWith('node:'))).toEqual([]);
    expect(source).not.toMatch(/\b(require|import)\s*\(/);
  });

  it('runs as a plain .mjs once its types are stripped, outside the repository', () => {
    const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' });
    const file = path.join(dir, 'log-verifier.mjs');
    writeFileSync(file, code);
    // The CT test tree's inclusion proof for leaf 5 of 8 (see test/vectors/transparency), and Go's signed note.
    const check = `
      import * as v from ${JSON.stringify(file)};
      const hex = (h) => Buffer.from(h, 'hex');
      const inclusion = v.verifyInclusion({
        leafHash: v.leafHash(hex('40414243')), index: 5n, treeSize: 8n,
        path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(hex),
        rootHash: hex('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'),
      });
      const note = "If you think cryptography is the answer to your problem,\\nthen you don't know what your problem is.\\n\\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\\n";
      const signed = v.verifyNoteSignatures(v.parseSignedNote(note), [v.parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')]);
      let refused = null;
      try { v.parseSignedNote(note.replace('\\n\\n', '\\n')); } catch (e) { refused = e.reason; }
      console.log(JSON.stringify({ inclusion, signedBy: signed.map((s) => s.key.name), refused }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', check], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ inclusion: true, signedBy: ['PeterNeumann'], refused: 'malformed-note' });
  });
});
