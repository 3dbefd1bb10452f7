import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `import "server-only"` guards Next's client bundles; in tests (as in Next's server layer) it is empty.
const alias = {
  "@": fileURLToPath(new URL("./", import.meta.url)),
  "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
};

// Two projects: pure unit tests, and database tests (`*.db.test.ts`) that each get a fresh Postgres database
// (see test/setup-database.ts) on the server that test/global-setup.ts provides.
export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ["test/global-setup.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "db",
          include: ["**/*.db.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          setupFiles: ["test/setup-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
