/**
 * infra/terraform as data, for the policy tests: every `.tf` file parsed with HashiCorp's HCL-to-JSON parser
 * (`@cdktf/hcl2json`, WebAssembly, no binary to download) and merged. Expressions stay as their `${…}` text, so a
 * check can tell `aws_subnet.data` from `aws_subnet.public` without evaluating anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

export const TERRAFORM_DIR = path.join(REPO_ROOT, 'infra', 'terraform');

type Block = Record<string, unknown>;
export interface TerraformConfig {
  /** resource type → name → its (first) block. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly variables: Readonly<Record<string, Block>>;
  /** Every `locals` value, merged. */
  readonly locals: Readonly<Record<string, unknown>>;
}

export function terraformFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(TERRAFORM_DIR)
      .filter((f) => f.endsWith('.tf'))
      .sort()
      .map((f) => [f, readFileSync(path.join(TERRAFORM_DIR, f), 'utf8')]),
  );
}

function firstBlocks(byName: Record<string, Block[]> | undefined): Record<string, Block> {
  return Object.fromEntries(Object.entries(byName ?? {}).map(([name, blocks]) => [name, blocks[0]!]));
}

/** Parses and merges the given files (by default the repository's). */
export async function loadTerraform(files: Record<string, string> = terraformFiles()): Promise<TerraformConfig> {
  const resources: Record<string, Record<string, Block>> = {};
  const data: Record<string, Record<string, Block>> = {};
  const variables: Record<string, Block> = {};
  const locals: Record<string, unknown> = {};
  for (const [file, text] of Object.entries(files)) {
    const doc = (await parse(file, text)) as { resource?: Record<string, Record<string, Block[]>>; data?: Record<string, Record<string, Block[]>>; variable?: Record<string, Block[]>; locals?: Array<Record<string, unknown>> };
    for (const [type, byName] of Object.entries(doc.resource ?? {})) Object.assign((resources[type] ??= {}), firstBlocks(byName));
    for (const [type, byName] of Object.entries(doc.data ?? {})) Object.assign((data[type] ??= {}), firstBlocks(byName));
    Object.assign(variables, firstBlocks(doc.variable));
    for (const l of doc.locals ?? []) Object.assign(locals, l);
  }
  return { resources, data, variables, locals };
}

/** A nested block (`parameter { … }`, `statement { … }`) as a list, however many there are. */
export function blocks(parent: Block | undefined, name: string): Block[] {
  const value = parent?.[name];
  return Array.isArray(value) ? (value as Block[]) : value && typeof value === 'object' ? [value as Block] : [];
}

/** The files with one exact piece of text replaced in one of them; throws unless it occurs exactly once. */
export function withEdit(files: Record<string, string>, file: string, from: string, to: string): Record<string, string> {
  const text = files[file];
  if (text === undefined) throw new Error(`no ${file}`);
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
  return { ...files, [file]: text.slice(0, at) + to + text.slice(at + from.length) };
}
