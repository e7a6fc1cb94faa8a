// Fetching a URL a user gave (the MCP upload_media_from_url tool), the one place Herald does so: guarded against
// server-side request forgery. Only http(s); the host is resolved and every address it resolves to must be public
// unicast (no private, loopback, link-local, unique-local, unspecified, CGNAT, multicast or reserved address, IPv4
// or IPv6, IPv4-mapped IPv6 judged as the IPv4 it maps); the connection goes to the address that was checked (the
// check runs in the socket's own lookup, so a second DNS answer cannot swap it); redirects are followed by hand,
// each hop checked the same way, at most a few.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why a URL is refused: `rule` names the guard (protocol, private_address, max_redirects, ...). */
export class UrlRefusedError extends Error {
  constructor(readonly rule: string, message: string) {
    super(message);
  }
}

/** Public unicast only: ipaddr.js names every special-purpose range (IPv4-mapped IPv6 is processed to its IPv4). */
export function isPublicAddress(ip: string): boolean {
  try {
    return ipaddr.process(ip).range() === 'unicast';
  } catch {
    return false;
  }
}

export interface GuardedFetchOptions {
  maxRedirects: number;
  timeoutMs: number;
  /** Which resolved addresses may be connected to; public unicast unless a test widens it. */
  isAllowedAddress?: (ip: string) => boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** GETs the URL, following redirects by hand; answers the final 200 response (its body not read yet). */
export async function guardedGet(rawUrl: string, opts: GuardedFetchOptions): Promise<IncomingMessage> {
  const allowed = opts.isAllowedAddress ?? isPublicAddress;
  let url = parseHttpUrl(rawUrl);
  for (let redirects = 0; ; redirects++) {
    const res = await getOnce(url, allowed, opts.timeoutMs);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.destroy();
      if (redirects >= opts.maxRedirects) throw new UrlRefusedError('max_redirects', `more than ${opts.maxRedirects} redirects`);
      url = parseHttpUrl(new URL(location, url).toString());
      continue;
    }
    if (res.statusCode !== 200) {
      res.destroy();
      throw new UrlRefusedError('fetch_status', `the URL answered HTTP ${res.statusCode}`);
    }
    return res;
  }
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError('url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlRefusedError('protocol', `only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new UrlRefusedError('credentials', 'a URL with credentials is not fetched');
  return url;
}

const refusedAddress = (host: string, ip: string) =>
  new UrlRefusedError('private_address', `${host} is ${ip}, which is not a public address: private, loopback, link-local and other special addresses are never fetched`);

function getOnce(url: URL, allowed: (ip: string) => boolean, timeoutMs: number): Promise<IncomingMessage> {
  // An IP literal is connected to without a lookup: checked here. A name is checked in the socket's lookup.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !allowed(host)) return Promise.reject(refusedAddress(host, host));
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const bad = addresses.find((a) => !allowed(a.address));
      if (bad) return callback(refusedAddress(hostname, bad.address), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', lookup, timeout: timeoutMs, headers: { 'user-agent': 'Herald media fetch' } }, resolve);
    req.on('timeout', () => req.destroy(new UrlRefusedError('timeout', `no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof UrlRefusedError ? err : new UrlRefusedError('fetch_failed', `the URL could not be fetched: ${err.message}`)));
    req.end();
  });
}
