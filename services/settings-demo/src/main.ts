/**
 * `npm run settings-demo [-- --port 8090 --vault-internal https://localhost:8443 --vault-public https://localhost:8444]`:
 * the account-settings demo, and its inbox pane (/inbox), against a running dev vault (start one with `npm start`).
 */
import { commandLine, usageError } from '../../vault/src/tooling.ts';
import { startSettingsDemo } from './settings-demo.ts';

const env = process.env;
const USAGE = [
  'usage: npm run settings-demo -- [--port 8090] [--vault-internal https://localhost:8443] [--vault-public https://localhost:8444]',
  'A dev-only account-settings page embedding the vault’s hosted card form, and an inbox (/inbox) that pays an example',
  'partner-signed invoice through the vault’s pay form and the reference processor. Defaults also from SETTINGS_DEMO_PORT,',
  'SETTINGS_DEMO_VAULT_INTERNAL, SETTINGS_DEMO_VAULT_PUBLIC. The vault must allow this page’s origin in',
  'VAULT_CARD_FORM_ORIGINS (dev default http://localhost:8090).',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: {
    port: { type: 'string', default: env['SETTINGS_DEMO_PORT'] ?? '8090' },
    'vault-internal': { type: 'string', default: env['SETTINGS_DEMO_VAULT_INTERNAL'] ?? 'https://localhost:8443' },
    'vault-public': { type: 'string', default: env['SETTINGS_DEMO_VAULT_PUBLIC'] ?? 'https://localhost:8444' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) usageError(USAGE, '--port must be 0–65535');

const demo = await startSettingsDemo({
  vaultInternalUrl: values['vault-internal'],
  vaultPublicUrl: values['vault-public'],
  port,
  user: { sub: 'user-1', tid: 'tenant-1' },
});
console.log(`settings demo (dev only) at ${demo.url} — the inbox (pay an example invoice) at ${demo.url}/inbox`);
console.log(
  [
    `The card form comes from the vault (${values['vault-public']}), whose certificate is signed by the dev CA in`,
    'keys-example/tls/ca.pem. Until your browser trusts it the iframe shows an error page. Either:',
    `  - open ${values['vault-public']}/v1/card-form once in the same browser and accept the warning, or`,
    '  - import keys-example/tls/ca.pem as a trusted authority (Chrome: Settings › Privacy and security › Security ›',
    '    Manage certificates › Authorities; Firefox: Settings › Privacy & Security › Certificates › View Certificates),',
    '    for a throw-away profile only: it is a published key.',
    `The vault must list ${demo.url.replace(/\/$/, '')} in VAULT_CARD_FORM_ORIGINS.`,
  ].join('\n'),
);
