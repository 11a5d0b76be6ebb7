import { describe, expect, it } from 'vitest';
import { DecryptionFailed, KeyringUnavailable } from '../../services/vault/src/crypto/envelope.ts';
import { checkKeysRetryingKmsOutage, KmsUnreachableAtStart, retryPauseMs } from '../../services/vault/src/key-versions/key-check-retry.ts';
import { kmsOutageName as outageName } from '../../services/vault/src/crypto/kms-calls.ts';
import { KeysDoNotMatchData } from '../../services/vault/src/key-versions/key-check.ts';

/** A clock that only moves when the code under test sleeps (or a check takes `checkMs`). */
function fakeTime(checkMs = 50) {
  let now = 0;
  const said: string[] = [];
  return {
    said,
    tick: () => (now += checkMs),
    options: (waitSeconds: number) => ({
      waitSeconds,
      now: () => now,
      sleep: async (ms: number) => void (now += ms),
      random: () => 0.5,
      say: (_level: 'warn' | 'info', line: string) => void said.push(line),
    }),
  };
}

const throttled = () => new KeyringUnavailable({ cause: Object.assign(new Error('Rate exceeded for arn:aws:kms:…'), { name: 'ThrottlingException' }) });
const refused = () => new KeyringUnavailable({ cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' }) });

describe('the start-up key check while KMS is unreachable', () => {
  it('pauses 1, 2, 4, 8 s, then 15 s at most, with a little jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 12].map((n) => retryPauseMs(n, () => 0.5))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    expect(retryPauseMs(1, () => 0)).toBe(900);
    expect(retryPauseMs(1, () => 1)).toBe(1_100);
    expect(retryPauseMs(5, () => 1)).toBe(15_000);
  });

  it('says each retry and that KMS answers again, then returns', async () => {
    const time = fakeTime();
    let calls = 0;
    await checkKeysRetryingKmsOutage(async () => {
      time.tick();
      if (++calls < 4) throw calls % 2 ? throttled() : refused();
    }, time.options(60));
    expect(time.said).toEqual([
      'KMS unreachable (ThrottlingException); retrying in 1 s',
      'KMS unreachable (ECONNREFUSED); retrying in 2 s',
      'KMS unreachable (ThrottlingException); retrying in 4 s',
      'KMS answers again after 7 s; starting',
    ]);
  });

  it('gives up after the wait: KmsUnreachableAtStart, the last pause cut to what is left', async () => {
    const time = fakeTime();
    const failing = checkKeysRetryingKmsOutage(async () => {
      time.tick();
      throw refused();
    }, time.options(5));
    await expect(failing).rejects.toThrow(new KmsUnreachableAtStart(5, 'ECONNREFUSED'));
    await expect(failing).rejects.toThrow('KMS unreachable for 5 s (ECONNREFUSED); not starting');
    expect(time.said).toEqual([
      'KMS unreachable (ECONNREFUSED); retrying in 1 s',
      'KMS unreachable (ECONNREFUSED); retrying in 2 s',
      'KMS unreachable (ECONNREFUSED); retrying in 2 s', // 4 s, cut to the 1.85 s left
    ]);
  });

  it('a wait of 0: one attempt, no retry', async () => {
    const time = fakeTime();
    const once = checkKeysRetryingKmsOutage(async () => {
      time.tick();
      throw throttled();
    }, time.options(0));
    await expect(once).rejects.toThrow('KMS unreachable for 0 s (ThrottlingException); not starting');
    expect(time.said).toEqual([]);
  });

  it('a verdict on the keys, or any other failure, is not retried', async () => {
    for (const verdict of [new KeysDoNotMatchData('VAULT_KMS_KEY_ARNS', 'key v1 does not open …'), new DecryptionFailed('message'), new Error('database gone')]) {
      const time = fakeTime();
      let calls = 0;
      const check = async () => {
        calls++;
        throw verdict;
      };
      await expect(checkKeysRetryingKmsOutage(check, time.options(60))).rejects.toBe(verdict);
      expect(calls).toBe(1);
      expect(time.said).toEqual([]);
    }
  });

  it('names an outage by its type or code, never its message', () => {
    expect(outageName(throttled().cause)).toBe('ThrottlingException');
    expect(outageName(refused().cause)).toBe('ECONNREFUSED');
    expect(outageName(Object.assign(new Error('x'), { name: 'KmsTimeout', code: 'ETIMEDOUT' }))).toBe('KmsTimeout');
    expect(outageName(new Error('4111 1111 1111 1111'))).toBe('unknown');
    expect(outageName(Object.assign(new Error('x'), { name: 'a name with spaces and 4111111111111111' }))).toBe('unknown');
    expect(outageName(undefined)).toBe('unknown');
    expect(outageName('ThrottlingException')).toBe('unknown');
  });
});
