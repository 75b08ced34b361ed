import { defineConfig } from "vite";

// Tauri serves ui/dist from its own origin; relative asset paths keep the build portable.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
  },
});
