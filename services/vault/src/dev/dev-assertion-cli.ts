/**
 * Prints a dev user assertion (keys-example issuer, 5 minutes) for curl:
 *   npm run -s dev:assertion -- --user user-1 --tenant tenant-1 [--group group-1] [--azp account-settings]
 */
import { commandLine } from '../cli/command-line.ts';
import { mintDevAssertion } from './dev-assertion.ts';

const { values } = commandLine({
  usage: [
    'usage: npm run -s dev:assertion -- [--user user-1] [--tenant tenant-1] [--group g] [--azp account-settings]',
    'Prints a user assertion signed with the keys-example issuer key (dev and tests only; production never trusts it).',
  ].join('\n'),
  options: { user: { type: 'string', default: 'user-1' }, tenant: { type: 'string', default: 'tenant-1' }, group: { type: 'string' }, azp: { type: 'string' } },
});
process.stdout.write(`${await mintDevAssertion({ sub: values.user, tid: values.tenant, ...(values.group ? { gid: values.group } : {}), ...(values.azp ? { azp: values.azp } : {}) })}\n`);
