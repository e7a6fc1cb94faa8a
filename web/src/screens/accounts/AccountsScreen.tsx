// Accounts: a card per platform the server serves, with Connect and the accounts connected on it; the outcome of
// a connect flow the browser just came back from; disconnecting with confirmation. Connect opens the platform's
// consent window (OAuth) or, for platforms that take credentials, a form with the fields the platform lists.
import { useEffect, useRef, useState } from 'react';
import { usePlatforms, type PlatformInfo } from '../../api/platforms';
import type { Account } from '../../api/types';
import { useApi } from '../../components/useApi';
import { Empty, ErrorState, Loading } from '../../components/States';
import { ConnectResultBanner } from './ConnectResultBanner';
import { CredentialsDialog } from './CredentialsDialog';
import { DisconnectDialog } from './DisconnectDialog';
import { PlatformCard } from './PlatformCard';
import { useConnect } from './useConnect';
import { useConnectResult } from './useConnectResult';
import type { DisconnectScope } from './useDisconnect';

/** Other still-connected accounts that came through the same login as `account`. */
function loginSiblings(account: Account, accounts: Account[]): Account[] {
  if (account.grantId === null) return [];
  return accounts.filter((a) => a.id !== account.id && a.grantId === account.grantId && a.status !== 'disconnected');
}

export function AccountsScreen() {
  const { platforms, loading: platformsLoading, error: platformsError } = usePlatforms();
  const accounts = useApi<{ data: Account[] }>('/api/social/accounts');
  const { result, dismiss } = useConnectResult();
  const { pending, failure, connect } = useConnect();
  const [disconnecting, setDisconnecting] = useState<Account | null>(null);
  const [credentialsFor, setCredentialsFor] = useState<PlatformInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A dismissed banner takes its focused button with it: focus goes back to the top of the screen.
  const dismissed = (clear: () => void) => () => { clear(); headingRef.current?.focus(); };

  // The Disconnect button that opened the dialog is gone once the account is: focus goes to what happened instead.
  useEffect(() => { if (notice) noticeRef.current?.focus(); }, [notice]);

  const list = accounts.data?.data ?? [];
  const served = new Set(platforms.map((p) => p.id));
  // Accounts of platforms this server no longer serves still deserve a place (to be seen and disconnected).
  const orphanPlatforms = [...new Set(list.map((a) => a.platform))].filter((p) => !served.has(p));

  const onConnect = (platformId: string) => {
    const info = platforms.find((p) => p.id === platformId);
    if (info?.connect === 'credentials') setCredentialsFor(info);
    else void connect(platformId);
  };

  const onCredentialsConnected = (connected: Account[]) => {
    const name = credentialsFor?.displayName ?? 'the platform';
    setCredentialsFor(null);
    setNotice(`Connected ${name}: ${connected.map((a) => a.displayName ?? a.platformAccountId).join(', ')}.`);
    accounts.reload();
  };

  const onDisconnected = (account: Account, scope: DisconnectScope) => {
    setDisconnecting(null);
    setNotice(`Disconnected ${scope === 'login' ? 'the whole login of ' : ''}${account.displayName ?? account.platformAccountId}.`);
    accounts.reload();
  };

  const body = () => {
    if ((platformsLoading && platforms.length === 0) || (accounts.loading && !accounts.data)) return <Loading what="accounts" />;
    if (accounts.error !== undefined && !accounts.data) return <ErrorState error={accounts.error} retry={accounts.reload} />;
    if (platforms.length === 0 && orphanPlatforms.length === 0) {
      return platformsError !== undefined
        ? <ErrorState error={platformsError} />
        : <Empty><p>This Herald serves no platform yet: its administrator has to configure one.</p></Empty>;
    }
    return (
      <div className="grid platform-grid">
        {[...platforms.map((p) => ({ id: p.id, info: p })), ...orphanPlatforms.map((id) => ({ id, info: null }))].map(({ id, info }) => (
          <PlatformCard
            key={id} platformId={id} platform={info} platformsKnown={platformsError === undefined} accounts={list.filter((a) => a.platform === id)}
            connecting={pending} connectError={failure?.platform === id ? failure.error : undefined}
            onConnect={onConnect} onDisconnect={setDisconnecting}
          />
        ))}
      </div>
    );
  };

  return (
    <div className="accounts-screen stack">
      <h1 ref={headingRef} tabIndex={-1}>Accounts</h1>
      {result && <ConnectResultBanner result={result} accounts={list} onDismiss={dismissed(dismiss)} />}
      {notice && (
        <div className="banner ok" role="status" tabIndex={-1} ref={noticeRef}>
          <p>{notice}</p>
          <button type="button" onClick={dismissed(() => setNotice(null))}>Dismiss</button>
        </div>
      )}
      {platformsError !== undefined && (platforms.length > 0 || orphanPlatforms.length > 0) && <ErrorState error={platformsError} />}
      {accounts.error !== undefined && accounts.data && <ErrorState error={accounts.error} retry={accounts.reload} />}
      {body()}
      {credentialsFor && (
        <CredentialsDialog platform={credentialsFor} onClose={() => setCredentialsFor(null)} onConnected={onCredentialsConnected} />
      )}
      {disconnecting && (
        <DisconnectDialog
          account={disconnecting} siblings={loginSiblings(disconnecting, list)}
          onClose={() => setDisconnecting(null)} onDisconnected={onDisconnected}
        />
      )}
    </div>
  );
}
