import { NavLink, Outlet } from 'react-router';
import { useSession } from '../auth/session';
import { TimeZoneSetting } from './TimeZoneSetting';

const sections = [
  { to: '/accounts', label: 'Accounts' },
  { to: '/calendar', label: 'Calendar' },
  { to: '/compose', label: 'Compose' },
  { to: '/comments', label: 'Comments' },
  { to: '/stats', label: 'Stats' },
];

export function Layout() {
  const { user, signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand">Herald</span>
        <nav aria-label="Sections">
          <ul>
            {sections.map((s) => (
              <li key={s.to}><NavLink to={s.to}>{s.label}</NavLink></li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="muted">{user?.email}</span>
          <TimeZoneSetting />
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
