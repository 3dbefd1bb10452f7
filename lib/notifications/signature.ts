import { createHmac, timingSafeEqual } from "node:crypto";

// Generic webhooks are signed: HMAC-SHA256 with the channel's signing key over `${timestamp}.${body}`, sent as
// `X-WarRoom-Signature: v1=<hex>` beside `X-WarRoom-Timestamp: <unix seconds>`. A receiver recomputes it,
// refuses a timestamp outside its tolerance (a replay of an old request) and, to refuse replays inside the
// window, remembers the CloudEvent ids it has accepted (they are stable per event and channel).

export const SIGNATURE_HEADER = "x-warroom-signature";
export const TIMESTAMP_HEADER = "x-warroom-timestamp";

export function signPayload(key: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "bad-signature" | "stale-timestamp" };

/** What a receiver does with an incoming request: true only for the right key, body and a fresh timestamp. */
export function verifySignature(
  key: string,
  headers: { signature: string | null | undefined; timestamp: string | null | undefined },
  body: string,
  opts: { nowSeconds?: number; toleranceSeconds?: number } = {},
): SignatureCheck {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp)) return { ok: false, reason: "missing" };
  const timestamp = Number(headers.timestamp);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: "stale-timestamp" };
  const expected = Buffer.from(signPayload(key, timestamp, body));
  const given = Buffer.from(headers.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
  return { ok: true };
}
