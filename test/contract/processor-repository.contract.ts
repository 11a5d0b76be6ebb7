import { describe, expect, it } from 'vitest';
import { hex, type DatabaseSubject, type Subject } from './contract-subjects.ts';
import type { ProcessorKey } from '../../services/vault/src/crypto/processor-key.ts';

const key = (kid: string): ProcessorKey => ({
  kid,
  alg: 'ECDH-ES+A256KW',
  jwk: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid, alg: 'ECDH-ES+A256KW', use: 'enc' },
  addedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
});

/** What the processor service relies on from `ProcessorRepository`, for any implementation. */
export function describeProcessorRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`ProcessorRepository contract (${name})`, () => {
    const processors = () => subject().uow.repos.processors;

    it('registers, finds and updates a processor by id', async () => {
      const id = `p-${hex()}`;
      expect(await processors().find(id)).toBeNull();
      const saved = await processors().upsert({ id, name: 'Contract Pay', enabled: true, keys: [key('k1')] });
      expect(saved).toMatchObject({ id, name: 'Contract Pay', enabled: true, keys: [key('k1')] });
      expect(saved.updatedAt).toBeInstanceOf(Date);
      expect(await processors().find(id)).toEqual(saved);

      const updated = await processors().upsert({ id, name: 'Renamed', enabled: false, keys: [key('k1'), key('k2')] });
      expect(updated).toMatchObject({ id, name: 'Renamed', enabled: false, keys: [key('k1'), key('k2')] });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(saved.updatedAt.getTime());
      expect(await processors().find(id)).toEqual(updated);
    });

    it('gives keys back as a jsonb column does: equal members, in jsonb’s order (so nothing may compare serialisations)', async () => {
      const id = `p-${hex()}`;
      await processors().upsert({ id, name: 'Order', enabled: true, keys: [key('k1')] });
      const [stored] = (await processors().find(id))!.keys;
      expect(Object.keys(stored!)).toEqual(['alg', 'jwk', 'kid', 'addedAt']);
      expect(Object.keys(stored!.jwk)).toEqual(['x', 'y', 'alg', 'crv', 'kid', 'kty', 'use']);
    });

    it('lists every processor by id', async () => {
      const ids = [`p-${hex()}-b`, `p-${hex()}-a`];
      for (const id of ids) await processors().upsert({ id, name: id, enabled: true, keys: [] });
      const listed = (await processors().list()).map((p) => p.id);
      expect(listed).toEqual(expect.arrayContaining(ids));
      expect([...listed].sort()).toEqual(listed);
    });
  });
}
