import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, redacted by construction: request bodies, query strings and headers are never logged;
 * errors are logged as their type, code and stack frames only — never their message, which for driver and
 * SDK errors can quote input. The redact list is a second net for fields that must never appear.
 *
 * By default lines go to stdout asynchronously: a synchronous write per request line blocked the event loop on
 * the pipe to the log collector whenever it read slowly. Lines written while one is in flight go out together;
 * pino flushes what is left when the process exits normally or through process.exit. At most LOG_BUFFER_BYTES
 * wait: a collector that stops reading costs log lines (dropped, never the process's memory), and a process
 * killed (SIGKILL, out of memory, or a signal before the vault's handlers are installed) loses what waited.
 */
export const LOG_BUFFER_BYTES = 16 * 1024 * 1024;

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'payment-vault' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      redact: {
        paths: [
          'number', '*.number', 'pan', '*.pan', 'cvc', '*.cvc', 'cvv', '*.cvv', 'clientSecret', '*.clientSecret',
          'authorization', '*.authorization', 'body', '*.body', 'headers', '*.headers',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_BYTES }),
  );
}

interface SerializedError {
  type: string;
  code?: string;
  dependency?: string;
  frames?: string[];
  cause?: SerializedError;
}

export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!err || typeof err !== 'object') return { type: typeof err };
  const e = err as { name?: unknown; code?: unknown; dependency?: unknown; stack?: unknown; cause?: unknown };
  const out: SerializedError = { type: typeof e.name === 'string' ? e.name : 'Error' };
  if (typeof e.code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(e.code)) out.code = e.code;
  if (typeof e.dependency === 'string') out.dependency = e.dependency;
  if (typeof e.stack === 'string') {
    out.frames = e.stack
      .split('\n')
      .filter((line) => line.startsWith('    at '))
      .slice(0, 8)
      .map((line) => line.trim());
  }
  if (e.cause && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}
