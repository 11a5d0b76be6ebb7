/**
 * One benchmark target — the vault or its floor — driven with the same keep-alive (m)TLS clients and the same
 * request bodies. Each target keeps what its own answers produced: the cards its stores created (for issue)
 * and the tokens its issues returned (each redeemed once, in order).
 */
import { distinctVisa } from '../support/card-numbers.ts';
import { httpsClient, noteFailure } from './bench-kit.ts';
import type { BenchUsers } from './bench-users.ts';

type Client = ReturnType<typeof httpsClient>;

export interface TargetUrls {
  /** The target's process, for its CPU figures. */
  readonly pid: number;
  readonly internalUrl: string;
  readonly publicUrl: string;
}

export const PROCESSOR_ID = 'xero-payments';
const INVOICE = { id: 'INV-BENCH', amount: 1000, currency: 'EUR', merchantId: 'bench', partner: 'xero' };
const EXP_YEAR = new Date().getUTCFullYear() + 3;

/** The same bodies for vault and floor. */
export const bodies = {
  card: (k: number, salt: number) => ({ number: distinctVisa(k, salt), expMonth: 1 + (k % 12), expYear: EXP_YEAR, cardholderName: 'Bench Holder' }),
  issue: (cardId: string) => ({ cardId, cvc: '123', processorId: PROCESSOR_ID, invoice: INVOICE }),
  redeem: (token: string) => ({ token }),
};

export interface StoreTicket {
  readonly user: number;
  /** `CardSession <secret>`: a card-entry session's secret (vault), the owner's stand-in (floor). */
  readonly authorization: string;
}

export class OpsTarget {
  readonly cards: Array<{ user: number; id: string }> = [];
  readonly pid: number;
  readonly tokens: string[] = [];
  readonly #tickets: StoreTicket[] = [];
  #nextTicket = 0;
  #nextToken = 0;
  readonly #pub: Client;
  readonly #settings: Client;
  readonly #flow: Client;
  readonly #processor: Client;

  constructor(
    readonly name: 'vault' | 'floor',
    urls: TargetUrls,
    readonly users: BenchUsers,
    readonly salt: number,
  ) {
    this.pid = urls.pid;
    this.#pub = httpsClient(urls.publicUrl);
    this.#settings = httpsClient(urls.internalUrl, 'account-settings');
    this.#flow = httpsClient(urls.internalUrl, 'payment-flow');
    this.#processor = httpsClient(urls.internalUrl, 'processor-xero-payments');
  }

  addTickets(tickets: readonly StoreTicket[]): void {
    this.#tickets.push(...tickets);
  }

  get ticketsLeft(): number {
    return this.#tickets.length - this.#nextTicket;
  }

  get tokensLeft(): number {
    return this.tokens.length - this.#nextToken;
  }

  /** The empty request: `/floor/empty` on the floor, a 404 on the vault (not benchmarked there). */
  async empty(): Promise<boolean> {
    return (await this.#settings('GET', '/floor/empty', {})).status === 200;
  }

  /** Stores one card with the next unused ticket. */
  async store(): Promise<boolean> {
    const k = this.#nextTicket++;
    const ticket = this.#tickets[k];
    if (!ticket) return false;
    const res = await this.#pub('POST', '/v1/cards', { authorization: ticket.authorization }, bodies.card(k, this.salt));
    if (res.status !== 201) return this.#failed('store', res);
    this.cards.push({ user: ticket.user, id: res.json.id });
    return true;
  }

  async list(i: number): Promise<boolean> {
    const res = await this.#settings('GET', '/v1/cards', { authorization: this.users.bearer(i) });
    return res.status === 200 || this.#failed('list', res);
  }

  /** Issues a token for card `i` (round robin over the cards stored). */
  async issue(i: number): Promise<boolean> {
    const card = this.cards[i % this.cards.length];
    if (!card) return false;
    const res = await this.#flow('POST', '/v1/payment-tokens', { authorization: this.users.bearer(card.user) }, bodies.issue(card.id));
    if (res.status !== 201) return this.#failed('issue', res);
    this.tokens.push(res.json.token);
    return true;
  }

  /** Redeems the next unredeemed token. */
  async redeem(): Promise<boolean> {
    const token = this.tokens[this.#nextToken++];
    if (!token) return false;
    const res = await this.#processor('POST', '/v1/payment-tokens/redeem', {}, bodies.redeem(token));
    return res.status === 200 || this.#failed('redeem', res);
  }

  #failed(op: string, res: { status: number; json: any }): false {
    noteFailure(`${this.name} ${op} ${res.status}${typeof res.json?.code === 'string' ? ` ${res.json.code}` : ''}`);
    return false;
  }

  /** Vault only: opens a card-entry session for user `user` (untimed setup); returns its ticket. */
  async openSession(user: number): Promise<StoreTicket | null> {
    const res = await this.#settings('POST', '/v1/card-sessions', { authorization: this.users.bearer(user) }, {});
    return res.status === 201 ? { user, authorization: `CardSession ${res.json.clientSecret}` } : null;
  }
}
