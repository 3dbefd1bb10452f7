import { readFileSync } from "node:fs";
import { test } from "vitest";
import { parseRunbookMarkdown } from "./parse-markdown";
import { repairMojibake } from "./mojibake";
function lostWords(markdown: string, draft: unknown): string[] {
  const haystack = JSON.stringify(draft).toLowerCase();
  const words = new Set(repairMojibake(markdown).toLowerCase().match(/\p{L}[\p{L}\d'-]*\p{L}/gu) ?? []);
  return [...words].filter((w) => w.length >= 3 && !haystack.includes(w));
}
test("dump", () => {
  for (const f of ["/work/shared/runbooks/ai-bargaining-go-live", "/work/shared/runbooks/squad-api-go-live", "/work/shared/runbooks/go-live-procedures", "lib/runbook/fixtures/complete", "lib/runbook/fixtures/nesting", "lib/runbook/fixtures/contacts-table", "lib/runbook/fixtures/mojibake", "lib/runbook/fixtures/odd-formatting"]) {
    const md = readFileSync(`${f}.md`, "utf8");
    const r = parseRunbookMarkdown(md);
    console.log(f, JSON.stringify(r.summary), lostWords(md, r.draft), r.draft.gates.map(g=>g.name));
  }
});
