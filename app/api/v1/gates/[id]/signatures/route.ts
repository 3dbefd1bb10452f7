import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { recordSignOff } from "@/lib/domain/signoffs";
import { defineRoute, ok } from "@/lib/http/route";
import { idSchema } from "@/lib/schemas/common";
import { recordSignOffSchema } from "@/lib/schemas/signoff";

/** Sign a gate as the caller (never someone named in the body): GO or NO_GO with a comment. */
export const POST = defineRoute({ params: z.object({ id: idSchema }), body: recordSignOffSchema }, async ({ principal, params, body }) => {
  const user = requirePermission(principal, "signoff.sign");
  return ok(await recordSignOff(user, params.id, body), 201);
});
