import { inspect } from 'node:util';

const MASK = '[redacted]';

/**
 * A value that must never be printed: `String()`, template literals, `JSON.stringify`, `console.log` and
 * `util.inspect` all show a mask. Read the value only with `reveal()`, at the one place that needs it.
 */
export class Secret<T = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [inspect.custom](): string {
    return MASK;
  }
  [Symbol.toPrimitive](): string {
    return MASK;
  }
}

/** A validated primary account number (digits only). */
export class Pan extends Secret<string> {
  declare private readonly brand: 'Pan';
}

/** A card security code. Never stored: it lives in request memory and inside a processor's JWE only. */
export class Cvc extends Secret<string> {
  declare private readonly brand: 'Cvc';
}
