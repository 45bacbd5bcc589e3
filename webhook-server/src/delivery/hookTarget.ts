import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard. Only globally routable unicast addresses are public: ipaddr.js
 * classifies private, loopback, link-local (cloud metadata 169.254.169.254), CGNAT, documentation,
 * multicast and reserved IPv4 ranges as something else. IPv6 is judged in two steps: an address
 * that carries an IPv4 address (mapped, IPv4-compatible ::/96, NAT64, SIIT, 6to4, Teredo) is
 * refused when that IPv4 address is not public, and only then may it pass; every other IPv6
 * address must be global unicast (2000::/3) outside the special ranges (documentation, ORCHID,
 * benchmarking, IETF protocol assignments).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const bytes = parsed.toByteArray();
  const carried = embeddedIPv4(bytes);
  if (carried) {
    if (!carried.addresses.every((v4) => new ipaddr.IPv4(v4).range() === 'unicast')) return false;
    // A dual-stack socket reports IPv4 peers as mapped, and DNS64 answers in 64:ff9b::/96: both
    // reach the IPv4 address they carry. The tunnelling forms are deprecated or need a relay.
    return carried.form === 'mapped' || carried.form === 'nat64';
  }
  // 2000::/3 is the global unicast space; ipaddr.js names its special ranges (all but 'unicast').
  return (bytes[0]! & 0xe0) === 0x20 && parsed.range() === 'unicast';
}

type CarryingForm = 'mapped' | 'compatible' | 'nat64' | 'nat64-local' | 'siit' | '6to4' | 'teredo';

const startsWith = (bytes: number[], prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const zeros = (count: number) => new Array<number>(count).fill(0);

/** The IPv4 addresses an IPv6 address carries, by the form that carries them (RFC 4291, 6052, 6145, 3056, 4380). */
function embeddedIPv4(bytes: number[]): { form: CarryingForm; addresses: number[][] } | undefined {
  const last = bytes.slice(12, 16);
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return { form: 'mapped', addresses: [last] };
  // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
  if (startsWith(bytes, zeros(12)))
    return startsWith(bytes, zeros(15)) ? undefined : { form: 'compatible', addresses: [last] };
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...zeros(8)])) return { form: 'nat64', addresses: [last] };
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]))
    return { form: 'nat64-local', addresses: [last] };
  if (startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0])) return { form: 'siit', addresses: [last] };
  if (startsWith(bytes, [0x20, 0x02])) return { form: '6to4', addresses: [bytes.slice(2, 6)] };
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00]))
    return { form: 'teredo', addresses: [bytes.slice(4, 8), last.map((b) => b ^ 0xff)] };
  return undefined;
}

export class ForbiddenTargetError extends Error {
  readonly code = 'EHOOKTARGET';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
    this.name = 'ForbiddenTargetError';
  }
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** A DNS lookup for sockets that fails when any address of the name is not public (checked per connection). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const forbidden = addresses.find((a) => !isPublicAddress(a.address));
    if (forbidden) return callback(new ForbiddenTargetError(hostname, forbidden.address), '', 0);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    return callback(null, first.address, first.family);
  });
};

/** Refuses an IP literal that is not public; names are checked by publicOnlyLookup when connecting. */
export function assertPublicLiteral(hostname: string): void {
  const host = unbracket(hostname);
  if (isIP(host) && !isPublicAddress(host)) throw new ForbiddenTargetError(host, host);
}

/** What is wrong with a hook URL, or undefined when it may be used. Resolves its name once. */
export async function hookUrlProblem(hookUrl: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(hookUrl);
  } catch {
    return 'must be an absolute URL such as https://hooks.example.com/atlas';
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return 'must use https';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (allowPrivate) return undefined;
  const host = unbracket(url.hostname);
  if (isIP(host)) return isPublicAddress(host) ? undefined : `must not point to a private address (${host})`;
  const addresses = await new Promise<LookupAddress[] | undefined>((resolve) =>
    dnsLookup(host, { all: true }, (err, found) => resolve(err ? undefined : found)),
  );
  if (!addresses?.length) return `has a host name that does not resolve (${host})`;
  const forbidden = addresses.find((a) => !isPublicAddress(a.address));
  return forbidden ? `must not resolve to a private address (${host} → ${forbidden.address})` : undefined;
}
