/**
 * Regenerates keys-example/ (dev and test material; never for production): the internal CA, the vault's
 * server certificate, one client certificate per calling service (SAN URI spiffe://vault.internal/<service>),
 * the ES256 user-assertion issuer key, the partner processors' JWE keys, the invoice partners' signature keys, and raw AES-256 wrapping and
 * fingerprint keys. Uses the openssl CLI for X.509 and node:crypto for everything else.
 *
 *   npm run keys:example -- --force
 *
 * Without --force it refuses to touch an existing keys-example/: new keys cannot open what the old ones
 * encrypted (the committed known-answer vectors in test/vectors/, and any dev database), and every test and
 * client that trusts the old CA must get the new one.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keysExample, KEYS_EXAMPLE_DIR, commandLine } from '../services/vault/src/tooling.ts';

const DAYS = '7300';
const TRUST_DOMAIN = 'vault.internal';
const CLIENTS: Record<string, string> = {
  'payment-flow': 'payment-flow',
  'account-settings': 'account-settings',
  admin: 'admin',
  'key-rotation': 'key-rotation',
  'settings-demo': 'account-settings',
  'processor-xero-payments': 'processor/xero-payments',
  'processor-freshbooks-payments': 'processor/freshbooks-payments',
};

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o644 });
}

function ecKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

function signedCert(name: string, subject: string, extensions: string): void {
  const tls = keysExample('tls');
  const dir = name.includes('/') ? path.join(tls, path.dirname(name)) : tls;
  const base = path.join(dir, path.basename(name));
  const ext = `${base}.ext`;
  write(ext, extensions);
  ecKey(`${base}-key.pem`);
  openssl(['req', '-new', '-key', `${base}-key.pem`, '-subj', subject, '-out', `${base}.csr`]);
  openssl([
    'x509', '-req', '-in', `${base}.csr`, '-CA', path.join(tls, 'ca.pem'), '-CAkey', path.join(tls, 'ca-key.pem'),
    '-CAcreateserial', '-days', DAYS, '-sha256', '-extfile', ext, '-out', `${base}.pem`,
  ]);
  rmSync(`${base}.csr`);
  rmSync(ext);
}

const { values: args } = commandLine({
  usage: 'usage: npm run keys:example -- [--force]   — regenerates keys-example/ (dev and test material); --force replaces existing keys',
  options: { force: { type: 'boolean', default: false } },
});
/* Precondition: regenerating replaces keys that existing ciphertexts, vectors and clients depend on. */
if (existsSync(KEYS_EXAMPLE_DIR) && !args.force) {
  console.error(
    'keys:example: refused — keys-example/ exists. New keys cannot open what the old ones encrypted: the known-answer ' +
      'vectors in test/vectors/ stop decrypting, a dev database (.vault-dev/) no longer opens (the vault refuses to start), ' +
      'and clients must trust the new CA. Run with --force to replace them anyway.',
  );
  process.exit(1);
}

rmSync(KEYS_EXAMPLE_DIR, { recursive: true, force: true });
mkdirSync(keysExample('tls', 'clients'), { recursive: true });

// The internal CA.
const tls = keysExample('tls');
ecKey(path.join(tls, 'ca-key.pem'));
openssl([
  'req', '-x509', '-new', '-key', path.join(tls, 'ca-key.pem'), '-subj', '/O=Payment Vault Example/CN=Example Internal CA',
  '-days', DAYS, '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  '-out', path.join(tls, 'ca.pem'),
]);

// The vault's server certificate.
signedCert(
  'vault',
  '/O=Payment Vault Example/CN=localhost',
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n',
);

// One client certificate per calling service.
for (const [file, service] of Object.entries(CLIENTS)) {
  signedCert(
    `clients/${file}`,
    `/O=Payment Vault Example/CN=${service.replace("/", ".")}`,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://${TRUST_DOMAIN}/${service}\n`,
  );
}
rmSync(path.join(tls, 'ca.srl'), { force: true });

