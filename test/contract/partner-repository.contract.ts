import { describe, expect, it } from 'vitest';
import { hex, type DatabaseSubject, type Subject } from './contract-subjects.ts';
import type { PartnerKey } from '../../services/vault/src/partners/partner-key.ts';

const es256 = (kid: string): PartnerKey => ({
  kid,
  alg: 'ES256',
  jwk: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid, alg: 'ES256', use: 'sig' },
  addedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
});
const eddsa = (kid: string): PartnerKey => ({
  kid,
  alg: 'EdDSA',
  jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid, alg: 'EdDSA', use: 'sig' },
  addedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
});

/** What the partner service and invoice verification rely on from `PartnerRepository`, for any implementation. */
export function describePartnerRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`PartnerRepository contract (${name})`, () => {
    const partners = () => subject().uow.repos.partners;

    it('registers, finds and updates a partner by id', async () => {
      const id = `pa-${hex()}`;
      expect(await partners().find(id)).toBeNull();
      const saved = await partners().upsert({ id, name: 'Contract Invoices', enabled: true, keys: [es256('k1')] });
      expect(saved).toMatchObject({ id, name: 'Contract Invoices', enabled: true, keys: [es256('k1')] });
      expect(saved.updatedAt).toBeInstanceOf(Date);
      expect(await partners().find(id)).toEqual(saved);

      const updated = await partners().upsert({ id, name: 'Renamed', enabled: false, keys: [es256('k1'), eddsa('k2')] });
      expect(updated).toMatchObject({ id, name: 'Renamed', enabled: false, keys: [es256('k1'), eddsa('k2')] });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(saved.updatedAt.getTime());
      expect(await partners().find(id)).toEqual(updated);
    });

    it('gives keys back as a jsonb column does: equal members, in jsonb’s order (so nothing may compare serialisations)', async () => {
      const id = `pa-${hex()}`;
      await partners().upsert({ id, name: 'Order', enabled: true, keys: [eddsa('k1')] });
      const [stored] = (await partners().find(id))!.keys;
      expect(Object.keys(stored!)).toEqual(['alg', 'jwk', 'kid', 'addedAt']);
      expect(Object.keys(stored!.jwk)).toEqual(['x', 'alg', 'crv', 'kid', 'kty', 'use']);
    });

    it('lists every partner by id', async () => {
      const ids = [`pa-${hex()}-b`, `pa-${hex()}-a`];
      for (const id of ids) await partners().upsert({ id, name: id, enabled: true, keys: [] });
      const listed = (await partners().list()).map((p) => p.id);
      expect(listed).toEqual(expect.arrayContaining(ids));
      expect([...listed].sort()).toEqual(listed);
    });

    it('keeps partners apart from processors of the same id', async () => {
      const id = `pa-${hex()}`;
      await partners().upsert({ id, name: 'Partner', enabled: true, keys: [es256('k1')] });
      expect(await subject().uow.repos.processors.find(id)).toBeNull();
    });
  });
}
