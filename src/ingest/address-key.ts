/**
 * Groups client addresses for per-address limits. An IPv6 client usually holds a whole /64 (and can
 * pick any address in it), so IPv6 addresses count per /64; IPv4 addresses count one by one.
 */

/** `2001:db8:1:2::7` → `2001:db8:1:2::/64`; `10.0.0.1` → `10.0.0.1`; undefined → `unknown`. */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const zone = address.indexOf('%');
  const a = (zone === -1 ? address : address.slice(0, zone)).toLowerCase();
  if (!a.includes(':')) return a;
  const [head, tail] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) is two groups; it only matters when it reaches the first four.
  const groups = a.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  const prefix = groups.slice(0, 4).map((g: string) => (/^[0-9a-f]{1,4}$/.test(g) ? g.replace(/^0+(?=.)/, '') : g));
  return `${prefix.join(':')}::/64`;
}
