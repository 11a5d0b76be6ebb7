/**
 * The vault's entry point, `npm start`. The command line is parsed before anything of the vault is loaded, so
 * `--help` and a usage error cost no more than Node starting; then start-vault.ts runs the vault. node:cluster
 * workers (VAULT_WORKERS) re-run this file with the same arguments, which parse again harmlessly.
 */
import { commandLine } from './cli/command-line.ts';

commandLine({
  usage: [
    'usage: npm start   — runs the vault; configured only by environment variables (README "Configuration").',
    'With none set it runs in a loudly marked DEV MODE on an embedded database and the keys-example/ material.',
    'Exit 78: invalid configuration, keys that do not match the data, a taken port or data folder (one line each).',
    'Exit 69: KMS unreachable through VAULT_KMS_STARTUP_WAIT_SECONDS at start-up (retried with backoff until then).',
  ].join('\n'),
});
const { startVault } = await import('./wiring/start-vault.ts');
startVault();
