/** Untimed setup for stores: one ticket per card to store, for the user `userOf(k)`. */
import { drive } from './bench-kit.ts';
import { floorSessionSecret } from './floor-session.ts';
import type { OpsTarget, StoreTicket } from './ops-targets.ts';

/** The vault: one card-entry session per store, opened now (c=16). */
export async function openVaultTickets(vault: OpsTarget, count: number, userOf: (k: number) => number): Promise<void> {
  await vault.users.refresh();
  const tickets: StoreTicket[] = [];
  const setup = await drive('setup: card sessions', count, 16, async (k) => {
    const ticket = await vault.openSession(userOf(k));
    if (ticket) tickets[k] = ticket;
    return ticket !== null;
  });
  if (setup.errors) throw new Error(`setup: ${setup.errors} of ${count} card sessions were refused`);
  vault.addTickets(tickets);
}

/** The floor: the owner's stand-in secret, nothing to open. */
export function addFloorTickets(floor: OpsTarget, count: number, userOf: (k: number) => number): void {
  floor.addTickets(
    Array.from({ length: count }, (_, k) => {
      const user = userOf(k);
      const { sub, tid } = floor.users.users[user]!;
      return { user, authorization: `CardSession ${floorSessionSecret({ tenant: tid, owner: sub }, k)}` };
    }),
  );
}
