import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { getRehearsalReport } from "@/lib/domain/rehearsals";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";

/** Planned against actual per item, gate and phase, for a rehearsal. Any role. */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  requirePermission(principal, "rollout.read");
  return ok({ report: await getRehearsalReport(params.id) });
});
