// Vite builds the storefront to web/dist (nginx serves it; hashed files under
// /assets/ are cached for a year). `npm run dev` serves it with hot reload and
// proxies /api, /media, /sitemap.xml and the feeds to a running stack
// (./souk up: http://127.0.0.1:8080; SOUK_DEV_API changes it).
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const api = process.env.SOUK_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // several dev servers at once (one per person or tool) need their own cache
  cacheDir: process.env.SOUK_VITE_CACHE ?? 'node_modules/.vite',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/media': { target: api },
      '/sandbox': { target: api },
      '/docs/api': { target: api },
      '/blog/rss.xml': { target: api },
      '/blog/atom.xml': { target: api },
      '/sitemap.xml': { target: api },
      '/sitemaps': { target: api },
      '/robots.txt': { target: api },
    },
  },
});
