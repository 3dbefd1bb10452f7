import { requirePermission } from "@/lib/auth/session";
import { importRunbookMarkdown } from "@/lib/domain/runbooks";
import { defineRoute, ok } from "@/lib/http/route";
import { importRunbookSchema } from "@/lib/schemas/runbook";

/**
 * Import a Markdown runbook as a new rollout: `{ markdown, name? }` → 201 `{ rollout, summary }`. ADMIN only.
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
    return ok(await importRunbookMarkdown(user, body), 201);
  },
);
