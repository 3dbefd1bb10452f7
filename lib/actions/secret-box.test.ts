import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, loadSecretKey, parseSecretKey, SecretKeyError } from "./secret-box";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("secret box", () => {
  it("round-trips, never stores the plaintext, and gives a new ciphertext each time", () => {
    const key = randomBytes(32);
    const a = encryptSecret("Bearer top-secret", "purpose", key);
    const b = encryptSecret("Bearer top-secret", "purpose", key);
    expect(a).toMatch(/^v1:/);
    expect(a).not.toContain("top-secret");
    expect(a).not.toBe(b);
    expect(decryptSecret(a, "purpose", key)).toBe("Bearer top-secret");
  });

  it("refuses another key, another purpose, and tampering", () => {
    const key = randomBytes(32);
    const stored = encryptSecret("value", "header:authorization", key);
    expect(() => decryptSecret(stored, "header:authorization", randomBytes(32))).toThrow(SecretKeyError);
    expect(() => decryptSecret(stored, "header:x-other", key)).toThrow(SecretKeyError);
    const raw = Buffer.from(stored.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => decryptSecret(`v1:${raw.toString("base64")}`, "header:authorization", key)).toThrow(SecretKeyError);
  });

  it("takes WARROOM_SECRET_KEY as base64 of 32 bytes and refuses other lengths", () => {
    const key = randomBytes(32);
    expect(loadSecretKey({ WARROOM_SECRET_KEY: key.toString("base64") }).equals(key)).toBe(true);
    expect(() => parseSecretKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });

  it("without WARROOM_SECRET_KEY, creates a key file in the data directory once, mode 0600, and reuses it", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "warroom-key-"));
    dirs.push(dir);
    const dataDir = path.join(dir, "data");
    const first = loadSecretKey({ WARROOM_DATA_DIR: dataDir });
    const file = path.join(dataDir, "secret-key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(first)).toBe(true);
    // A fresh process (no cache) reads the same key.
    (globalThis as { __warroomSecretKey?: unknown }).__warroomSecretKey = undefined;
    expect(loadSecretKey({ WARROOM_DATA_DIR: dataDir }).equals(first)).toBe(true);
  });
});
