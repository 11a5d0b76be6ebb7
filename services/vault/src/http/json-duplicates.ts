const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COMMA = 0x2c; // ,
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]

/**
 * True if any object anywhere in `text` has two members whose names are equal after JSON string decoding
 * (`{"a":1,"\u0061":2}` counts; `{"a":1,"A":2}` does not).
 *
 * Why: RFC 8259 leaves the meaning of duplicate names undefined, and JSON.parse silently keeps the last one, so
 * `{"amount":100,…,"amount":9999999}` could be read differently by two parsers on the path (a WAF, a logger,
 * this service). The vault refuses such bodies with 400 `duplicate_member` rather than pick a winner.
 *
 * `text` must already be valid JSON (JSON.parse succeeded on it); then this never throws. One linear pass with
 * an explicit stack (no recursion, so any nesting depth is fine) and no parsed value is built: a key is decoded
 * (via JSON.parse on its token) only when it contains a backslash, otherwise its raw slice is compared.
 */
export function findDuplicateMember(text: string): boolean {
  // One entry per open container: the member names seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  // True right after `{` or after `,` inside an object, i.e. where the next string token is a member name.
  let expectKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          i++; // skip the escaped character (for \uXXXX the hex digits are harmless ordinary characters)
        }
      }
      if (expectKey) {
        expectKey = false;
        const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        const seen = stack[stack.length - 1];
        if (seen) {
          if (seen.has(name)) return true;
          seen.add(name);
        }
      }
    } else if (c === OPEN_OBJECT) {
      stack.push(new Set<string>());
      expectKey = true;
    } else if (c === OPEN_ARRAY) {
      stack.push(null);
      expectKey = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}
