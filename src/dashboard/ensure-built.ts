import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEB_DIR, WEB_DIST_DIR } from './paths.js';

/** Written next to the build: the hash of the sources it was built from. */
const STAMP = '.source-hash';
/** Sources outside `web/` that the app bundles (shared types, the event-stream reader and the agent progress it shares with the CLI). */
const SHARED_SOURCES = [join(WEB_DIR, '..', 'src', 'sse', 'event-stream-reader.ts'), join(WEB_DIR, '..', 'src', 'dag', 'agent-progress.ts'), join(WEB_DIR, '..', 'package-lock.json')];

/** Every file the dashboard is built from, in a stable order. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (path === WEB_DIST_DIR || name === 'node_modules') return [];
      return statSync(path).isDirectory() ? sourceFiles(path) : [path];
    });
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(WEB_DIR), ...SHARED_SOURCES.filter(existsSync)]) hash.update(relative(WEB_DIR, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

/**
 * Builds the dashboard when `web/dist` is missing or was built from other
 * sources, so `npm start` serves the current app with no extra command (after
 * a `git pull` as after a fresh clone). A no-op where there are no sources (an
 * image that ships only `web/dist`). Returns whether it built.
 * @throws Error when the sources exist but Vite (a dev dependency) is missing or the build fails.
 */
export async function ensureDashboardBuilt(log: (message: string) => void = () => {}): Promise<boolean> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) return false;
  const hash = sourceHash();
  const stamp = join(WEB_DIST_DIR, STAMP);
  if (existsSync(join(WEB_DIST_DIR, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  log('building the dashboard (web/ changed or was never built)');
  // Vite is a dev dependency: imported only when there is something to build.
  const { build } = await import('vite');
  // Vite and the React plugin take NODE_ENV over the mode: under vitest (`test`) they would ship React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, hash);
  return true;
}
