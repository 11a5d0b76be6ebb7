/**
 * The compiled vault of a given commit, for a benchmark that runs two builds side by side in one run (`redeem`:
 * the commit before a change as A, HEAD as B). The commit's tree is exported with `git archive` into a folder of
 * its own, `<tmp>/vault-bench-builds/<full sha>` — no worktree registered, this checkout's working tree, index and
 * HEAD untouched, so others can keep editing it meanwhile — with `node_modules` linked to this checkout's, and built
 * there with its own `npm run build`. A folder already built is reused (a commit's build does not change); a build
 * is made in a scratch folder and renamed into place only once it has succeeded. Each build migrates its databases
 * with its own migrations and checks their audit chain with its own `audit:verify`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

export interface CommitBuild {
  /** As asked for (`c2688c0`, `HEAD`). */
  readonly ref: string;
  readonly sha: string;
  readonly short: string;
  /** The commit's subject line. */
  readonly subject: string;
  /** Where its tree and dist/ are. */
  readonly root: string;
  /** What `node` runs to start its vault (absolute: the benchmark's processes start from this checkout). */
  readonly entry: readonly string[];
  /** Applies its own prisma/migrations to `databaseUrl` (a fresh database). */
  migrate(databaseUrl: string): void;
  /** Its own `audit:verify` on `databaseUrl`: ok and the last line it printed. */
  verifyAudit(databaseUrl: string): { ok: boolean; summary: string };
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

/** Exports and builds `ref` (or reuses its build), saying so on stdout. */
export function commitBuild(ref: string): CommitBuild {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const short = sha.slice(0, 7);
  const subject = git('log', '-1', '--format=%s', sha);
  const builds = path.join(os.tmpdir(), 'vault-bench-builds');
  const root = path.join(builds, sha);
  const main = path.join(root, 'dist/services/vault/src/main.js');
  if (git('diff', '--name-only', sha, '--', 'package-lock.json') !== '') {
    console.log(`bench: warning — package-lock.json of ${short} differs from this checkout's; its build uses this checkout's node_modules`);
  }
  if (existsSync(main)) console.log(`bench: ${ref} = ${short} (${subject.slice(0, 60)}…), built before in ${root}`);
  else {
    mkdirSync(builds, { recursive: true });
    const scratch = mkdtempSync(path.join(builds, `${short}-building-`));
    try {
      const started = Date.now();
      execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C '${scratch}'`], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
      execFileSync('npm', ['run', '-s', 'build'], { cwd: scratch, stdio: ['ignore', 'ignore', 'inherit'], env: envWithoutVaultSettings() });
      if (existsSync(main)) rmSync(scratch, { recursive: true, force: true }); // another run built it meanwhile
      else renameSync(scratch, root);
      console.log(`bench: ${ref} = ${short} (${subject.slice(0, 60)}…), exported and built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${root}`);
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
  }
  const run = (script: string, databaseUrl: string) =>
    spawnSync(process.execPath, [path.join(root, 'dist/services/vault/src', script)], {
      cwd: root,
      env: { ...envWithoutVaultSettings(), DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      timeout: 10 * 60_000,
    });
  return {
    ref,
    sha,
    short,
    subject,
    root,
    entry: [main],
    migrate(databaseUrl) {
      const r = run('storage/migrate-cli.js', databaseUrl);
      if (r.status !== 0) throw new Error(`migrating with ${short} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    },
    verifyAudit(databaseUrl) {
      const r = run('audit/verify-cli.js', databaseUrl);
      const summary = `${r.stdout}${r.stderr}`.trim().split('\n').filter(Boolean).pop() ?? `audit:verify: no output (exit ${r.status})`;
      return { ok: r.status === 0, summary };
    },
  };
}

/** `<short sha> <subject>` of each commit after `from` up to `to` that changes one of `paths`, newest first. */
export function commitsBetween(from: string, to: string, paths: readonly string[]): string[] {
  return git('log', '--format=%h %s', `${from}..${to}`, '--', ...paths).split('\n').filter(Boolean);
}
