// Starts connecting (or reconnecting) an account: the API answers the platform's authorize URL and sets the cookie
// binding the OAuth state to this browser, then the whole window goes to the platform. The platform sends the
// browser back to /accounts with the outcome in the query (see useConnectResult).
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';

interface ConnectState {
  /** The platform whose authorize URL is being fetched, if any. */
  pending: string | null;
  /** The last failure to start connecting, with its platform. */
  failure: { platform: string; error: unknown } | null;
  connect(platform: string): Promise<void>;
}

export function useConnect(): ConnectState {
  const [pending, setPending] = useState<string | null>(null);
  const [failure, setFailure] = useState<ConnectState['failure']>(null);

  // Coming back with the browser's Back button can restore this page as it was left, buttons busy: free them.
  useEffect(() => {
    const restored = (e: PageTransitionEvent) => { if (e.persisted) setPending(null); };
    window.addEventListener('pageshow', restored);
    return () => window.removeEventListener('pageshow', restored);
  }, []);

  const connect = useCallback(async (platform: string) => {
    setPending(platform);
    setFailure(null);
    try {
      const { authorizeUrl } = await api<{ authorizeUrl: string }>(`/api/social/connect/${encodeURIComponent(platform)}`);
      window.location.assign(authorizeUrl);
      // The page is leaving; keep the button busy until it does.
    } catch (err) {
      setFailure({ platform, error: err });
      setPending(null);
    }
  }, []);

  return { pending, failure, connect };
}
