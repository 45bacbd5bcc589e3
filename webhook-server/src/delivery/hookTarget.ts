import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard. Only globally routable unicast addresses are public: ipaddr.js
 * classifies private, loopback, link-local (cloud metadata 169.254.169.254), CGNAT, unique-local
 * (fd00:ec2::254), multicast, reserved and tunnelling ranges (6to4, Teredo, NAT64) as something else.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns ::ffff:10.0.0.1 into 10.0.0.1, so mapped addresses are judged as IPv4.
  return ipaddr.process(address).range() === 'unicast';
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
