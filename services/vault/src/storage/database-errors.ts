/**
 * Classifies errors from node-postgres (SQLSTATE codes, socket errors), so the one error mapper can answer 503 for
 * "the database is not there" and 409 for constraint races, and 500 for everything else.
 */
interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** SQLSTATE classes 08 (connection), 57P (operator intervention: shutdown), 53 (insufficient resources). */
const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;
const UNAVAILABLE_TEXT = /(Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout)/i;

function chain(err: unknown): ErrorShape[] {
  const out: ErrorShape[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const shape = current as ErrorShape;
    out.push(shape);
    current = shape.cause;
  }
  return out;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return chain(err).some((e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    return UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code) || (typeof e.message === 'string' && UNAVAILABLE_TEXT.test(e.message));
  });
}

/**
 * A row refers to one that does not exist, or a delete is refused because rows refer to it: 23503, and — for an
 * ON DELETE RESTRICT since PostgreSQL 18 (and so on dev mode's embedded PGlite) — 23001 restrict_violation.
 */
export function isForeignKeyViolation(err: unknown): boolean {
  return chain(err).some((e) => e.code === '23503' || e.code === '23001');
}

export function isUniqueViolation(err: unknown): boolean {
  return chain(err).some((e) => e.code === '23505');
}
