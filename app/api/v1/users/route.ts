import { routeFor } from "@/lib/http/operation-route";
import { operations } from "@/lib/operations/table";

// One row of the table of operations each (lib/operations/table.ts): schema, access and domain function live there.
export const GET = routeFor(operations["users.list"]);
export const POST = routeFor(operations["users.create"]);
