import { defineConfig } from "prisma/config";

// Used by the Prisma CLI only (generate; migrate where the schema engine exists). The app migrates itself:
// see lib/db/migrator.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/warroom" },
});
