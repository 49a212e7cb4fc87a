import path from 'node:path';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

/**
 * The browser apps: the staff app (index.html) and the customer hall (hall/index.html, served at
 * /hall/), one build sharing dist/assets. Built into modeler/dist and served by the Koa server (server/http/static.ts);
 * in development `vite` proxies the API and Socket.IO to a running `npm start` (port 3000).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  resolve: {
    // One Preact for the app and form-js: @bpmn-io/form-js-editor pins an older copy of its own,
    // and its fields (rendered by form-js-viewer with the app's copy) fail on mixed hook state.
    dedupe: ['preact'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> or data: module preloads: the server's CSP forbids inline scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        staff: path.join(import.meta.dirname, 'index.html'),
        hall: path.join(import.meta.dirname, 'hall', 'index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
