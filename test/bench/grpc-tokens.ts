/** Payment-token issue and redeem over gRPC (vault.v1.Vault), vault only, beside the HTTPS figures of `ops`. */
import { call, vaultClient } from '../support/grpc-client.ts';
import { drive, formatResult } from './bench-kit.ts';
import { closedFigure, type ClosedLoopFigure } from './bench-results.ts';
import { bodies, type OpsTarget } from './ops-targets.ts';

export async function grpcTokenFigures(grpcTarget: string, vault: OpsTarget, count: number, concurrency: number): Promise<{ issue: ClosedLoopFigure; redeem: ClosedLoopFigure }> {
  const flow = vaultClient(grpcTarget, 'payment-flow');
  const processor = vaultClient(grpcTarget, 'processor-xero-payments');
  try {
    const tokens: string[] = [];
    const issue = await drive(`vault gRPC IssuePaymentToken (c=${concurrency})`, count, concurrency, async (i) => {
      const card = vault.cards[i % vault.cards.length]!;
      const res = await call<{ token: string }>(flow, 'IssuePaymentToken', bodies.issue(card.id), { authorization: vault.users.bearer(card.user) });
      tokens[i] = res.value?.token ?? '';
      return res.error === null;
    });
    console.log(formatResult(issue));
    const redeem = await drive(`vault gRPC RedeemPaymentToken (c=${concurrency})`, count, concurrency, async (i) => {
      const res = await call(processor, 'RedeemPaymentToken', bodies.redeem(tokens[i] ?? ''));
      return res.error === null;
    });
    console.log(formatResult(redeem));
    return { issue: closedFigure(issue, concurrency), redeem: closedFigure(redeem, concurrency) };
  } finally {
    flow.close();
    processor.close();
  }
}
