/**
 * A CPU profile (V8's format, as the inspector writes it) as time per *concern* — the vault's security and
 * bookkeeping steps and the libraries doing the unavoidable work — so the vault's and the floor's profiles of
 * the same operation can be set side by side and the gap read as "this much for the audit chain, this much for
 * rate limits…". Each sample goes to the concern of the innermost frame that names one (a sample in `pg` called
 * from the audit store counts as the PostgreSQL driver; one in the audit store's own code as the audit step);
 * a sample naming none is Node's own (http, TLS, sockets). Idle time and the profiler's own work are left out.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Concerns in the order they are tried on a frame: the first whose test matches names it. */
export const CONCERNS: ReadonlyArray<readonly [string, (f: CallFrame) => boolean]> = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['V8 (program)', (f) => f.functionName === '(program)'],
  ['audit chain append (vault)', (f) => /\/audit\/audit-store\./.test(f.url)],
  ['rate limits (vault)', (f) => /\/rate-limiter\./.test(f.url)],
  ['revocation epochs (vault)', (f) => /\/revocation-epochs\./.test(f.url)],
  ['token store (vault)', (f) => /\/token-store\./.test(f.url)],
  ['idempotency (vault)', (f) => /\/idempotency/.test(f.url)],
  ['caller admission: mTLS identity, user assertion (vault)', (f) => /\/(authorize|admission|user-assertion|verified-assertions|service-identity)\./.test(f.url)],
  ['request log', (f) => /\/request-log\.|\/pino|\/sonic-boom/.test(f.url)],
  ['ESDK envelope (encrypt/decrypt)', (f) => /@aws-crypto|readable-stream/.test(f.url)],
  ['JWE to the processor (jose)', (f) => /\/jose\/|processor-jwe/.test(f.url)],
  ['PostgreSQL driver (pg)', (f) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(f.url)],
  ['Redis client (ioredis)', (f) => /node_modules\/(ioredis|redis-parser|@ioredis)\//.test(f.url)],
  ['JSON body and input validation', (f) => /\/(json-body|json-duplicates|parse-input)\.|node_modules\/zod\//.test(f.url)],
  ['express, router, helmet', (f) => /node_modules\/(express|router|helmet|body-parser|finalhandler|send)\/|\/route-kit\./.test(f.url)],
  ['service code (vault or floor)', (f) => /\/services\/|\/test\/bench\//.test(f.url)],
];
export const NODE_CORE = 'Node core (http, TLS, sockets, crypto calls)';

/** µs per concern over the profile, idle left out. */
export function concernTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const out = new Map<string, number>();
  /** The profiler's own work (stopping it serialises the profile) is not the process's. */
  const underProfiler = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (/profile-hook\.mjs$/.test(byId.get(cur)!.callFrame.url)) return true;
    return false;
  };
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName === '(idle)' || underProfiler(id)) continue;
    let concern: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !concern; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      concern = CONCERNS.find(([, test]) => test(frame))?.[0];
    }
    const name = concern ?? NODE_CORE;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}
