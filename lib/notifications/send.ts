// One HTTP request to a notification channel, never retried here (the outbox retries on its own schedule),
// no redirects followed. The result says whether to retry: network errors, timeouts, 429 (with Retry-After)
// and 5xx are worth another try; any other answer is final. Error texts never include the URL (a Slack
// webhook URL is itself the credential) and response excerpts are scrubbed of the channel's secrets.

import type { OutboundMessage } from "./formats";

export type SendOutcome =
  | { kind: "sent"; status: number }
  | { kind: "retry"; status: number | null; error: string; retryAfterMs: number | null }
  | { kind: "failed"; status: number; error: string };

const EXCERPT_CHARS = 300;

export async function sendMessage(message: OutboundMessage, opts: { timeoutMs: number; secrets: string[]; fetchImpl?: typeof fetch }): Promise<SendOutcome> {
  const doFetch = opts.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(message.url, {
      method: "POST",
      headers: message.headers,
      body: message.body,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (error) {
    return { kind: "retry", status: null, error: networkReason(error, opts.timeoutMs), retryAfterMs: null };
  }
  const excerpt = scrub(await readExcerpt(response), opts.secrets);
  if (response.status >= 200 && response.status < 300) return { kind: "sent", status: response.status };
  const said = excerpt ? `: ${excerpt}` : "";
  if (response.status === 429) {
    return { kind: "retry", status: 429, error: `Rate limited (HTTP 429)${said}`, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
  }
  if (response.status >= 500) return { kind: "retry", status: response.status, error: `HTTP ${response.status}${said}`, retryAfterMs: null };
  const hint = response.status >= 300 && response.status < 400 ? " (a redirect; redirects are not followed)" : "";
  return { kind: "failed", status: response.status, error: `HTTP ${response.status}${hint}${said}` };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

async function readExcerpt(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
  } catch {
    return "";
  }
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("••••");
  return out;
}

function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string })?.name;
  if (name === "TimeoutError" || name === "AbortError") return `No answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    EHOSTUNREACH: "host unreachable",
    UND_ERR_SOCKET: "connection closed",
  };
  return `Could not reach the channel (${typeof code === "string" ? (known[code] ?? code) : "network error"})`;
}
