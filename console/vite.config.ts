import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The console is built into console/dist and served by the Custodian server at `/` (the API stays at /api).
// `@server` points at the server sources so the console imports the server's zod schemas and types instead of copying them.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: { alias: { '@server': here('../src') } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    // `npm run console:dev` proxies the API to a server started with `npm run custodian -- serve` (PORT 8080 by default).
    proxy: { '/api': process.env.CUSTODIAN_API ?? 'http://127.0.0.1:8080' },
  },
});
