import type { PartnerRepository } from '../partners/partner-repository.ts';
import type { InvoiceClaims, VerifiedInvoice } from './invoice-claims.ts';
import { verifyInvoice } from './invoice-verification.ts';

/** The repositories invoice verification reads. */
export interface InvoiceRepositories {
  readonly partners: PartnerRepository;
}

/**
 * Partner-signed invoices (README "Invoices"). Not bound to an operation yet: payment sessions (issue 23, part 2)
 * call `verify` on the invoice a session is opened for, and audit the outcome with the session.
 */
export class InvoiceService {
  constructor(
    private readonly uow: { readonly repos: InvoiceRepositories },
    private readonly options: { readonly maxAmount: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The invoice `jws` proves, or 422 `invoice_invalid` (naming the failed check), `partner_unknown`, `partner_disabled`. */
  verify(jws: unknown): Promise<VerifiedInvoice> {
    return verifyInvoice(jws, (id) => this.uow.repos.partners.find(id), { now: this.now(), maxAmount: this.options.maxAmount });
  }
}

export type { InvoiceClaims, VerifiedInvoice };
