/**
 * The ports a vault process listens on, read from its "payment vault listening" log line: how tools and tests
 * that start a vault with VAULT_INTERNAL_PORT=0 / VAULT_PUBLIC_PORT=0 (ports chosen by the OS) find it.
 */
export function listeningPorts(output: string): { internal: number; public: number; grpc?: number } | null {
  for (const line of output.split('\n')) {
    if (!line.includes('"payment vault listening"')) continue;
    try {
      const entry = JSON.parse(line) as { internal?: string; public?: string; grpc?: string };
      const internal = Number(entry.internal?.split(':').pop());
      const pub = Number(entry.public?.split(':').pop());
      const grpc = Number(entry.grpc?.split(':').pop());
      if (internal > 0 && pub > 0) return { internal, public: pub, ...(grpc > 0 ? { grpc } : {}) };
    } catch {
      // not a whole line yet
    }
  }
  return null;
}
