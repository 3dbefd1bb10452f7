import { readFileSync, writeFileSync } from "node:fs";
import { test } from "vitest";
import { parseRunbookMarkdown } from "./parse-markdown";
import { runbookDraftSchema } from "@/lib/schemas/runbook";
test("dump", () => {
  for (const f of ["ai-bargaining-go-live", "squad-api-go-live", "go-live-procedures"]) {
    const r = parseRunbookMarkdown(readFileSync(`/work/shared/runbooks/${f}.md`, "utf8"));
    const ok = runbookDraftSchema.safeParse(r.draft);
    writeFileSync(`/tmp/rb/${f}.json`, JSON.stringify({ summary: r.summary, valid: ok.success ? true : ok.error.issues.slice(0,5), draft: r.draft }, null, 1));
  }
});
