import { createRoot } from 'react-dom/client';
import { createHttpEngineClient, tokenFromHash } from './api/index.ts';
import { Boot } from './app/Boot.tsx';
import './app/theme.css';

const TOKEN_KEY = 'rewatch.token';

/** The server token: from `#token=…` on first load (then dropped from the address bar), else from this tab's session. */
function pageToken(): string | undefined {
  const fromHash = tokenFromHash(location.hash);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

const token = pageToken();
const baseUrl = location.origin;
const engine = token ? createHttpEngineClient({ baseUrl, token }) : undefined;
createRoot(document.getElementById('root')!).render(<Boot engine={engine} server={{ baseUrl, token: token ?? '' }} />);
