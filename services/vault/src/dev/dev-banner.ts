import { keysExample, REPO_ROOT } from '../config/repo-paths.ts';
import path from 'node:path';

const rel = (file: string) => path.relative(REPO_ROOT, file);

/** The loud notice that dev mode prints first, so nobody mistakes it for a production vault. */
export function devModeWarning(database: string): string {
  const bar = '!'.repeat(78);
  return [
    bar,
    '!!  PAYMENT VAULT — DEV MODE. NOT FOR REAL CARD DATA.',
    '!!  Keys and certificates come from keys-example/, which is published and protects nothing.',
    `!!  Database: ${database}.`,
    '!!  Set VAULT_MODE=production (with your own keys, certificates and DATABASE_URL) for anything real.',
    bar,
  ].join('\n');
}

/** Copy-paste commands that create a session, add a card through the public listener, and list it. */
export function devCurlCommands(internalPort: number, publicPort: number): string {
  const ca = rel(keysExample('tls', 'ca.pem'));
  const cert = rel(keysExample('tls', 'clients', 'account-settings.pem'));
  const key = rel(keysExample('tls', 'clients', 'account-settings-key.pem'));
  const internal = `https://localhost:${internalPort}`;
  const pub = `https://localhost:${publicPort}`;
  return `
Try it (from the repository root, in another terminal):

  TOKEN=$(npm run -s dev:assertion -- --user user-1 --tenant tenant-1 --azp account-settings)
  SECRET=$(curl -s --cacert ${ca} --cert ${cert} --key ${key} \\
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{}' \\
      ${internal}/v1/card-sessions | sed -E 's/.*"clientSecret":"([^"]+)".*/\\1/')
  curl -s --cacert ${ca} -H "Authorization: CardSession $SECRET" -H 'Content-Type: application/json' \\
      -d '{"number":"4242 4242 4242 4242","expMonth":12,"expYear":${new Date().getUTCFullYear() + 3},"cardholderName":"Ada Lovelace"}' \\
      ${pub}/v1/cards
  curl -s --cacert ${ca} --cert ${cert} --key ${key} -H "Authorization: Bearer $TOKEN" ${internal}/v1/cards
`;
}
