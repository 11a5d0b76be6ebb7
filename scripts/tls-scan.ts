/**
 * `npm run tls:scan [-- host:port …]`: runs testssl.sh (Debian package `testssl.sh`) against the vault's
 * listeners (default: a running dev vault, localhost:8443 and localhost:8444) and prints a summary: protocols
 * offered, cipher categories, forward secrecy and the vulnerability checks. Exit 1 if anything weak is offered.
 * Full reports go to test-output/testssl-<port>.txt.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, commandLine, usageError } from '../services/vault/src/tooling.ts';

const USAGE = [
  'usage: npm run tls:scan [-- host:port …]   — testssl.sh against the listeners (default localhost:8443 localhost:8444)',
  'Exit 0 nothing weak, 1 something weak offered or testssl.sh missing (apt-get install testssl.sh), 2 usage.',
].join('\n');
const { positionals } = commandLine({ usage: USAGE, positionals: { min: 0, max: 16 } });
for (const t of positionals) if (!/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(t)) usageError(USAGE, `not host:port: ${t.slice(0, 40)}`);
const targets = positionals.length ? positionals : ['localhost:8443', 'localhost:8444'];
if (spawnSync('testssl', ['--version'], { encoding: 'utf8' }).error) {
  console.error('tls:scan: testssl.sh is not installed (apt-get install testssl.sh)');
  process.exit(1);
}
const out = path.join(REPO_ROOT, 'test-output');
mkdirSync(out, { recursive: true });
let weak = false;
for (const target of targets) {
  const run = spawnSync('testssl', ['--quiet', '--color', '0', '--protocols', '--std', '--fs', '-U', '--warnings', 'off', '--sneaky', '--openssl-timeout', '5', target], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error) {
    console.error(`tls:scan: testssl.sh could not run against ${target}`);
    process.exit(1);
  }
  const report = run.stdout;
  writeFileSync(path.join(out, `testssl-${target.split(':').pop()}.txt`), report);
  const lines = report.split('\n');
  const offeredProtocols = lines.filter((l) => /^ (SSLv2|SSLv3|TLS 1(\.[0-3])?)\s+offered/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
  const problems = lines.filter((l) => /VULNERABLE|NOT ok|^ (SSLv2|SSLv3|TLS 1|TLS 1\.1)\s+offered/.test(l)).map((l) => l.trim());
  const checks = lines.filter((l) => /not vulnerable|not offered \(OK\)/.test(l)).length;
  console.log(`${target}: protocols offered: ${offeredProtocols.join(', ') || 'none'}; ${checks} checks OK; ${problems.length ? `PROBLEMS:\n  ${problems.join('\n  ')}` : 'no weak protocol, cipher or known vulnerability'}`);
  if (problems.length) weak = true;
}
process.exitCode = weak ? 1 : 0;
