import { connect } from "node:net";
import { outboundFetch, outboundLookup, outboundUrlProblem } from "@/lib/net/outbound-policy";
import { scrubSecrets, type OutboundRequest } from "./request";

// The one outbound HTTP call an action makes: a timeout per attempt, at most `attempts` tries. It retries only
// when the request cannot have reached the target (connection refused, host not found, DNS, no route): a
// target that read the request and then dropped the connection or answered 5xx may have applied it, so a
// retry could apply it twice. An action whose target is declared idempotent (it honours the Idempotency-Key
// that buildRequest sets) is also retried after a reset or a 5xx. A timeout is never retried: the target may
// still be applying the request, and during an incident a hung endpoint should fail fast and visibly.
//
// Nothing here logs, and what it returns is scrubbed of secret values: error messages never include the URL
// or headers, and the response excerpt is bounded.

export const EXCERPT_BYTES = 2048;
/** Tries per call, and the backoff unit between them (the reaper's deadline is derived from these). */
export const CALL_ATTEMPTS = 3;
export const CALL_BACKOFF_MS = 250;

export type CallOutcome = {
  ok: boolean;
  status: number | null;
  /** At most EXCERPT_BYTES of the response body, secret values replaced by ••••. */
  excerpt: string | null;
  error: string | null;
  attempts: number;
  durationMs: number;
};

export type CallOptions = {
  timeoutMs: number;
  secrets: string[];
  attempts?: number;
  backoffMs?: number;
  /** The target applies a repeated Idempotency-Key once: a reset or a 5xx may be retried too. */
  targetIdempotent?: boolean;
};

/** Failures that happen before a request can be sent: retrying these cannot repeat anything. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export async function callTarget(request: OutboundRequest, options: CallOptions): Promise<CallOutcome> {
  const maxAttempts = options.attempts ?? CALL_ATTEMPTS;
  const backoffMs = options.backoffMs ?? CALL_BACKOFF_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const scrub = (text: string) => scrubSecrets(text, options.secrets);

  for (let attempt = 1; ; attempt++) {
    try {
      // Under the outbound policy (lib/net/outbound-policy.ts), which never follows a redirect: a redirect
      // could carry the credentials to another host, so it is the answer instead.
      const response = await outboundFetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const excerpt = await readExcerpt(response, options.secrets);
      if (response.status >= 500 && options.targetIdempotent && attempt < maxAttempts) {
        await sleep(backoffMs * attempt);
        continue;
      }
      const ok = response.status >= 200 && response.status < 300;
      return { ok, status: response.status, excerpt, error: ok ? null : describeStatus(response.status, attempt), attempts: attempt, durationMs: elapsed() };
    } catch (error) {
      if (isTimeout(error)) {
        return {
          ok: false,
          status: null,
          excerpt: null,
          error: `The target did not answer within ${options.timeoutMs} ms (attempt ${attempt}; not retried, it may still apply the request)`,
          attempts: attempt,
          durationMs: elapsed(),
        };
      }
      if (errorCode(error) === "EOUTBOUNDBLOCKED") {
        return { ok: false, status: null, excerpt: null, error: scrub(`Not called: ${(error as Error).message}`), attempts: attempt, durationMs: elapsed() };
      }
      if (attempt < maxAttempts && (options.targetIdempotent || NOT_SENT_CODES.has(errorCode(error) ?? ""))) {
        await sleep(backoffMs * attempt);
        continue;
      }
      return { ok: false, status: null, excerpt: null, error: scrub(`Could not reach the target (${networkReason(error)}) after ${attempt} attempt${attempt === 1 ? "" : "s"}`), attempts: attempt, durationMs: elapsed() };
    }
  }
}

function describeStatus(status: number, attempts: number): string {
  const hint = status === 401 || status === 403 ? " (check the action's credentials)" : status >= 300 && status < 400 ? " (a redirect; redirects are not followed)" : "";
  return `The target answered HTTP ${status}${hint}${attempts > 1 ? ` after ${attempts} attempts` : ""}`;
}

/**
 * The first EXCERPT_BYTES of the body with secret values masked. It reads a little more than it keeps, so a
 * secret that straddles the limit is still recognised; and when the read stopped mid-body, a trailing piece
 * that could be the start of a secret is dropped.
 */
async function readExcerpt(response: Response, secrets: string[]): Promise<string> {
  if (!response.body) return "";
  const limit = EXCERPT_BYTES + Math.max(0, ...secrets.map((s) => Buffer.byteLength(s)));
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks);
  if (all.byteLength > limit) complete = false;
  let text = scrubSecrets(all.subarray(0, limit).toString("utf8").replace(/\uFFFD+$/, ""), secrets);
  if (!complete) text = dropTrailingSecretStart(text, secrets);
  const bytes = Buffer.from(text);
  if (bytes.byteLength <= EXCERPT_BYTES && complete) return text;
  return `${bytes.subarray(0, EXCERPT_BYTES).toString("utf8").replace(/\uFFFD+$/, "")}…`;
}

function dropTrailingSecretStart(text: string, secrets: string[]): string {
  let cut = 0;
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, text.length); n > cut; n--) {
      if (text.endsWith(secret.slice(0, n))) {
        cut = n;
        break;
      }
    }
  }
  return text.slice(0, text.length - cut);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || (error.cause instanceof Error && error.cause.name === "TimeoutError"));
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** "connection refused", "ECONNRESET", "host not found": the cause without the address. */
function networkReason(error: unknown): string {
  const code = errorCode(error);
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    UND_ERR_SOCKET: "connection closed",
    ETIMEDOUT: "connect timed out",
  };
  if (code === "EOUTBOUNDBLOCKED") return (error as { cause?: Error }).cause?.message ?? (error as Error).message;
  if (typeof code === "string") return known[code] ?? code;
  // fetch refuses some requests itself ("bad port"); say so, but never echo anything that holds the address.
  const message = (error as { cause?: { message?: unknown } })?.cause?.message;
  if (typeof message === "string" && message.length <= 60 && !/[/:@]|\d+\.\d+/.test(message)) return message;
  return "network error";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Reachability = { reachable: boolean; latencyMs: number | null; error: string | null };

/**
 * Dry run's check: can we open a TCP connection to the URL's host and port? Deliberately not an HTTP request,
 * so nothing reaches the (mutating) route.
 */
export function checkReachable(url: string, timeoutMs: number): Promise<Reachability> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const started = performance.now();
  const blocked = outboundUrlProblem(url);
  if (blocked) return Promise.resolve({ reachable: false, latencyMs: null, error: `blocked by the outbound policy: ${blocked}` });
  return new Promise((resolve) => {
    const socket = connect({ host, port, lookup: outboundLookup() });
    const done = (result: Reachability) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ reachable: false, latencyMs: null, error: `no connection within ${timeoutMs} ms` }));
    socket.once("connect", () => done({ reachable: true, latencyMs: Math.round(performance.now() - started), error: null }));
    socket.once("error", (error) => done({ reachable: false, latencyMs: null, error: networkReason({ cause: error }) }));
  });
}
