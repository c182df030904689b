import { join } from 'node:path';

/** The dashboard's sources (`web/`), at the package root. */
export const WEB_DIR = join(import.meta.dirname, '..', '..', 'web');

/** Where `vite build` writes the dashboard, and what the API serves at `/`. */
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');
