// PULL_FROM_URL media must sit under a URL property the app verified in the developer portal (§1.11): a URL prefix
// (`https://` + host + path + `/`, only URLs starting with exactly that) or a domain (that domain and all its
// subdomains). Only https URLs can be pulled.
export function isVerifiedUrl(raw: string, prefixes: readonly string[], domains: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  if (prefixes.some((p) => raw.startsWith(p))) return true;
  const host = url.hostname.toLowerCase();
  return domains.some((d) => host === d.toLowerCase() || host.endsWith(`.${d.toLowerCase()}`));
}

export function isHttpsUrl(raw: string): boolean {
  try {
    return new URL(raw).protocol === 'https:';
  } catch {
    return false;
  }
}
