import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Builds the editor to `dist/renderer`, served by `rewatch serve --static-dir dist/renderer` under a strict CSP. */
export default defineConfig({
  root,
  // Relative asset URLs: the same build loads from the engine's server and, later, from the Electron shell.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // No inline module-preload polyfill script: the CSP allows only scripts from the page's origin.
    modulePreload: { polyfill: false },
    // elkjs (loaded on first auto-layout) is one 1.5 MB chunk.
    chunkSizeWarningLimit: 1600,
  },
});
