import path from "node:path";
import { Worker } from "node:worker_threads";
import { RunbookParseError, type RunbookReadResult } from "./result";

// remark is fast on runbooks (a 16 KB one in 0.2 s) but superlinear on some shapes a megabyte can hold: 400 KB
// of nested blockquotes took four minutes and then overflowed the stack. Parsing on the request's thread would
// stop the whole process (every war room's sockets) meanwhile. So an import is read in a worker thread that is
// stopped after a time limit; what cannot be read in time, or at all, is a 400 naming `markdown`.

export const PARSE_TIME_LIMIT_MS = 20_000;

type WorkerAnswer = { ok: true; result: RunbookReadResult } | { ok: false; field: string; message: string } | { ok: false; crashed: string };

// The worker runs parse-worker.ts from source through tsx, as npm start runs the server. Its path is resolved
// from the project's root, not from this module: route handlers run from Next's bundle, where this module's own
// URL points into .next.
const WORKER_ENTRY = path.resolve(process.cwd(), "lib/runbook/parse-worker.ts");
const BOOT = `
const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then(({ tsImport }) => tsImport(workerData.entry, workerData.parent));
`;

export function parseRunbookMarkdownIsolated(markdown: string, opts: { name?: string } = {}, timeLimitMs = PARSE_TIME_LIMIT_MS): Promise<RunbookReadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { entry: WORKER_ENTRY, parent: `file://${process.cwd()}/`, markdown, name: opts.name },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new RunbookParseError("markdown", `The runbook could not be read within ${timeLimitMs / 1000} s: its Markdown is too deeply nested or too unusual. Simplify it or split it.`)),
        ),
      timeLimitMs,
    );
    worker.once("message", (answer: WorkerAnswer) =>
      settle(() => {
        if (answer.ok) resolve(answer.result);
        else if ("field" in answer) reject(new RunbookParseError(answer.field, answer.message));
        // A stack overflow on absurd nesting, say: the input's fault, not the server's.
        else reject(new RunbookParseError("markdown", `The runbook could not be read (${answer.crashed}): its Markdown is too deeply nested or too unusual.`));
      }),
    );
    worker.once("error", (error) => settle(() => reject(error)));
    worker.once("exit", (code) => settle(() => reject(new Error(`runbook parser worker exited with code ${code}`))));
  });
}
