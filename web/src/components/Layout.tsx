import { Suspense, useEffect } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useNotificationStream, useUnreadCount } from '../api/notifications';
import { sessionEndReason } from '../api/session';
import { useSession } from '../api/useSession';
import { Avatar, Spinner } from './bits';

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" className="icon">
      <path d={d} />
    </svg>
  );
}

/** The bell: how many notifications are unread, kept current by the live stream. */
function NotificationBell() {
  const unread = useUnreadCount().data?.count ?? 0;
  return (
    <NavLink
      to="/notifications"
      aria-label={unread > 0 ? `Notifications (${unread} unread)` : 'Notifications'}
      className="bell"
    >
      <Icon d="M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0" />
      {unread > 0 && (
        <span className="unread-badge" data-testid="unread-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
      <span className="nav-label">Notifications</span>
    </NavLink>
  );
}

/** Signed-in screens: nav bar (bottom on phones, side on desktop) around the routed screen. */
export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    if (!session) {
      const state = { from: location.pathname, message: sessionEndReason() };
      void navigate('/login', { replace: true, state });
    }
  }, [session, navigate, location.pathname]);
  useNotificationStream(Boolean(session));
  if (!session) return null;
  const me = session.user;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="nav" aria-label="Main">
        <NavLink to="/" className="logo" aria-label="Photogram home">
          Photogram
        </NavLink>
        <NavLink to="/" end aria-label="Home">
          <Icon d="M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z" />
          <span className="nav-label">Home</span>
        </NavLink>
        <NavLink to="/search" aria-label="Search">
          <Icon d="M10.5 3a7.5 7.5 0 1 1 0 15 7.5 7.5 0 0 1 0-15zm5.3 12.8L21 21" />
          <span className="nav-label">Search</span>
        </NavLink>
        <NavLink to="/explore" aria-label="Explore">
          <Icon d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm4 6-6 2-2 6 6-2z" />
          <span className="nav-label">Explore</span>
        </NavLink>
        <NavLink to="/reels" aria-label="Reels">
          <Icon d="M4 4h16v16H4zM4 9h16M9 4l2 5M15 4l2 5M10 12v6l5-3z" />
          <span className="nav-label">Reels</span>
        </NavLink>
        <NavLink to="/create" aria-label="Create">
          <Icon d="M4 4h16v16H4zM12 8v8M8 12h8" />
          <span className="nav-label">Create</span>
        </NavLink>
        <NotificationBell />
        <NavLink to="/requests" aria-label="Follow requests" className="nav-desktop">
          <Icon d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 10c0-4 3-6 7-6s7 2 7 6M19 8v6M16 11h6" />
          <span className="nav-label">Requests</span>
        </NavLink>
        <NavLink to="/saved" aria-label="Saved" className="nav-desktop">
          <Icon d="M19 21l-7-5-7 5V3h14z" />
          <span className="nav-label">Saved</span>
        </NavLink>
        <NavLink to="/settings" aria-label="Settings" className="nav-desktop">
          <Icon d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm7.4-3 2-1.6-2-3.4-2.4.8a7 7 0 0 0-2-1.2L14.5 3h-5L9 5.6a7 7 0 0 0-2 1.2l-2.4-.8-2 3.4L4.6 12l-2 1.6 2 3.4 2.4-.8a7 7 0 0 0 2 1.2l.5 2.6h5l.5-2.6a7 7 0 0 0 2-1.2l2.4.8 2-3.4z" />
          <span className="nav-label">Settings</span>
        </NavLink>
        <NavLink to={`/u/${me.username}`} aria-label="Your profile">
          <Avatar user={me} size={26} />
          <span className="nav-label">Profile</span>
        </NavLink>
      </nav>
      <main id="main" className="main">
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
