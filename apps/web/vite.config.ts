import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/trpc': { target: 'http://127.0.0.1:7788' } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // CSP is script-src 'self': the module preload polyfill would be an inline script.
    modulePreload: { polyfill: false },
  },
});
