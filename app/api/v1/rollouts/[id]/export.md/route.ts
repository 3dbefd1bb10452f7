import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { getRolloutReport } from "@/lib/domain/runbooks";
import { defineRoute } from "@/lib/http/route";
import { exportRunbookMarkdown } from "@/lib/runbook/export-markdown";
import { idSchema } from "@/lib/schemas/common";

/**
 * The go-live report as a Markdown download: the runbook with every item's state, who ticked it and when,
 * sign-offs, phase verdicts, actions run and the timeline. Importing it gives back the same runbook.
 */
export const GET = defineRoute({ params: z.object({ id: idSchema }) }, async ({ principal, params }) => {
  const user = requirePermission(principal, "rollout.read");
  const report = await getRolloutReport(user, params.id);
  const markdown = exportRunbookMarkdown(report);
  return new Response(markdown, {
    status: 200,
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": attachment(`${report.state.rollout.name} go-live report.md`),
      "cache-control": "no-store",
    },
  });
});

/** An attachment header with an ASCII file name and the real one (RFC 6266 / 5987) for browsers that read it. */
function attachment(fileName: string): string {
  const ascii = fileName
    .normalize("NFKD")
    .replace(/[^\w. -]+/g, "")
    .replace(/\s+/g, "-")
    .replace(/-+/g, "-")
    .toLowerCase();
  return `attachment; filename="${ascii || "go-live-report.md"}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