// The identity provider's ES256 key for user assertions.
{
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'example-issuer-1';
  write(keysExample('identity', 'issuer-private.jwk.json'), JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }, null, 2));
  write(keysExample('identity', 'issuer-public.jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }, null, 2));
}

// Partner processors' encryption keys: Xero on RSA-OAEP-256, FreshBooks on ECDH-ES+A256KW, so both paths run.
{
  const xero = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const processors = [
    { id: 'xero-payments', pair: xero, alg: 'RSA-OAEP-256' },
    { id: 'freshbooks-payments', pair: fresh, alg: 'ECDH-ES+A256KW' },
  ];
  for (const { id, pair, alg } of processors) {
    const kid = `${id}-example-1`;
    write(keysExample('processors', `${id}-private.jwk.json`), JSON.stringify({ ...pair.privateKey.export({ format: 'jwk' }), kid, alg, use: 'enc' }, null, 2));
    write(keysExample('processors', `${id}-public.jwks.json`), JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'enc' }] }, null, 2));
  }
}

// Invoice partners' signature keys: Xero signs with ES256, FreshBooks with EdDSA (Ed25519), so both paths run.
{
  const partners = [
    { id: 'xero', pair: generateKeyPairSync('ec', { namedCurve: 'P-256' }), alg: 'ES256' },
    { id: 'freshbooks', pair: generateKeyPairSync('ed25519'), alg: 'EdDSA' },
  ];
  for (const { id, pair, alg } of partners) {
    const kid = `${id}-invoices-example-1`;
    write(keysExample('partners', `${id}-private.jwk.json`), JSON.stringify({ ...pair.privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }, null, 2));
    write(keysExample('partners', `${id}-public.jwks.json`), JSON.stringify({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }] }, null, 2));
  }
}

// Raw AES-256 wrapping keys and the fingerprint HMAC key.
for (const name of ['v1', 'v2', 'fingerprint-v1', 'fingerprint-v2']) {
  write(keysExample('kek', `${name}.key`), randomBytes(32).toString('base64'));
}

write(
  keysExample('README.md'),
  `# keys-example — dev and test material, NEVER for production

Everything here is published in the repository, so it protects nothing. \`VAULT_MODE=production\` refuses every
path under this folder. Regenerate with \`npm run keys:example\` (needs the openssl CLI); tests, the demo and
outside clients rely on these paths, so keep them stable.

- \`tls/ca.pem\` (+ \`ca-key.pem\`): the example internal CA.
- \`tls/vault.pem\` + \`vault-key.pem\`: the vault's server certificate (SANs localhost, 127.0.0.1, ::1).
- \`tls/clients/<service>.pem\` + \`<service>-key.pem\`: client certificates with SAN URI
  \`spiffe://${TRUST_DOMAIN}/<service>\` (\`processor/<id>\` for processors; \`settings-demo\` is an
  \`account-settings\` identity for the settings demo).
- \`identity/issuer-private.jwk.json\` + \`issuer-public.jwks.json\`: ES256 key signing user assertions
  (issuer \`https://identity.example.test\`, audience \`payment-vault\`).
- \`processors/<id>-private.jwk.json\` + \`<id>-public.jwks.json\`: JWE keys of \`xero-payments\` (RSA-OAEP-256)
  and \`freshbooks-payments\` (ECDH-ES+A256KW).
- \`partners/<id>-private.jwk.json\` + \`<id>-public.jwks.json\`: invoice signature keys of the partners \`xero\`
  (ES256) and \`freshbooks\` (EdDSA, Ed25519); \`npm run invoice:mint\` signs example invoices with them.
- \`kek/v1.key\`, \`kek/v2.key\`: raw AES-256 wrapping keys (base64); \`kek/fingerprint-v1.key\`,
  \`fingerprint-v2.key\`: PAN fingerprint HMAC keys (base64).
- \`import/import-private.asc\` + \`import-public.asc\`: an example OpenPGP card-import key pair (curve25519, AEAD),
  written by \`npx tsx scripts/make-import-fixtures.ts\`, which also encrypts the example import files in
  \`test/fixtures/import/\` to it. A vault takes it in with \`npm run cards:import-key -- --from
  keys-example/import/import-private.asc\` (refused in production mode).
`,
);
console.log(`keys-example regenerated under ${KEYS_EXAMPLE_DIR}`);
