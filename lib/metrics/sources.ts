import { z } from "zod";
import { outboundFetch } from "@/lib/net/outbound-policy";
import { parsePrometheusTextDetailed } from "./prom-text";
import type { Sample } from "./sample";

// Reading metric sources over HTTP: a Prometheus server's instant-query API, and a Prometheus text /metrics endpoint.
// No database here. Every failure is a SourceError with a message fit for the tile ("HTTP 503 from …", "timed out
// after 5000 ms"), so a failing source is shown as failing, never as a number.

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SourceError";
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type SourceOptions = { timeoutMs: number; fetch?: FetchLike };

/** Bodies larger than this are refused: a /metrics page of a few MB is already unusual. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function get(url: string, accept: string, opts: SourceOptions): Promise<{ status: number; text: string }> {
  // Under the outbound policy (lib/net/outbound-policy.ts): no redirects, no metadata or link-local addresses.
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => outboundFetch(input, { headers: init.headers as Record<string, string>, signal: init.signal ?? undefined }));
  let response: Response;
  try {
    response = await doFetch(url, { headers: { accept }, signal: AbortSignal.timeout(opts.timeoutMs), redirect: "manual", cache: "no-store" });
  } catch (error) {
    throw new SourceError(describeFetchError(error, opts.timeoutMs));
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new SourceError(`answered a redirect (HTTP ${response.status}); redirects are not followed`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new SourceError(`response too large (${declared} bytes)`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new SourceError(describeFetchError(error, opts.timeoutMs));
  }
  if (text.length > MAX_BODY_BYTES) throw new SourceError(`response too large (${text.length} bytes)`);
  return { status: response.status, text };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error && error.name === "OutboundBlockedError") return error.message;
  const code = (error as { code?: unknown }).code;
  if (error instanceof Error && typeof code === "string") return `cannot connect: ${error.message}`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.message === "string") return `cannot connect: ${cause.message}`;
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------------------------
// Prometheus HTTP API

const promValue = z.tuple([z.number(), z.string()]);
const prometheusResponseSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: promValue })) }),
      z.object({ resultType: z.literal("scalar"), result: promValue }),
      z.object({ resultType: z.literal("matrix"), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal("string"), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);

/**
 * Runs an instant PromQL query (`GET <base>/api/v1/query`) and returns its one number, or null when the result is
 * empty or NaN (no data: nothing to say, not an error). A query that returns several series is an error: the tile
 * shows one number, so the query must aggregate (sum, avg, max…).
 */
export async function queryPrometheusInstant(baseUrl: string, query: string, opts: SourceOptions & { time?: number }): Promise<number | null> {
  const url = new URL("api/v1/query", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  url.searchParams.set("query", query);
  if (opts.time !== undefined) url.searchParams.set("time", (opts.time / 1000).toFixed(3));
  const { status, text } = await get(url.toString(), "application/json", opts);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceError(`HTTP ${status}: not a Prometheus API response`);
  }
  const parsed = prometheusResponseSchema.safeParse(body);
  if (!parsed.success) throw new SourceError(`HTTP ${status}: not a Prometheus API response`);
  const answer = parsed.data;
  if (answer.status === "error") throw new SourceError(`Prometheus: ${answer.errorType ?? "error"}: ${answer.error ?? `HTTP ${status}`}`);
  const data = answer.data;
  let raw: string;
  switch (data.resultType) {
    case "scalar":
      raw = data.result[1];
      break;
    case "vector": {
      if (data.result.length === 0) return null;
      if (data.result.length > 1) throw new SourceError(`the query returned ${data.result.length} series; aggregate it to one (sum, avg, max…)`);
      raw = data.result[0]!.value[1];
      break;
    }
    default:
      throw new SourceError(`the query returned a ${data.resultType}; use an instant vector or scalar expression`);
  }
  const value = Number(raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw);
  return Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------------------------------
// /metrics scrape

/** Fetches and parses a Prometheus text exposition. A page with no parsable sample at all is an error. */
export async function scrapeMetricsPage(url: string, opts: SourceOptions): Promise<Sample[]> {
  const { status, text } = await get(url, "text/plain;version=0.0.4;q=0.9,*/*;q=0.1", opts);
  if (status < 200 || status >= 300) throw new SourceError(`HTTP ${status} from ${new URL(url).pathname}`);
  const { samples, errors } = parsePrometheusTextDetailed(text);
  if (samples.length === 0 && errors.length > 0) {
    const first = errors[0]!;
    throw new SourceError(`not Prometheus text (line ${first.lineNumber}: ${first.message})`);
  }
  return samples;
}
