/**
 * `npm test`'s own set-up (run by `pretest`): what the suite needs from the machine, there or made so.
 *
 * - Debian's Chromium at /usr/bin/chromium (the hosted-form browser test) and Debian's python3-grpcio and
 *   python3-protobuf for /usr/bin/python3 (the Python gRPC client test): when missing, installed with apt-get
 *   (non-interactive) if this runs as root and apt-get exists; otherwise one line says what to install.
 * - PostgreSQL (TEST_DATABASE_URL, default 127.0.0.1:5432) and Redis (TEST_REDIS_URL, default 127.0.0.1:6379):
 *   when nothing answers there, the global setup (test/support/global-setup.ts) starts throwaway ones for the run;
 *   this only makes sure their programs are installed, else one line says what to install.
 *
 * One line per step that does something; one line in all when everything is there (no apt-get then). Exit 1 when
 * anything is still missing. `--check`: change nothing, say what `npm test` would do, exit 1 if it would do or
 * miss anything; there, TEST_CHROMIUM / TEST_PYTHON replace the two paths, to try the detection.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { commandLine } from '../services/vault/src/tooling.ts';
import { inspectServices, missingLine, onPath } from '../test/support/test-services.ts';

const { values } = commandLine({
  usage: 'usage: tsx scripts/test-prerequisites.ts [--check]   — makes sure the machine has what npm test needs (Chromium, python3-grpcio, PostgreSQL, Redis); --check: change nothing, only say',
  options: { check: { type: 'boolean', default: false } },
});
const check = values['check'] === true;
const CHROMIUM = (check && process.env['TEST_CHROMIUM']) || '/usr/bin/chromium';
const PYTHON = (check && process.env['TEST_PYTHON']) || '/usr/bin/python3';

/** Exit status of `command` (never throws; a missing program is 127). */
function status(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

interface Need {
  readonly name: string;
  readonly what: string;
  readonly packages: readonly string[];
  present(): Promise<boolean>;
}

const needs: Need[] = [
  { name: 'Chromium', what: `${CHROMIUM} (Debian's chromium, for the hosted-form browser test)`, packages: ['chromium'], present: async () => existsSync(CHROMIUM) },
  {
    name: 'python3-grpcio',
    what: `${PYTHON} with grpc and google.protobuf (Debian's python3-grpcio, python3-protobuf, for the Python gRPC client test)`,
    packages: ['python3-grpcio', 'python3-protobuf'],
    present: async () => (await status(PYTHON, ['-c', 'import grpc, google.protobuf'])) === 0,
  },
];

const [presence, services] = await Promise.all([Promise.all(needs.map((n) => n.present())), inspectServices()]);
const missing = needs.filter((_, i) => !presence[i]);
const notes: string[] = []; // what this run does about it
const failures: string[] = []; // what stops it
const root = process.getuid?.() === 0;
const canInstall = root && onPath('apt-get') !== null;

if (missing.length && canInstall && !check) {
  const packages = missing.flatMap((n) => n.packages);
  console.log(`${missing.map((n) => n.name).join(', ')}: missing; installing Debian's ${packages.join(' ')} with apt-get`);
  const apt = (args: string[]) =>
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 900_000 });
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const run = apt(args);
    if (run.status !== 0) {
      failures.push(`apt-get ${args[0]} failed (exit ${run.status ?? run.signal}): ${(run.stderr || run.stdout).trim().split('\n').at(-1) ?? ''}`);
      break;
    }
  }
  for (const n of missing) if (!(await n.present())) failures.push(`${n.name}: still missing ${n.what} after apt-get install ${n.packages.join(' ')}`);
} else {
  for (const n of missing) {
    const how = `apt-get install ${n.packages.join(' ')}`;
    if (canInstall) notes.push(`${n.name}: missing ${n.what}; npm test would run ${how}`);
    else failures.push(`${n.name}: missing ${n.what}: run ${root ? how : `sudo ${how}`}`);
  }
}

for (const s of [services.postgres, services.redis]) {
  if (s.answers) continue;
  if (s.program) notes.push(`${s.name}: nothing answers at ${s.address} (${s.variable}); the test run starts a throwaway one (${s.program})`);
  else failures.push(missingLine(s));
}

for (const line of notes) console.log(line);
for (const line of failures) console.error(line);
if (!missing.length && !notes.length && !failures.length) {
  console.log(`test prerequisites: Chromium, python3-grpcio, PostgreSQL at ${services.postgres.address}, Redis at ${services.redis.address}: all there`);
}
if (failures.length || (check && (missing.length || notes.length))) process.exit(1);
