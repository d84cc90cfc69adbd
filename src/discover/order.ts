import { isIPv4 } from 'node:net';

/** SRV records as a client tries them (RFC 2782): priority ascending, then weight descending; then target and port. */
export function compareSrv(
  a: { priority: number; weight: number; target: string; port: number },
  b: { priority: number; weight: number; target: string; port: number },
): number {
  return a.priority - b.priority || b.weight - a.weight || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) || a.port - b.port;
}

/** IPv4 before IPv6, each in numeric order. */
export function compareAddresses(a: string, b: string): number {
  const ka = addressKey(a);
  const kb = addressKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A string that sorts like the address: "4" + four bytes or "6" + eight groups, as fixed-width hex. */
function addressKey(address: string): string {
  if (isIPv4(address)) return `4${address.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0')).join('')}`;
  let text = address.toLowerCase();
  // An IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [o1, o2, o3, o4] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((o1 << 8) | o2).toString(16)}:${((o3 << 8) | o4).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros: string[] = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return `6${[...left, ...zeros, ...right].map((group) => group.padStart(4, '0')).join('')}`;
}
