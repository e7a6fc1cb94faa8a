// The dashboard is built into web/dist and served by the API (src/api/routes/dashboard): one origin, so the
// session cookie and the CSRF header work without CORS. `npm run build:web` builds it; `npm run dev` watches it.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  logLevel: 'warn',
});
