import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard: built into `web/dist` (served by the API at `/`), or served
 * with hot reload by `npm run dev:web`, which sends `/api` to the API given by
 * WEFT_API_URL (default: `weft dev`'s http://localhost:8080).
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline assets would need `data:` scripts or styles under the CSP; files are cached for good anyway.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: { '/api': { target: process.env.WEFT_API_URL ?? 'http://localhost:8080', changeOrigin: true } },
  },
});
