/**
 * The import file's rows: the decrypted CSV parsed as it streams, the header checked against the column mapping,
 * and each data row checked with the API's rules (card-rows.ts).
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { checkRow, requiredHeaders, type ColumnMapping, type RowOutcome } from './card-rows.ts';
import { ImportRefused } from './import-refused.ts';

/** One data row, checked. */
export interface ImportRow {
  /** The data row's number (1: the first row after the header). */
  readonly row: number;
  /** Its first line in the file (the header is line 1). */
  readonly line: number;
  readonly outcome: RowOutcome;
}

/**
 * The parsed records of `plaintext` with their line numbers. A row whose field count is not the header's comes
 * back without a record (reported `row_malformed`, not fatal); a quote that never closes ends the import with the
 * line it reached.
 */
async function* records(plaintext: Readable) {
  const parser = parse({ info: true, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, max_record_size: 64 * 1024 });
  // pipeline, not pipe: a decryption error reaches the parser (and this loop) instead of being thrown unhandled.
  pipeline(plaintext, parser).catch((err: unknown) => parser.destroy(err as Error));
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        continue;
      }
      if (record.length !== header.length) {
        yield { record: null, header, line: info.lines };
        continue;
      }
      yield { record: Object.fromEntries(header.map((h, i) => [h, record[i] ?? ''])), header, line: info.lines };
    }
  } catch (err) {
    const lines = (err as { lines?: number }).lines;
    throw new ImportRefused(`the CSV cannot be read past line ${lines ?? '?'} (${(err as { code?: string }).code ?? 'malformed'})`);
  }
}

/**
 * The data rows of `plaintext` after row `after` (those were done by an earlier attempt: counted, not checked),
 * each checked as of `now()`. A header without a column the mapping needs refuses the file.
 */
export async function* importRows(plaintext: Readable, options: { readonly mapping: ColumnMapping; readonly after: number; readonly now: () => Date }): AsyncGenerator<ImportRow> {
  let row = 0;
  for await (const { record, header, line } of records(plaintext)) {
    if (row === 0) {
      const missing = requiredHeaders(options.mapping).filter((h) => !header.includes(h));
      if (missing.length) throw new ImportRefused(`the file has no column ${missing[0]!.slice(0, 60)}`);
    }
    row++;
    if (row <= options.after) continue;
    yield { row, line, outcome: record ? checkRow(record, options.mapping, options.now()) : { ok: false, code: 'row_malformed' } };
  }
}
