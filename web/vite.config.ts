// Vite builds web/dist for the server to serve. `npx vite` runs a dev server with
// hot reload that passes API and WebSocket calls to a tradechat on :8080
// (TRADECHAT_DEV_API to point elsewhere). Vitest reads its settings from here too.
import { defineConfig } from "vitest/config";

const api = process.env.TRADECHAT_DEV_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  build: { target: "es2022", sourcemap: false },
  server: {
    proxy: {
      "/api": api,
      "/.well-known": api,
      "/connection": { target: api, ws: true },
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
  },
});
