import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Bearer secrets (API tokens, share links) are random, shown once, and stored as SHA-256: a database leak
// does not leak working tokens. A prefix says what a token is when someone pastes it in the wrong place.

export type TokenKind = "api" | "share" | "invite";
const PREFIX: Record<TokenKind, string> = { api: "wr_pat_", share: "wr_share_", invite: "wr_invite_" };

export function generateToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(24).toString("base64url");
}

export function tokenKind(token: string): TokenKind | null {
  if (token.startsWith(PREFIX.api)) return "api";
  if (token.startsWith(PREFIX.share)) return "share";
  if (token.startsWith(PREFIX.invite)) return "invite";
  return null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
