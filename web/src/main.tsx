import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/errors';
import { Spinner } from './components/bits';
import { Layout } from './components/Layout';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // 4xx answers (not found, forbidden) will not change on a retry.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Component = lazy(load);
  return <Component />;
};

const router = createBrowserRouter([
  { path: '/login', element: page(() => import('./routes/Login')) },
  { path: '/signup', element: page(() => import('./routes/Signup')) },
  { path: '/reset-password', element: page(() => import('./routes/ResetPassword')) },
  { path: '/verify-email', element: page(() => import('./routes/VerifyEmail')) },
  {
    element: <Layout />,
    children: [
      { path: '/', element: page(() => import('./routes/Home')) },
      { path: '/p/:id', element: page(() => import('./routes/PostPage')) },
      { path: '/p/:id/history', element: page(() => import('./routes/PostHistory')) },
      { path: '/archive', element: page(() => import('./routes/Archive')) },
      { path: '/u/:username', element: page(() => import('./routes/Profile')) },
      { path: '/u/:username/:list', element: page(() => import('./routes/FollowList')) },
      { path: '/accounts/edit', element: page(() => import('./routes/EditProfile')) },
      { path: '/accounts/tags', element: page(() => import('./routes/PendingTags')) },
      { path: '/accounts/close-friends', element: page(() => import('./routes/CloseFriends')) },
      { path: '/create', element: page(() => import('./routes/Composer')) },
      { path: '/create/:kind', element: page(() => import('./routes/Composer')) },
      { path: '/stories/:username', element: page(() => import('./routes/StoryViewer')) },
      { path: '/explore', element: page(() => import('./routes/Explore')) },
      { path: '/reels', element: page(() => import('./routes/Reels')) },
      { path: '/highlights/:id', element: page(() => import('./routes/Highlight')) },
      { path: '/highlights/new', element: page(() => import('./routes/HighlightEditor')) },
      { path: '/highlights/:id/edit', element: page(() => import('./routes/HighlightEditor')) },
      { path: '/search', element: page(() => import('./routes/Search')) },
      { path: '/tags/:tag', element: page(() => import('./routes/Hashtag')) },
      { path: '/locations/:locationId', element: page(() => import('./routes/PostList')) },
      { path: '/saved', element: page(() => import('./routes/PostList')) },
      { path: '/requests', element: page(() => import('./routes/Requests')) },
      { path: '/notifications', element: page(() => import('./routes/Notifications')) },
      { path: '/settings', element: page(() => import('./routes/Settings')) },
      { path: '/settings/account', element: page(() => import('./routes/AccountSettings')) },
      { path: '/settings/blocked', element: page(() => import('./routes/BlockedAccounts')) },
      { path: '/settings/muted', element: page(() => import('./routes/MutedAccounts')) },
      { path: '/admin/reports', element: page(() => import('./routes/AdminReports')) },
      { path: '*', element: page(() => import('./routes/NotFound')) },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Suspense fallback={<Spinner />}>
        <RouterProvider router={router} />
      </Suspense>
    </QueryClientProvider>
  </StrictMode>,
);
