import { readEnv } from "@/lib/config";
import { migrateDatabase } from "@/lib/db/migrator";

// `npm run db:migrate`: apply pending migrations to DATABASE_URL (npm start does this by itself).
const env = readEnv();
if (!env.DATABASE_URL) {
  console.error("Set DATABASE_URL (npm start migrates the embedded database by itself).");
  process.exit(2);
}
const result = await migrateDatabase(env.DATABASE_URL);
console.log(result.applied.length ? `applied: ${result.applied.join(", ")}` : `up to date (${result.alreadyApplied} applied before)`);
