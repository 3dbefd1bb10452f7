import "server-only";
import { getDb } from "@/lib/db/client";

/** Can the database answer right now? For the health route and the 503 page; never throws. */
export async function isDatabaseReachable(): Promise<boolean> {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
