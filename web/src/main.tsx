import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { SessionProvider } from './auth/session';
import { SignIn } from './pages/sign-in';
import { applyStoredTheme } from './theme';
import './styles.css';

applyStoredTheme();
const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <SessionProvider signIn={(done, provider) => <SignIn onSignedIn={done} provider={provider} />}>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
