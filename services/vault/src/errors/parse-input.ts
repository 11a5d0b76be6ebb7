import type { z } from 'zod';
import { ClientError, type FieldProblem } from './vault-error.ts';

/**
 * Validates a request body (or query) against a strict zod schema. Problems are reported as `{path, code}`
 * with fixed codes; zod's messages, which can quote the input, are never passed on, and a path only ever names
 * members the schema defines (an unknown member is reported at its parent's path, without its name).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // The unknown member's name is caller input (it could be a PAN): report where it is, never what it is.
      problems.push({ path: base, code: 'unknown_field' });
    } else if (issue.code === 'invalid_type' && !hasPath(input, issue.path)) {
      problems.push({ path: base, code: 'required' });
    } else if (issue.code === 'custom') {
      problems.push({ path: base, code: String(issue.params?.['code'] ?? 'invalid') });
    } else {
      problems.push({ path: base, code: issue.code });
    }
  }
  throw new ClientError('invalid_request', problems.slice(0, 20));
}

/** Whether the input has a value at `path` (zod does not report the input unless asked to). */
function hasPath(input: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = input;
  for (const key of path) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, key)) return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current !== undefined;
}
