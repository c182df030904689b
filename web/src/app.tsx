import { lazy, Suspense, useState } from 'react';
import { useApi } from './api/queries';
import type { AlertView } from './api/types';
import { useCan, useSession } from './auth/session';
import { Link, useLocation } from './router';
import { RunsPage } from './pages/runs-page';
import { currentTheme, setTheme, type Theme } from './theme';

// Pages with heavy libraries (React Flow and ELK, Recharts) load when opened, so /runs loads fast.
const RunPage = lazy(() => import('./pages/run-page'));
const WorkflowsPage = lazy(() => import('./pages/workflows-page'));
const WorkflowPage = lazy(() => import('./pages/workflow-page'));
// The studio (CodeMirror, the YAML document edits) loads only on its routes.
const StudioPage = lazy(() => import('./pages/studio-page'));
const AnalyticsPage = lazy(() => import('./pages/analytics-page'));
const SchedulesPage = lazy(() => import('./pages/schedules-page'));
const ComparePage = lazy(() => import('./pages/compare-page'));
const KeysPage = lazy(() => import('./pages/keys-page'));
const AuditPage = lazy(() => import('./pages/audit-page'));
const AlertsPage = lazy(() => import('./pages/alerts-page'));

/** The page for a path (the deep links of weft-ops §11). */
function Page({ path }: { path: string }) {
  const admin = useCan('admin');
  const operator = useCan('operator');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'runs' && parts[1]) return <RunPage id={parts[1]} />;
  if (parts[0] === 'workflows' && parts[1] === 'new' && !parts[2] && operator) return <StudioPage name={null} />;
  if (parts[0] === 'workflows' && parts[1] && parts[2] === 'edit' && operator) return <StudioPage name={parts[1]} />;
  if (parts[0] === 'workflows' && parts[1]) return <WorkflowPage name={parts[1]} />;
  if (parts[0] === 'workflows') return <WorkflowsPage />;
  if (parts[0] === 'analytics') return <AnalyticsPage />;
  if (parts[0] === 'schedules') return <SchedulesPage />;
  if (parts[0] === 'alerts') return <AlertsPage />;
  if (parts[0] === 'compare') return <ComparePage />;
  if (parts[0] === 'admin' && admin && parts[1] === 'keys') return <KeysPage />;
  if (parts[0] === 'admin' && admin && parts[1] === 'audit') return <AuditPage />;
  if (parts.length === 0 || parts[0] === 'runs') return <RunsPage />;
  return <p role="alert">No page here. <Link to="/runs">Runs</Link></p>;
}

/** The shell: navigation, who is signed in, the theme, and the page. */
export function App() {
  const { path } = useLocation();
  const { identity, signOut } = useSession();
  const admin = useCan('admin');
  const [theme, setThemeState] = useState<Theme>(currentTheme);
  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    setTheme(next);
    setThemeState(next);
  };
  const nav: [string, string][] = [
    ['/runs', 'Runs'],
    ['/workflows', 'Workflows'],
    ['/analytics', 'Analytics'],
    ['/schedules', 'Schedules'],
    ['/alerts', 'Alerts'],
    ...(admin ? ([['/admin/keys', 'Keys'], ['/admin/audit', 'Audit']] as [string, string][]) : []),
  ];
  const section = `/${path.split('/')[1] ?? ''}`;
  const firing = useApi<{ items: AlertView[] }>('/alerts?state=firing', { refetchInterval: 15_000 }).data?.items.length ?? 0;
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <Link to="/runs" className="brand">
          Weft
        </Link>
        <nav aria-label="Main">
          {nav.map(([to, label]) => (
            <Link key={to} to={to} aria-current={section === to || path.startsWith(`${to}/`) || (section === '/' && to === '/runs') ? 'page' : undefined}>
              {label}
              {to === '/alerts' && firing > 0 && (
                <span className="count" data-firing-count={firing} aria-label={`${firing} firing`}>
                  {firing}
                </span>
              )}
            </Link>
          ))}
        </nav>
        <span className="who" title={identity.ref}>
          {identity.name} · <span data-role={identity.role}>{identity.role}</span>
        </span>
        <button type="button" className="ghost" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button type="button" className="ghost" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Page path={path} />
        </Suspense>
      </main>
    </>
  );
}
