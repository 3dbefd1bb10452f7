import { routeFor } from "@/lib/http/operation-route";
import { operations } from "@/lib/operations/table";

// One row of the table of operations each (lib/operations/notifications.ts): schema, access and domain function live there.
export const GET = routeFor(operations["notificationSettings.get"]);
export const PUT = routeFor(operations["notificationSettings.set"]);
