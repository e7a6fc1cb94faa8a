import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { PlatformsProvider } from './api/platforms';
import { SessionProvider, useSession } from './auth/session';
import { SignIn } from './auth/SignIn';
import { Loading } from './components/States';
import { Layout } from './layout/Layout';
import { AccountsScreen } from './screens/accounts/AccountsScreen';
import { CalendarScreen } from './screens/calendar/CalendarScreen';
import { ComposerScreen } from './screens/composer/ComposerScreen';
import { PostScreen } from './screens/post/PostScreen';
import { CommentsScreen } from './screens/comments/CommentsScreen';
import { StatsScreen } from './screens/stats/StatsScreen';
import './styles.css';

function App() {
  const { user, loading } = useSession();
  if (loading) return <Loading what="your session" />;
  if (!user) return <SignIn />;
  return (
    <PlatformsProvider>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/calendar" replace />} />
          <Route path="accounts" element={<AccountsScreen />} />
          <Route path="calendar" element={<CalendarScreen />} />
          <Route path="compose" element={<ComposerScreen />} />
          <Route path="posts/:id" element={<PostScreen />} />
          <Route path="posts/:id/edit" element={<ComposerScreen />} />
          <Route path="comments" element={<CommentsScreen />} />
          <Route path="stats" element={<StatsScreen />} />
          <Route path="*" element={<Navigate to="/calendar" replace />} />
        </Route>
      </Routes>
    </PlatformsProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
