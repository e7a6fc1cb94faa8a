// A platform the server serves: its Connect button and the accounts connected on it. `platform` is null for the
// accounts of platforms the server no longer serves (listed so they can still be seen and disconnected).
import type { PlatformInfo } from '../../api/platforms';
import type { Account } from '../../api/types';
import { ErrorState } from '../../components/States';
import { PlatformIcon } from '../../components/PlatformIcon';
import { AccountRow } from './AccountRow';

interface Props {
  platformId: string;
  platform: PlatformInfo | null;
  /** Whether the platform list loaded (else an unknown platform may just be one it could not say). */
  platformsKnown: boolean;
  accounts: Account[];
  /** The platform whose authorize URL is being fetched, if any. */
  connecting: string | null;
  /** The connect request's failure, when it was for this platform. */
  connectError: unknown;
  onConnect(platformId: string): void;
  onDisconnect(account: Account): void;
}

export function PlatformCard({ platformId, platform, platformsKnown, accounts, connecting, connectError, onConnect, onDisconnect }: Props) {
  const name = platform?.displayName ?? platformId;
  const headingId = `platform-${platformId}-heading`;
  const busy = connecting === platformId;
  return (
    <section className="card platform-card" aria-labelledby={headingId} data-testid={`platform-card-${platformId}`}>
      <div className="platform-card-head">
        <PlatformIcon platform={platformId} size={32} />
        <h2 id={headingId}>{name}</h2>
        {platform && (
          <button type="button" className="primary" onClick={() => onConnect(platformId)} disabled={connecting !== null}>
            {busy ? 'Opening…' : 'Connect'}
          </button>
        )}
      </div>
      {!platform && platformsKnown && <p className="muted">This platform is no longer served by Herald.</p>}
      {connectError !== undefined && <ErrorState error={connectError} />}
      {accounts.length === 0
        ? <p className="muted">No {name} account connected yet.</p>
        : (
          <ul className="account-list" aria-label={`${name} accounts`}>
            {accounts.map((a) => (
              <AccountRow
                key={a.id} account={a} connecting={connecting !== null}
                onReconnect={platform || !platformsKnown ? () => onConnect(platformId) : null} onDisconnect={() => onDisconnect(a)}
              />
            ))}
          </ul>
        )}
    </section>
  );
}
