import type * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import path from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { REPO_ROOT } from '../config/repo-paths.ts';
import { VAULT_PROTO } from './proto-definition.ts';

/** A .proto file and the directory its name is relative to (protoc's `-I`): `vault/v1/vault.proto`. */
export interface ProtoSource {
  readonly file: string;
  readonly includeDir: string;
}

/** What the gRPC port serves: the vault's API and the standard health service, from the files the server loads. */
export const SERVED_PROTOS: readonly ProtoSource[] = [
  { file: VAULT_PROTO, includeDir: path.join(REPO_ROOT, 'services/vault/proto') },
  { file: HEALTH_PROTO, includeDir: path.resolve(path.dirname(HEALTH_PROTO), '../..') },
];

// The parts of google.protobuf's descriptor messages (as plain objects, field names in lowerCamel) changed here.
interface FieldProto {
  name: string;
  typeName?: string;
  jsonName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
  options?: Record<string, unknown>;
}
interface Range {
  start: number;
  end: number;
}
interface EnumProto {
  name: string;
  reservedRange?: Range[];
  reservedName?: string[];
}
interface MessageProto {
  name: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  oneofDecl?: unknown[];
  reservedRange?: Range[];
  options?: { mapEntry?: boolean };
}
interface FileProto {
  name: string;
  package?: string;
  messageType?: MessageProto[];
  enumType?: EnumProto[];
}

/** protoc's json_name: `card_id` → `cardId`. */
const jsonName = (name: string) => name.split('_').map((part, i) => (i ? upperFirst(part) : part)).join('');
/** protoc's name for a map field's entry type: `statuses` → `StatusesEntry`, `by_kid` → `ByKidEntry`. */
const mapEntryName = (name: string) => name.split('_').map(upperFirst).join('') + 'Entry';
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The FileDescriptorProto of one .proto file as protoc describes it (less comments): field names as written, not
 * the camelCase the handlers use. protobuf.js writes the descriptor from its own model, which differs from protoc's
 * in ways a strict descriptor pool (C++, Python, Go) refuses or misreads, so those are put right here:
 * - a map field's entry is `XxxEntry` (protobuf.js: `Xxx`, which the pool refuses as a map entry named wrongly);
 * - type references are fully qualified (`.vault.v1.Invoice`), as protoc writes them;
 * - a proto3 `optional` field is flagged `proto3_optional`, its synthetic oneof after the real ones (protobuf.js
 *   drops the flag, turning it into an ordinary one-field oneof), with no empty options left behind;
 * - every field has protoc's `json_name` (its own if the .proto gives one);
 * - reserved field numbers end where protoc's do (a message's range end is exclusive; protobuf.js writes the last
 *   number, so `reserved 9;` became an empty range), and an enum's reserved numbers and names are kept;
 * - the file is named by its path from its include directory, not after its package.
 * A file with imports is refused: protobuf.js would describe its package, not the file, and list no dependencies.
 */
export function fileDescriptorProto({ file, includeDir }: ProtoSource): FileProto {
  const root = new protobuf.Root().loadSync(file, { keepCase: true });
  root.resolveAll();
  const described = (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
  const files = (descriptor.FileDescriptorSet.toObject(described) as { file: FileProto[] }).file;
  const proto = files[0];
  if (root.files.length !== 1 || files.length !== 1 || !proto) {
    throw new Error(`${file}: only a .proto with one package and no imports can be described for reflection`);
  }
  proto.name = path.relative(includeDir, file).split(path.sep).join('/');
  const scope = proto.package ? `.${proto.package}` : '';
  for (const message of proto.messageType ?? []) correctMessage(message, `${scope}.${message.name}`, root);
  for (const enumProto of proto.enumType ?? []) correctEnum(enumProto, root.lookupEnum(`${scope}.${enumProto.name}`));
  return proto;
}

/** A reflection object's `reserved` numbers (protobuf.js: [first, last] pairs) and names. */
function reserved(source: { reserved: (number[] | string)[] | null }) {
  const all = source.reserved ?? [];
  return { ranges: all.filter((r) => typeof r !== 'string'), names: all.filter((r) => typeof r === 'string') };
}

function correctEnum(enumProto: EnumProto, source: protobuf.Enum): void {
  const { ranges, names } = reserved(source);
  if (ranges.length) enumProto.reservedRange = ranges.map(([start = 0, end = start]) => ({ start, end })); // inclusive
  if (names.length) enumProto.reservedName = names;
}

function correctMessage(message: MessageProto, fullName: string, root: protobuf.Root): void {
  const type = root.lookupType(fullName);
  const fields = message.field ?? [];
  for (const field of fields) {
    const source = type.fields[field.name];
    field.jsonName = jsonName(field.name);
    if (source instanceof protobuf.MapField) {
      const entry = message.nestedType?.find((nested) => nested.options?.mapEntry && nested.name === field.typeName);
      if (!entry) throw new Error(`${fullName}.${field.name}: no map entry type described`);
      entry.name = mapEntryName(field.name);
      field.typeName = `${fullName}.${entry.name}`;
      for (const keyOrValue of entry.field ?? []) keyOrValue.jsonName = keyOrValue.name;
      if (source.resolvedType && entry.field?.[1]) entry.field[1].typeName = source.resolvedType.fullName;
    } else if (source?.resolvedType) {
      field.typeName = source.resolvedType.fullName;
    }
    if (typeof source?.options?.['json_name'] === 'string') field.jsonName = source.options['json_name'];
    if (source?.options?.['proto3_optional']) field.proto3Optional = true;
    if (field.options && Object.keys(field.options).length === 0) delete field.options;
  }
  // protoc lists the synthetic oneofs of `optional` fields after every real oneof (the pool insists on it).
  const synthetic = (index: number) => fields.some((field) => field.oneofIndex === index && field.proto3Optional);
  const order = (message.oneofDecl ?? []).map((_, index) => index).sort((a, b) => Number(synthetic(a)) - Number(synthetic(b)));
  if (message.oneofDecl) message.oneofDecl = order.map((index) => message.oneofDecl![index]);
  for (const field of fields) if (field.oneofIndex !== undefined) field.oneofIndex = order.indexOf(field.oneofIndex);
  const { ranges } = reserved(type);
  if (ranges.length) message.reservedRange = ranges.map(([start = 0, end = start]) => ({ start, end: end + 1 })); // exclusive
  for (const nested of message.nestedType ?? []) {
    if (!nested.options?.mapEntry) correctMessage(nested, `${fullName}.${nested.name}`, root);
  }
  for (const enumProto of message.enumType ?? []) correctEnum(enumProto, root.lookupEnum(`${fullName}.${enumProto.name}`));
}

/**
 * What `ReflectionService` reads from a package definition — each file's encoded FileDescriptorProto — for the
 * given files as written. (The handlers' definition is loaded with camelCase field names; reflection must not be
 * built from it, or every other client would learn names the .proto does not have.)
 */
export function reflectionDefinition(sources: readonly ProtoSource[] = SERVED_PROTOS): protoLoader.PackageDefinition {
  const definition: Record<string, { fileDescriptorProtos: Buffer[] }> = {};
  for (const source of sources) {
    const proto = descriptor.FileDescriptorProto.fromObject(fileDescriptorProto(source));
    definition[source.file] = { fileDescriptorProtos: [Buffer.from(descriptor.FileDescriptorProto.encode(proto).finish())] };
  }
  // ReflectionService reads only `fileDescriptorProtos`, whatever the definition's kind.
  return definition as unknown as protoLoader.PackageDefinition;
}
