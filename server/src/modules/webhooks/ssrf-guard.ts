import dns from 'node:dns';
import net, { BlockList } from 'node:net';

/**
 * Server-side request forgery guard: a webhook URL must not make the server call into its own
 * network (databases, admin ports, the cloud metadata service). Checked when an endpoint is
 * saved and again at connect time, on the addresses DNS returned, which are the ones the socket
 * then uses (no second lookup an attacker's DNS could answer differently).
 */
const FORBIDDEN = new BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (Alibaba Cloud's metadata 100.100.100.200 is in it)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated) forms
  ['64:ff9b::', 96], // NAT64: would reach an IPv4 address through a translator
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254 is in it)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net6, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d or ::ffff:7f00:1), else null. */
function mappedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address (v4 or v6, brackets allowed) is one a webhook must not reach. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(ip);
  if (family === 4) return FORBIDDEN.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(ip);
    if (v4) return FORBIDDEN.check(v4, 'ipv4');
    return FORBIDDEN.check(ip, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

/** `host[:port]` as WEBHOOK_ALLOWED_HOSTS lists it: an entry without a port allows every port of the host. */
export function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  if (!allowed.length) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.includes(host) || allowed.includes(`${host}:${port}`);
}

export class SsrfRefusal extends Error {
  override name = 'SsrfRefusal';
}

/** Resolves a host name to all its addresses (IP literals stand for themselves). */
async function addressesOf(hostname: string): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return [bare];
  const found = await dns.promises.lookup(bare, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * Save-time check: refuses a URL whose host is, or resolves to, a forbidden address (any of
 * them: a name with one public and one private address is refused) unless it is allow-listed.
 */
export async function assertPublicUrl(url: URL, allowed: readonly string[]): Promise<void> {
  if (isAllowedHost(url, allowed)) return;
  let addresses: string[];
  try {
    addresses = await addressesOf(url.hostname);
  } catch {
    throw new SsrfRefusal(`The host ${url.hostname} could not be resolved.`);
  }
  if (!addresses.length) throw new SsrfRefusal(`The host ${url.hostname} has no address.`);
  const bad = addresses.find(isForbiddenAddress);
  if (bad) {
    throw new SsrfRefusal(
      `The host ${url.hostname} is (or resolves to) ${bad}, a private, loopback, link-local or otherwise internal address; ` +
        'webhooks only reach public addresses unless WEBHOOK_ALLOWED_HOSTS lists the host.',
    );
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect that refuses forbidden addresses: the socket
 * connects to what this returned, so the address checked is the address used.
 */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isForbiddenAddress(a.address));
    if (bad || !list.length) {
      const refusal = new SsrfRefusal(`Refused to connect to ${hostname} (${bad?.address ?? 'no address'}): not a public address.`);
      return callback(refusal as NodeJS.ErrnoException, '');
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}
