import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Cvc, Pan, Secret } from '../../services/vault/src/crypto/secret.ts';
import { createLogger } from '../../services/vault/src/observability/logger.ts';

describe('secrets never print their value', () => {
  const pan = new Pan('4242424242424242');
  const cvc = new Cvc('737');
  const key = new Secret(new Uint8Array([1, 2, 3]));
  it.each([
    ['String()', () => String(pan)],
    ['template literal', () => `${pan}`],
    ['concatenation', () => 'pan=' + pan],
    ['JSON.stringify', () => JSON.stringify({ pan, cvc, key })],
    ['util.inspect', () => inspect({ pan, cvc, key }, { depth: 5, showHidden: true })],
    ['console-style format', () => inspect(pan)],
  ])('%s', (_name, render) => {
    const text = render();
    expect(text).not.toContain('4242424242424242');
    expect(text).not.toContain('737');
    expect(text).toContain('[redacted]');
  });
  it('reveals only on purpose', () => {
    expect(pan.reveal()).toBe('4242424242424242');
  });
  it('the logger redacts card fields and never logs error messages', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => void lines.push(l) });
    logger.info({ number: '4242424242424242', card: { number: '4242424242424242', cvc: '737' }, pan }, 'x');
    logger.error({ err: new Error('card 4242424242424242 failed') }, 'y');
    const text = lines.join('\n');
    expect(text).not.toContain('4242424242424242');
    expect(text).not.toContain('737');
  });
});
