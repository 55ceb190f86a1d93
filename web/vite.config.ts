import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = import.meta.dirname;

/** The web app: `npm run build:web` writes web/dist, which the server serves at `/`. */
export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: `${here}/dist`,
    emptyOutDir: true,
    // Strict CSP (script-src 'self'): no inlined module-preload polyfill script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/media': 'http://localhost:3000' },
  },
  test: {
    root: here,
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
