import { defineConfig } from "vite";

// journal-server serves web/dist at `/` (screens are paths like /users), so assets are absolute;
// content-hashed names under assets/ let the server cache them for good. `npx vite` (development)
// sends /api to a running server.
export default defineConfig({
  base: "/",
  clearScreen: false,
  server: {
    proxy: { "/api": process.env.JOURNAL_SERVER_URL || "http://127.0.0.1:8088" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
  },
});
