import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// Secret action header values are encrypted at rest with AES-256-GCM. The key comes from WARROOM_SECRET_KEY
// (base64 of 32 bytes) or, when that is unset, from ${WARROOM_DATA_DIR:-.data}/secret-key, generated on first
// use with mode 0600. Lose the key and the stored secrets are gone (re-enter them); nothing else depends on it.
//
// Stored form: "v1:" + base64(iv 12 bytes | tag 16 bytes | ciphertext). The associated data binds a ciphertext
// to its purpose, so one cannot be swapped for another kind of encrypted value.

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

/** Parses a base64 (or base64url) key of exactly 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`WARROOM_SECRET_KEY must be base64 of ${KEY_BYTES} bytes (got ${key.length})`);
  return key;
}

export function secretKeyFile(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.WARROOM_DATA_DIR || ".data", "secret-key");
}

type KeyCache = { source: string; key: Buffer };
type KeyGlobal = typeof globalThis & { __warroomSecretKey?: KeyCache };

/** The key in use: WARROOM_SECRET_KEY, else the data directory's key file (created once, 0600). */
export function loadSecretKey(env: Record<string, string | undefined> = process.env): Buffer {
  const g = globalThis as KeyGlobal;
  const fromEnv = env.WARROOM_SECRET_KEY?.trim();
  const source = fromEnv ? `env:${fromEnv}` : `file:${secretKeyFile(env)}`;
  if (g.__warroomSecretKey?.source === source) return g.__warroomSecretKey.key;
  const key = fromEnv ? parseSecretKey(fromEnv) : readOrCreateKeyFile(secretKeyFile(env));
  g.__warroomSecretKey = { source, key };
  return key;
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    return parseSecretKey(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": if another process created it in the meantime, use theirs.
    writeFileSync(file, randomBytes(KEY_BYTES).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return parseSecretKey(readFileSync(file, "utf8"));
}

export function encryptSecret(plaintext: string, purpose: string, key: Buffer = loadSecretKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export function decryptSecret(stored: string, purpose: string, key: Buffer = loadSecretKey()): string {
  const [version, payload] = stored.split(":", 2);
  if (version !== VERSION || !payload) throw new SecretKeyError("Unknown secret format");
  const raw = Buffer.from(payload, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError("Secret is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("Stored secrets cannot be decrypted with the current key (was WARROOM_SECRET_KEY changed?)");
  }
}
