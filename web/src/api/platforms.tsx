// The platforms this Herald serves (GET /api/social/platforms), loaded once: names, connect availability and the
// composition limits the API enforces. Screens name platforms through this, never through a list of their own.
import { createContext, useContext, type ReactNode } from 'react';
import { useApi } from '../components/useApi';

export interface PlatformLimits {
  maxTextLength: number;
  maxHashtags: number;
  minMedia: number;
  maxMedia: number;
  mediaTypes: string[];
}

/** A field of a credentials connect form (a handle, an app password), as the platform asks for it. */
export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  maxLength: number;
  description: string | null;
  helpUrl: string | null;
}

export interface PlatformInfo {
  id: string;
  displayName: string;
  /** `oauth`: the platform's consent window; `credentials`: a form with `credentialFields`; `none`: not by users. */
  connect: 'oauth' | 'credentials' | 'none';
  credentialFields: CredentialField[];
  limits: PlatformLimits;
}

interface PlatformsState {
  platforms: PlatformInfo[];
  byId(id: string): PlatformInfo | undefined;
  nameOf(id: string): string;
  error: unknown;
  loading: boolean;
}

const PlatformsContext = createContext<PlatformsState | null>(null);

export function PlatformsProvider({ children }: { children: ReactNode }) {
  const { data, error, loading } = useApi<{ data: PlatformInfo[] }>('/api/social/platforms');
  const platforms = data?.data ?? [];
  const value: PlatformsState = {
    platforms,
    byId: (id) => platforms.find((p) => p.id === id),
    nameOf: (id) => platforms.find((p) => p.id === id)?.displayName ?? id,
    error,
    loading,
  };
  return <PlatformsContext.Provider value={value}>{children}</PlatformsContext.Provider>;
}

export function usePlatforms(): PlatformsState {
  const state = useContext(PlatformsContext);
  if (!state) throw new Error('usePlatforms outside PlatformsProvider');
  return state;
}
