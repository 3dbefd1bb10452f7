import { requirePermission } from "@/lib/auth/session";
import { importRunbook } from "@/lib/domain/runbooks";
import { defineRoute, ok } from "@/lib/http/route";
import { importRunbookSchema } from "@/lib/schemas/import-plan";

/**
 * Import a runbook as a new rollout, ADMIN only:
 * - `{ markdown, name? }` → 201 `{ rollout, summary }`;
 * - `{ markdown, dryRun: true }` → 200 `{ dryRun, plan, summary }`, storing nothing: the plan it would create,
 *   each element with its source lines and the reason it was read that way;
 * - `{ plan, name? }` (that plan, reviewed and edited) → 201 `{ rollout, summary }`.
 * Empty, binary or non-Markdown text, and a runbook over 1 MB, are 400 naming `markdown`. The body may be larger
 * than the runbook (JSON escapes), so it is capped higher and still answered with that 400.
 */
export const POST = defineRoute(
  {
    body: importRunbookSchema,
    maxBodyBytes: 6 * 1024 * 1024,
    tooLarge: { field: "markdown", message: "The runbook is larger than 1 MB" },
  },
  async ({ principal, body }) => {
    const user = requirePermission(principal, "rollout.configure");
    const result = await importRunbook(user, body);
    return ok(result, "dryRun" in result ? 200 : 201);
  },
);
