/**
 * The tables and columns prisma/schema.prisma declares, read with a small parser (no Prisma package needed): models
 * with their `@@map` table names, scalar and enum fields with their `@map` column names, optionality and types.
 * Relation fields (typed by another model) hold no column and are left out. A line inside a model that is none of
 * a field, a `@@` attribute, a comment or blank is refused, so the parser cannot silently skip what it does not know.
 */
export interface SchemaColumn {
  readonly field: string;
  readonly column: string;
  /** Prisma's type: `String`, `DateTime`, … or an enum's name. */
  readonly type: string;
  /** `@db.Timestamptz(3)` → `Timestamptz(3)`; null when the field has none. */
  readonly nativeType: string | null;
  readonly optional: boolean;
  readonly list: boolean;
}

export interface SchemaTable {
  readonly model: string;
  readonly table: string;
  readonly columns: readonly SchemaColumn[];
}

export interface PrismaSchema {
  readonly tables: readonly SchemaTable[];
  /** Enum name → its database type name (`@@map`). */
  readonly enums: ReadonlyMap<string, string>;
}

const BLOCK = /^(model|enum|view|type)\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
const FIELD = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+(.*))?$/;

const mapped = (text: string | undefined): string | null => (text ? (/@@?map\(\s*(?:name:\s*)?"([^"]+)"\s*\)/.exec(text)?.[1] ?? null) : null);

export function parsePrismaSchema(source: string): PrismaSchema {
  // Comments (`//` and `///`) end at the line's end; no string in this schema holds `//`.
  const text = source.replace(/\/\/.*$/gm, '');
  const blocks = [...text.matchAll(BLOCK)].map(([, kind, name, body]) => ({ kind: kind!, name: name!, body: body! }));
  for (const b of blocks) if (b.kind === 'view' || b.kind === 'type') throw new Error(`schema.prisma: ${b.kind} ${b.name} is not understood by this parser`);
  const enums = new Map(blocks.filter((b) => b.kind === 'enum').map((b) => [b.name, mapped(b.body) ?? b.name]));
  const models = new Set(blocks.filter((b) => b.kind === 'model').map((b) => b.name));
  const tables: SchemaTable[] = [];
  for (const { name, body } of blocks.filter((b) => b.kind === 'model')) {
    if (/^\s*@@ignore\b/m.test(body)) continue;
    const columns: SchemaColumn[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('@@')) continue;
      const m = FIELD.exec(line);
      if (!m) throw new Error(`schema.prisma: model ${name}: cannot read the line "${line}"`);
      const [, field, type, list, optional, attributes = ''] = m;
      if (models.has(type!)) continue; // a relation: its columns are the scalar fields it names
      if (/(^|\s)@ignore\b/.test(attributes)) continue;
      columns.push({
        field: field!,
        column: mapped(attributes) ?? field!,
        type: type!,
        nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(attributes)?.[1] ?? null,
        optional: optional === '?',
        list: list === '[]',
      });
    }
    tables.push({ model: name, table: mapped(/^\s*@@map\(.*$/m.exec(body)?.[0]) ?? name, columns });
  }
  return { tables, enums };
}

/** A column as information_schema describes it. */
export interface DatabaseColumnType {
  readonly dataType: string;
  /** `timestamp(3)` → 3; null for other types. */
  readonly precision: number | null;
}

const SCALARS: Readonly<Record<string, DatabaseColumnType>> = {
  String: { dataType: 'text', precision: null },
  Int: { dataType: 'integer', precision: null },
  BigInt: { dataType: 'bigint', precision: null },
  Boolean: { dataType: 'boolean', precision: null },
  Float: { dataType: 'double precision', precision: null },
  Decimal: { dataType: 'numeric', precision: null },
  Bytes: { dataType: 'bytea', precision: null },
  Json: { dataType: 'jsonb', precision: null },
  // Prisma's default for DateTime on PostgreSQL is timestamp(3) without a time zone.
  DateTime: { dataType: 'timestamp without time zone', precision: 3 },
};

const NATIVE: Readonly<Record<string, (arg: number | null) => DatabaseColumnType>> = {
  Text: () => ({ dataType: 'text', precision: null }),
  VarChar: () => ({ dataType: 'character varying', precision: null }),
  Char: () => ({ dataType: 'character', precision: null }),
  Uuid: () => ({ dataType: 'uuid', precision: null }),
  SmallInt: () => ({ dataType: 'smallint', precision: null }),
  Integer: () => ({ dataType: 'integer', precision: null }),
  Real: () => ({ dataType: 'real', precision: null }),
  DoublePrecision: () => ({ dataType: 'double precision', precision: null }),
  Json: () => ({ dataType: 'json', precision: null }),
  JsonB: () => ({ dataType: 'jsonb', precision: null }),
  Date: () => ({ dataType: 'date', precision: null }),
  Timestamp: (p) => ({ dataType: 'timestamp without time zone', precision: p ?? 3 }),
  Timestamptz: (p) => ({ dataType: 'timestamp with time zone', precision: p ?? 3 }),
  Decimal: () => ({ dataType: 'numeric', precision: null }),
};

/**
 * The type PostgreSQL has for a column Prisma would create for `column` (information_schema's `data_type`, and
 * `datetime_precision` for timestamps). Throws for a native type this table does not know, rather than guess.
 */
export function expectedColumnType(column: SchemaColumn, enums: ReadonlyMap<string, string>): DatabaseColumnType {
  if (column.list) return { dataType: 'ARRAY', precision: null };
  if (enums.has(column.type)) return { dataType: 'USER-DEFINED', precision: null };
  if (column.nativeType) {
    const [, name, arg] = /^(\w+)(?:\((\d+)\))?/.exec(column.nativeType)!;
    const native = NATIVE[name!];
    if (!native) throw new Error(`@db.${column.nativeType} (${column.field}): not in the test's type table`);
    return native(arg === undefined ? null : Number(arg));
  }
  const scalar = SCALARS[column.type];
  if (!scalar) throw new Error(`${column.type} (${column.field}): not in the test's type table`);
  return scalar;
}

/** A column as information_schema.columns lists it. */
export interface DatabaseColumn {
  readonly table_name: string;
  readonly column_name: string;
  readonly data_type: string;
  readonly is_nullable: 'YES' | 'NO';
  readonly datetime_precision: number | null;
}

/**
 * Every difference between the schema and the database's columns, one sentence each (none: they agree): a table or
 * column on one side only, another type or precision, nullable against required.
 */
export function schemaDrift(schema: PrismaSchema, columns: readonly DatabaseColumn[]): string[] {
  const tables = new Map<string, Map<string, DatabaseColumn>>();
  for (const row of columns) {
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Map());
    tables.get(row.table_name)!.set(row.column_name, row);
  }
  const drift: string[] = [];
  for (const name of tables.keys()) {
    if (!schema.tables.some((t) => t.table === name)) drift.push(`table ${name}: in the database, no model maps to it in schema.prisma`);
  }
  for (const table of schema.tables) {
    const actual = tables.get(table.table);
    if (!actual) {
      drift.push(`table ${table.table}: in schema.prisma (model ${table.model}), not in the database`);
      continue;
    }
    for (const name of actual.keys()) {
      if (!table.columns.some((c) => c.column === name)) drift.push(`${table.table}.${name}: in the database, not in schema.prisma (model ${table.model})`);
    }
    for (const column of table.columns) {
      const db = actual.get(column.column);
      if (!db) {
        drift.push(`${table.table}.${column.column}: in schema.prisma (${table.model}.${column.field}), not in the database`);
        continue;
      }
      const expected = expectedColumnType(column, schema.enums);
      if (db.data_type !== expected.dataType) drift.push(`${table.table}.${column.column}: ${db.data_type} in the database, ${expected.dataType} in schema.prisma`);
      if (expected.precision !== null && db.datetime_precision !== expected.precision) {
        drift.push(`${table.table}.${column.column}: precision ${db.datetime_precision} in the database, ${expected.precision} in schema.prisma`);
      }
      if ((db.is_nullable === 'YES') !== column.optional) {
        drift.push(`${table.table}.${column.column}: ${db.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'} in the database, ${column.optional ? 'optional' : 'required'} in schema.prisma`);
      }
    }
  }
  return drift;
}
