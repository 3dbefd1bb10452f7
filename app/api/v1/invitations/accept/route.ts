import { routeFor } from "@/lib/http/operation-route";
import { operations } from "@/lib/operations/table";

// One row of the table of operations each (lib/operations/table.ts): schema, access and domain function live there.
export const POST = routeFor(operations["invitations.accept"]);
