// The outcome of a connect flow, as the API's callback put it in the query when sending the browser back:
// `?connected=<platform>&accounts=<ids>` or `?platform=<p>&error=<code>&message=<text>`. Read once, then the query
// is cleared (replace, not push) so a reload or a shared link does not announce it again.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

export type ConnectResult =
  | { kind: 'connected'; platform: string; accountIds: string[] }
  | { kind: 'failed'; platform: string | null; code: string; message: string | null };

const KEYS = ['connected', 'accounts', 'platform', 'error', 'message'];

function readResult(params: URLSearchParams): ConnectResult | null {
  const connected = params.get('connected');
  if (connected) {
    return { kind: 'connected', platform: connected, accountIds: (params.get('accounts') ?? '').split(',').filter(Boolean) };
  }
  const code = params.get('error');
  if (code) return { kind: 'failed', platform: params.get('platform'), code, message: params.get('message') };
  return null;
}

export function useConnectResult(): { result: ConnectResult | null; dismiss(): void } {
  const [params, setParams] = useSearchParams();
  const [result, setResult] = useState<ConnectResult | null>(() => readResult(params));

  useEffect(() => {
    if (!KEYS.some((k) => params.has(k))) return;
    // A connect flow finishing while the screen is open (another tab's redirect lands here) replaces the banner.
    const fresh = readResult(params);
    if (fresh) setResult(fresh);
    const rest = new URLSearchParams(params);
    for (const k of KEYS) rest.delete(k);
    setParams(rest, { replace: true });
  }, [params, setParams]);

  return { result, dismiss: () => setResult(null) };
}
