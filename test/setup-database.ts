import { afterAll, inject } from "vitest";
import { disconnectDb } from "../lib/db/client";
import { createMigratedDatabase } from "./database";

// Every *.db.test.ts file runs against a fresh, migrated database of its own; lib/db/client's getDb() picks
// it up through DATABASE_URL.
const database = await createMigratedDatabase(inject("adminDatabaseUrl"));
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  await disconnectDb();
  await database.drop();
});
