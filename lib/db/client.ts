import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
/** The client or an interactive transaction's client: what domain functions take. */
export type DbTx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

type DbGlobal = typeof globalThis & { __warroomPrisma?: { url: string; client: PrismaClient } };

/**
 * The process's one Prisma client (a pool). Created on first use, because DATABASE_URL may be set only after
 * start-up (embedded Postgres); cached on globalThis so Next's bundle and server.ts share it, and dev reloads
 * do not open new pools.
 */
export function getDb(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app through `npm start` or set it");
  const g = globalThis as DbGlobal;
  if (!g.__warroomPrisma || g.__warroomPrisma.url !== url) {
    g.__warroomPrisma = { url, client: createPrismaClient(url) };
  }
  return g.__warroomPrisma.client;
}

export async function disconnectDb(): Promise<void> {
  const g = globalThis as DbGlobal;
  const held = g.__warroomPrisma;
  g.__warroomPrisma = undefined;
  await held?.client.$disconnect();
}
