/**
 * `npm run settings-demo`: the account-settings demo against a dev vault on the default ports
 * (start one with `npm start`), at http://localhost:8090.
 */
import { startSettingsDemo } from './settings-demo.ts';

const demo = await startSettingsDemo({
  vaultInternalUrl: 'https://localhost:8443',
  vaultPublicUrl: 'https://localhost:8444',
  port: 8090,
  user: { sub: 'user-1', tid: 'tenant-1' },
});
console.log(`settings demo (dev only) at ${demo.url} — the browser must trust keys-example/tls/ca.pem for the vault's form`);
