import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useSession } from './auth/session';
import { ErrorState, Forbidden } from './components/common';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Layout } from './components/Layout';
import { landingPath, mayOpenPath, pageFor } from './lib/nav';
import { SignInPage } from './pages/SignInPage';

const SearchPage = lazy(() => import('./pages/SearchPage'));
const CustomerPage = lazy(() => import('./pages/CustomerPage'));
const SchemasPage = lazy(() => import('./pages/SchemasPage'));
const SchemaDetailPage = lazy(() => import('./pages/SchemaDetailPage'));
const SourcesPage = lazy(() => import('./pages/SourcesPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const QuarantinePage = lazy(() => import('./pages/QuarantinePage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const ImportsPage = lazy(() => import('./pages/ImportsPage'));
const QualityPage = lazy(() => import('./pages/QualityPage'));
const ReviewQueuePage = lazy(() => import('./pages/golden/ReviewQueuePage'));
const MergeHistoryPage = lazy(() => import('./pages/golden/MergeHistoryPage'));
const RematchPage = lazy(() => import('./pages/golden/RematchPage'));
const WebhooksPage = lazy(() => import('./pages/golden/WebhooksPage'));
const ConsentPurposesPage = lazy(() => import('./pages/privacy/ConsentPurposesPage'));
const DsrRequestsPage = lazy(() => import('./pages/privacy/DsrRequestsPage'));
const OutboxPage = lazy(() => import('./pages/privacy/OutboxPage'));

function FullPageLoader() {
  return (
    <Center h="60vh" role="status" aria-label="Loading">
      <Loader />
    </Center>
  );
}

/** Signed-in area: unauthenticated visitors go to sign-in and come back afterwards. */
function RequireSession({ children }: { children: ReactNode }) {
  const { me, error } = useSession();
  const location = useLocation();
  if (me === undefined) return <FullPageLoader />;
  if (error && !me) {
    return (
      <Center h="80vh" p="md">
        <ErrorState error={error} onRetry={() => window.location.reload()} />
      </Center>
    );
  }
  if (!me) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

/** A page the user's permissions may not cover: say so plainly instead of showing a broken page. */
function Guard({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (!me || !mayOpenPath(me, location.pathname)) {
    const item = pageFor(location.pathname);
    return <Forbidden what={item ? `the ${item.label.toLowerCase()} page` : undefined} />;
  }
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <Suspense fallback={<FullPageLoader />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

function Home() {
  const { me } = useSession();
  return <Navigate to={landingPath(me ?? { roles: [], permissions: [] })} replace />;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route path="/search" element={<Guard><SearchPage /></Guard>} />
        <Route path="/customers/:id" element={<Guard><CustomerPage /></Guard>} />
        <Route path="/quarantine" element={<Guard><QuarantinePage /></Guard>} />
        <Route path="/quarantine/:id" element={<Guard><QuarantinePage /></Guard>} />
        <Route path="/imports" element={<Guard><ImportsPage /></Guard>} />
        <Route path="/quality" element={<Guard><QualityPage /></Guard>} />
        <Route path="/schemas" element={<Guard><SchemasPage /></Guard>} />
        <Route path="/schemas/:id" element={<Guard><SchemaDetailPage /></Guard>} />
        <Route path="/sources" element={<Guard><SourcesPage /></Guard>} />
        <Route path="/sources/:id" element={<Guard><SourcesPage /></Guard>} />
        <Route path="/review" element={<Guard><ReviewQueuePage /></Guard>} />
        <Route path="/review/:id" element={<Guard><ReviewQueuePage /></Guard>} />
        <Route path="/merges" element={<Guard><MergeHistoryPage /></Guard>} />
        <Route path="/merges/:id" element={<Guard><MergeHistoryPage /></Guard>} />
        <Route path="/rematch" element={<Guard><RematchPage /></Guard>} />
        <Route path="/webhooks" element={<Guard><WebhooksPage /></Guard>} />
        <Route path="/webhooks/:id" element={<Guard><WebhooksPage /></Guard>} />
        <Route path="/consent" element={<Guard><ConsentPurposesPage /></Guard>} />
        <Route path="/consent/:id" element={<Guard><ConsentPurposesPage /></Guard>} />
        <Route path="/dsr" element={<Guard><DsrRequestsPage /></Guard>} />
        <Route path="/dsr/:id" element={<Guard><DsrRequestsPage /></Guard>} />
        <Route path="/outbox" element={<Guard><OutboxPage /></Guard>} />
        <Route path="/users" element={<Guard><UsersPage /></Guard>} />
        <Route path="/audit" element={<Guard><AuditPage /></Guard>} />
        <Route path="*" element={<Guard><NotFoundPage /></Guard>} />
      </Route>
    </Routes>
  );
}
