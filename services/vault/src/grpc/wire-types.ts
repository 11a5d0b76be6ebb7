import type { PackageDefinition } from '@grpc/proto-loader';

/** The wire type each protobuf field type must arrive in (packed repeated numbers may also come length-delimited). */
const WIRE_TYPE: Readonly<Record<string, number>> = {
  TYPE_STRING: 2,
  TYPE_BYTES: 2,
  TYPE_MESSAGE: 2,
  TYPE_BOOL: 0,
  TYPE_ENUM: 0,
  TYPE_INT32: 0,
  TYPE_INT64: 0,
  TYPE_UINT32: 0,
  TYPE_UINT64: 0,
  TYPE_SINT32: 0,
  TYPE_SINT64: 0,
  TYPE_FIXED64: 1,
  TYPE_SFIXED64: 1,
  TYPE_DOUBLE: 1,
  TYPE_FIXED32: 5,
  TYPE_SFIXED32: 5,
  TYPE_FLOAT: 5,
};

interface FieldDescriptor {
  readonly name: string;
  readonly number: number;
  readonly type: string;
  readonly typeName: string;
  readonly label: string;
}

type Descriptors = ReadonlyMap<string, readonly FieldDescriptor[]>;

/** Each message of a package definition by its full name, with its fields (from proto-loader's descriptors). */
export function messageDescriptors(definition: PackageDefinition): Descriptors {
  const out = new Map<string, readonly FieldDescriptor[]>();
  for (const [name, entry] of Object.entries(definition)) {
    const described = entry as { format?: string; type?: { field?: FieldDescriptor[] } };
    if (described.format === 'Protocol Buffer 3 DescriptorProto') out.set(name, described.type?.field ?? []);
  }
  return out;
}

/** What is wrong with a request's bytes, at which path — in the terms the JSON API reports. */
export interface WireProblem {
  readonly path: string;
  readonly code: 'invalid_type' | 'unknown_field';
}

/**
 * The first problem of a request's bytes against its message, or null: a field in a wire type its declaration
 * does not allow (`invalid_type` at `cvc`, `invoice.amount`; at '' for bytes that are no message at all) — what
 * protobuf.js does not check (it reads a varint sent for a string as a short string) — or a field number the
 * message does not declare (`unknown_field` at the message's path) — which protobuf.js would skip in silence.
 * Nested messages are checked too.
 */
export function wireProblem(bytes: Uint8Array, messageName: string, descriptors: Descriptors, prefix = ''): WireProblem | null {
  const fields = descriptors.get(messageName);
  const bad = (path: string): WireProblem => ({ path, code: 'invalid_type' });
  if (!fields) return bad(prefix);
  const at = (field: FieldDescriptor) => (prefix ? `${prefix}.${field.name}` : field.name);
  const pkg = messageName.slice(0, messageName.lastIndexOf('.'));
  let i = 0;
  const varint = (): number | null => {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (i >= bytes.length) return null;
      const b = bytes[i++]!;
      if (shift < 49) result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
    }
    return null;
  };
  while (i < bytes.length) {
    const key = varint();
    if (key === null) return bad(prefix);
    const number = Math.floor(key / 8);
    const wire = key % 8;
    const field = fields.find((f) => f.number === number);
    if (!field) return { path: prefix, code: 'unknown_field' };
    const expected = WIRE_TYPE[field.type];
    const packed = field.label === 'LABEL_REPEATED' && expected !== 2 && wire === 2;
    if (wire !== expected && !packed) return bad(at(field));
    if (wire === 0) {
      if (varint() === null) return bad(at(field));
    } else if (wire === 1 || wire === 5) {
      i += wire === 1 ? 8 : 4;
      if (i > bytes.length) return bad(at(field));
    } else if (wire === 2) {
      const length = varint();
      if (length === null || i + length > bytes.length) return bad(at(field));
      if (field.type === 'TYPE_MESSAGE') {
        const nested = field.typeName.startsWith('.') ? field.typeName.slice(1) : `${pkg}.${field.typeName}`;
        const inner = wireProblem(bytes.subarray(i, i + length), nested, descriptors, at(field));
        if (inner !== null) return inner;
      }
      i += length;
    } else {
      return bad(at(field)); // groups (3, 4) are not used by proto3; 6 and 7 do not exist
    }
  }
  return null;
}
