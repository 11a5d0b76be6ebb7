import * as protoLoader from '@grpc/proto-loader';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOADER_OPTIONS, loadVaultProto, VAULT_PROTO } from '../../services/vault/src/grpc/proto-definition.ts';
import { messageDescriptors, wireProblem } from '../../services/vault/src/grpc/wire-types.ts';

/** The wire-type check gRPC requests pass before protobuf.js reads them (it would misread a wrong wire type). */
const definition = protoLoader.loadSync(VAULT_PROTO, LOADER_OPTIONS);
const descriptors = messageDescriptors(definition);
const { service } = loadVaultProto();
const issue = service['IssuePaymentToken']!;
const ISSUE = 'vault.v1.IssuePaymentTokenRequest';

const varint = (n: number) => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n);
  return out;
};
const bytesField = (number: number, payload: number[]) => [...varint((number << 3) | 2), ...varint(payload.length), ...payload];
const varintField = (number: number, value: number) => [...varint(number << 3), ...varint(value)];
const text = (s: string) => [...Buffer.from(s)];

describe('wire types of a request', () => {
  it('every request the encoder writes passes (property: any issue request)', () => {
    fc.assert(
      fc.property(
        fc.record({ cardId: fc.string(), cvc: fc.string(), processorId: fc.string(), invoice: fc.record({ id: fc.string(), amount: fc.maxSafeNat(), currency: fc.string(), merchantId: fc.string(), partner: fc.string() }) }, { requiredKeys: [] }),
        (request) => {
          const bytes = issue.requestSerialize(request);
          expect(wireProblem(bytes, ISSUE, descriptors)).toBeNull();
          expect(issue.requestDeserialize(bytes)).toEqual(request.invoice ? expect.objectContaining({ invoice: expect.any(Object) }) : expect.any(Object));
        },
      ),
    );
  });

  it('names the field that came in the wrong wire type, nested ones by their path', () => {
    expect(wireProblem(Buffer.from([...bytesField(1, text('card_1')), ...varintField(2, 123)]), ISSUE, descriptors)).toEqual({ path: 'cvc', code: 'invalid_type' });
    expect(wireProblem(Buffer.from(bytesField(4, bytesField(2, text('12')))), ISSUE, descriptors)).toEqual({ path: 'invoice.amount', code: 'invalid_type' });
  });

  it('a field cut short: its path; bytes that are no message at all: the empty path', () => {
    expect(wireProblem(Buffer.from([0x0a, 0x05, 0x61]), ISSUE, descriptors)).toEqual({ path: 'cardId', code: 'invalid_type' });
    expect(wireProblem(Buffer.from([0xff]), ISSUE, descriptors)).toEqual({ path: '', code: 'invalid_type' });
  });

  it('a field number the message does not declare, at any depth, however the rest re-encodes', () => {
    expect(wireProblem(Buffer.from(varintField(99, 1)), ISSUE, descriptors)).toEqual({ path: '', code: 'unknown_field' });
    expect(wireProblem(Buffer.from(bytesField(4, bytesField(42, text('4242424242424242')))), ISSUE, descriptors)).toEqual({ path: 'invoice', code: 'unknown_field' });
    // Invalid UTF-8 re-encodes longer; a length comparison could be gamed with it, the walk cannot.
    expect(wireProblem(Buffer.from([...bytesField(2, [0xff, 0xff, 0xff]), ...varintField(77, 5)]), ISSUE, descriptors)).toEqual({ path: '', code: 'unknown_field' });
  });
});
