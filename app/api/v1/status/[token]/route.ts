import { z } from "zod";
import { principalFromBearer } from "@/lib/auth/session";
import { notFound } from "@/lib/domain/errors";
import { getPublicStatus } from "@/lib/domain/public-view";
import { defineRoute, ok } from "@/lib/http/route";

/** The stakeholder view. No login: the share token in the path is the credential; unknown, revoked or expired → 404. */
export const GET = defineRoute({ public: true, params: z.object({ token: z.string().min(1).max(200) }) }, async ({ params }) => {
  const grant = await principalFromBearer(params.token);
  if (!grant || grant.kind !== "share") throw notFound("Status page");
  return ok(await getPublicStatus(grant.rolloutId));
});
