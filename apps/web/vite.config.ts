/**
 * The web app's build: one entry (index.html), a chunk per page (React.lazy in src/routes.tsx),
 * no inline scripts (the server's Content-Security-Policy allows only `script-src 'self'`).
 * `pnpm dev` serves it on :5173 and forwards the server's own paths to the Assay server.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.ASSAY_URL ?? "http://127.0.0.1:3000";
const serverPaths = ["/trpc", "/api", "/health", "/docs", "/panel", "/.well-known", "/auth/oidc"];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The module preload helper would be the one inline-free polyfill; modern browsers need none.
    modulePreload: { polyfill: false },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(serverPaths.map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
