/**
 * The light part of the vault's public surface (index.ts has it all): what a command needs before it does any
 * work — its command line (`--help`, usage errors) and where the repository and its example keys are. It loads
 * in milliseconds, so the scripts that run before every npm command and every command's `--help` stay fast;
 * index.ts loads the keyring, the database client and the config schema.
 */
export { commandLine, usageError } from './cli/command-line.ts';
export { KEYS_EXAMPLE_DIR, REPO_ROOT, keysExample } from './config/repo-paths.ts';
