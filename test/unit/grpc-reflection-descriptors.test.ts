import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { VAULT_PROTO } from '../../services/vault/src/grpc/proto-definition.ts';
import { fileDescriptorProto, reflectionDefinition, SERVED_PROTOS } from '../../services/vault/src/grpc/reflection-descriptors.ts';

type Message = { name: string; field?: Field[]; nestedType?: Message[]; oneofDecl?: { name: string }[]; reservedRange?: object[]; options?: { mapEntry?: boolean } };
type Field = { name: string; jsonName?: string; typeName?: string; oneofIndex?: number; proto3Optional?: boolean; options?: object };
type File = { name: string; package?: string; messageType?: Message[] };

/** The files reflection serves, decoded from the bytes it is given. */
function served(): File[] {
  return Object.values(reflectionDefinition() as unknown as Record<string, { fileDescriptorProtos: Uint8Array[] }>).flatMap((d) =>
    d.fileDescriptorProtos.map((bytes) => descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as File),
  );
}
const message = (file: File | undefined, name: string) => file?.messageType?.find((m) => m.name === name);
const allFields = (messages: Message[] = []): Field[] => messages.flatMap((m) => [...(m.field ?? []), ...allFields(m.nestedType)]);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'reflection-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function protoFile(name: string, text: string) {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return { file, includeDir: tmp };
}

describe('reflection descriptors: the .proto files as written, as protoc describes them', () => {
  it('come from the files the server loads: the vault proto and grpc-health-check’s health proto', () => {
    expect(SERVED_PROTOS.map((s) => s.file)).toEqual([VAULT_PROTO, HEALTH_PROTO]);
    expect(served().map((f) => f.name)).toEqual(['vault/v1/vault.proto', 'health/v1/health.proto']);
  });

  it('name fields as the .proto does (snake_case), with protoc’s json_name beside', () => {
    const [vault] = served();
    expect(message(vault, 'IssuePaymentTokenRequest')?.field?.map((f) => [f.name, f.jsonName])).toEqual([
      ['card_id', 'cardId'],
      ['cvc', 'cvc'],
      ['processor_id', 'processorId'],
      ['invoice', 'invoice'],
    ]);
    for (const file of served()) {
      for (const field of allFields(file.messageType)) expect(field.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    }
  });

  it('describe a map as protoc does: a nested XxxEntry with map_entry, referenced by its full name', () => {
    const health = served()[1];
    const list = message(health, 'HealthListResponse');
    expect(list?.field).toEqual([{ name: 'statuses', number: 1, label: 3, type: 11, typeName: '.grpc.health.v1.HealthListResponse.StatusesEntry', jsonName: 'statuses' }]);
    expect(list?.nestedType).toEqual([
      {
        name: 'StatusesEntry',
        field: [
          { name: 'key', number: 1, label: 1, type: 9, jsonName: 'key' },
          { name: 'value', number: 2, label: 1, type: 11, typeName: '.grpc.health.v1.HealthCheckResponse', jsonName: 'value' },
        ],
        options: { mapEntry: true },
      },
    ]);
  });

  it('mark proto3 `optional` fields (synthetic oneofs after the real ones), qualify type names, end reserved ranges as protoc does', () => {
    const [vault] = served();
    const session = message(vault, 'CreateCardSessionRequest');
    expect(session?.field).toEqual([{ name: 'billing_profile_id', number: 1, label: 1, type: 9, oneofIndex: 0, jsonName: 'billingProfileId', proto3Optional: true }]);
    expect(session?.oneofDecl).toEqual([{ name: '_billing_profile_id' }]);
    expect(message(vault, 'IssuePaymentTokenRequest')?.field?.find((f) => f.name === 'invoice')?.typeName).toBe('.vault.v1.Invoice');

    const { messageType } = fileDescriptorProto(
      protoFile(
        'sample.proto',
        `syntax = "proto3"; package s;
         message Key { string kid = 1; }
         message M {
           optional string note = 1;
           oneof choice { string a = 2; int32 b = 3; }
           map<string, Key> by_kid_2 = 4;
           message Inner { map<int32, string> labels = 1; }
           reserved 9, 10 to 12;
           int64 big = 5 [json_name = "Big"];
         }`,
      ),
    );
    const m = messageType?.[0]?.name === 'M' ? messageType[0] : messageType?.[1];
    expect(m?.oneofDecl).toEqual([{ name: 'choice' }, { name: '_note' }]);
    expect(m?.field?.map((f) => [f.name, f.oneofIndex, f.typeName])).toEqual([
      ['note', 1, undefined],
      ['a', 0, undefined],
      ['b', 0, undefined],
      ['by_kid_2', undefined, '.s.M.ByKid2Entry'],
      ['big', undefined, undefined],
    ]);
    expect(m?.field?.find((f) => f.name === 'big')?.jsonName).toBe('Big');
    // A message's reserved range ends after its last number, as in descriptor.proto.
    expect(m?.reservedRange).toEqual([{ start: 9, end: 10 }, { start: 10, end: 13 }]);
    expect(m?.nestedType?.map((n) => [n.name, n.options?.mapEntry, n.field?.[1]?.typeName])).toEqual([
      ['ByKid2Entry', true, '.s.Key'],
      ['Inner', undefined, undefined],
    ]);
    expect(m?.nestedType?.[1]?.field?.[0]?.typeName).toBe('.s.M.Inner.LabelsEntry');
  });

  it('refuse a .proto with imports rather than describe it wrongly (protobuf.js would list no dependency)', () => {
    protoFile('dep.proto', 'syntax = "proto3"; package d; message D { string x = 1; }');
    const importing = protoFile('importing.proto', 'syntax = "proto3"; package i; import "dep.proto"; message I { d.D d = 1; }');
    expect(() => fileDescriptorProto(importing)).toThrow(/no imports/);
  });
});
