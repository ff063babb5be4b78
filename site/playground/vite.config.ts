// Vite builds the playground (site/playground/) into site/dist/playground/, bundling the
// library's browser entry (dist/src/browser.js: run `npm run build` first) and its
// worker-web.js, so the site needs nothing from elsewhere. `vite preview` and the dev
// server send COOP/COEP so the page is cross-origin isolated (threads).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here,
  base: './',
  publicDir: path.join(here, 'public'),
  resolve: {
    alias: [
      { find: /^longshort$/, replacement: path.join(repo, 'dist', 'src', 'browser.js') },
      { find: /^site-data\//, replacement: path.join(repo, 'node_modules', 'vega-datasets', 'data') + '/' },
    ],
  },
  worker: { format: 'es' },
  build: {
    outDir: path.join(repo, 'site', 'dist', 'playground'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // the timings report depends on the machine's load, not on the build
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { headers: isolation, fs: { allow: [repo] } },
  preview: { headers: isolation },
});
