import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateMember } from '../../services/vault/src/http/json-duplicates.ts';

/** Every input handed to findDuplicateMember must be valid JSON; assert that so a broken fixture cannot pass vacuously. */
function check(text: string): boolean {
  expect(() => JSON.parse(text)).not.toThrow();
  return findDuplicateMember(text);
}

/** A JSON string literal spelling every UTF-16 code unit of `s` as a \uXXXX escape. */
function fullyEscaped(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return `${out}"`;
}

/** Nest `inner` along `path`: a string means "value of that member", null means "element of an array". */
function wrap(inner: string, path: (string | null)[]): string {
  return path.reduceRight<string>(
    (text, step) => (step === null ? `[1,${text},"x"]` : `{"pre":{"k":0},${JSON.stringify(step)}:${text}}`),
    inner,
  );
}

const paths = fc.array(fc.option(fc.string(), { nil: null }), { maxLength: 5 });

describe('findDuplicateMember: examples', () => {
  it('finds a flat duplicate', () => {
    expect(check('{"a":1,"b":2,"a":3}')).toBe(true);
    expect(check('{"amount":100,"currency":"EUR","amount":9999999}')).toBe(true);
  });

  it('finds a duplicate in an object nested inside an array', () => {
    expect(check('{"items":[1,{"x":{"y":1,"y":2}}]}')).toBe(true);
    expect(check('[[],[{"a":1}],[{"b":1,"c":[],"b":null}]]')).toBe(true);
  });

  it('compares names after decoding escapes', () => {
    expect(check('{"a":1,"\\u0061":2}')).toBe(true);
    expect(check('{"\\u0061":1,"a":2}')).toBe(true);
    expect(check('{"\\u00e9":1,"é":2}')).toBe(true);
    expect(check('{"\\/":1,"/":2}')).toBe(true);
    expect(check('{"\\ud83d\\ude00":1,"😀":2}')).toBe(true);
    expect(check('{"a":1,"A":2}')).toBe(false);
    expect(check('{"a":1,"\\u0041":2}')).toBe(false);
  });

  it('does not treat the same name in sibling objects as a duplicate', () => {
    expect(check('[{"a":1},{"a":2}]')).toBe(false);
    expect(check('{"x":{"a":1},"y":{"a":2}}')).toBe(false);
  });

  it('does not treat the same name at different depths as a duplicate', () => {
    expect(check('{"a":{"a":{"a":[{"a":1}]}}}')).toBe(false);
    expect(check('{"a":{"b":1},"b":2}')).toBe(false);
  });

  it('handles names containing escaped quotes and backslashes', () => {
    expect(check('{"a\\"b":1,"a\\\\":2,"\\\\":3,"\\"":4}')).toBe(false);
    expect(check('{"a\\"b":1,"a\\u0022b":2}')).toBe(true);
    expect(check('{"\\\\":1,"\\u005c":2}')).toBe(true);
    expect(check('{"\\\\":1,"\\\\\\\\":2}')).toBe(false);
  });

  it('is not fooled by structural characters inside string values', () => {
    expect(check('{"a":"{\\"a\\":1,","b":"}:,\\"","c":"[\\"a\\"]"}')).toBe(false);
    expect(check('{"a":",\\"a\\":","x":"{"}')).toBe(false);
    expect(check('["{\\"a\\":1,\\"a\\":2}"]')).toBe(false);
    expect(check('{"v":"\\\\","a":1,"a":2}')).toBe(true);
  });

  it('handles scalars, whitespace and empty containers', () => {
    for (const text of ['{}', '[]', '[{},[],{}]', '{"a":{},"b":[]}', ' { } ', '1', '"a"', 'null', ' \n{ "a" : 1 ,\t"b" : [ ] }\r\n']) {
      expect(check(text)).toBe(false);
    }
    expect(check(' { "a" : { } ,\n "a" : [ ] } ')).toBe(true);
  });

  it('survives 10,000 levels of nesting without a stack overflow', () => {
    const depth = 10_000;
    expect(check('['.repeat(depth) + ']'.repeat(depth))).toBe(false);
    expect(check('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))).toBe(false);
    expect(check('[{"a":'.repeat(depth) + '{"b":1,"b":2}' + '}]'.repeat(depth))).toBe(true);
    expect(check('{"a":'.repeat(depth) + '{}' + ',"a":0}'.repeat(depth))).toBe(true);
  });
});

describe('findDuplicateMember: properties', () => {
  it('is false for anything JSON.stringify produces', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(findDuplicateMember(JSON.stringify(value))).toBe(false);
      }),
    );
  });

  it('is false for JSON.stringify output nested anywhere', () => {
    fc.assert(
      fc.property(fc.jsonValue(), paths, (value, path) => {
        expect(check(wrap(JSON.stringify(value), path))).toBe(false);
      }),
    );
  });

  it('is true once any existing name of an object is repeated, however it is spelled and wherever the object sits', () => {
    const objects = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 });
    fc.assert(
      fc.property(objects, fc.nat(), fc.boolean(), paths, (object, pick, escape, path) => {
        const keys = Object.keys(object);
        fc.pre(keys.length > 0);
        const key = keys[pick % keys.length] as string;
        const original = JSON.stringify(object);
        const name = escape ? fullyEscaped(key) : JSON.stringify(key);
        const duplicated = `${original.slice(0, -1)},${name}:null}`;
        expect(check(duplicated)).toBe(true);
        expect(check(wrap(duplicated, path))).toBe(true);
        expect(check(wrap(original, path))).toBe(false);
      }),
    );
  });
});
