import net from 'node:net';

/**
 * The source a public request is throttled and audited under: the peer's IPv4 address, or the /64 of an IPv6
 * one (a single host commonly holds a whole /64, so per-address limits on IPv6 would be no limit at all).
 * Taken from the socket, never from a header: behind a TLS-passthrough load balancer the peer is the client.
 */
export function clientSource(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (net.isIPv4(remoteAddress)) return remoteAddress;
  if (!net.isIPv6(remoteAddress)) return 'unknown';
  const [head = '', tail = ''] = remoteAddress.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = remoteAddress.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = remoteAddress.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
