import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // No dev server of its own: `npm run dev` serves the app through the studio's server, behind its
  // guard (apps/server/src/http/vite-front.ts).
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // CSP is script-src 'self': the module preload polyfill would be an inline script.
    modulePreload: { polyfill: false },
    // Vite's 500 kB warning counts minified bytes; our budget is 350 KB of gzipped initial
    // JavaScript, measured by `npm run bench` (bench/web-bench.ts).
    chunkSizeWarningLimit: 1024,
  },
});
