import "server-only";
import { MASK, type HeaderEntry } from "@/lib/actions/request";
import { decryptSecret, encryptSecret, SecretKeyError } from "@/lib/actions/secret-box";
import type { ActionHeaderInput } from "@/lib/schemas/actions";
import { badRequest, conflict } from "./errors";

// An action's secret headers: stored as a JSON object of header name → AES-256-GCM ciphertext of the value, so
// the names are readable (for the masked view) without the key, and each value is bound to its header name.
// Values are decrypted only to build the outbound request, and never returned, stored in a run, put in an
// event or logged. They belong to the host they were entered for: moving the URL to another host needs them
// entered again.

/** An action's headers as its row stores them: plain headers as a JSON object, secret ones encrypted. */
export type StoredHeaders = { headers: unknown; secretHeaders: string | null };

const secretPurpose = (name: string) => `warroom:action-header:${name.toLowerCase()}`;

function storedSecrets(raw: string | null): Record<string, string> {
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
}

function plainHeaders(json: unknown): Record<string, string> {
  return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, string>) : {};
}

/** Every header as the configuration page shows it: secret values are always MASK. */
export function maskedHeaders(stored: StoredHeaders): HeaderEntry[] {
  return [
    ...Object.entries(plainHeaders(stored.headers)).map(([name, value]) => ({ name, value, secret: false })),
    ...Object.keys(storedSecrets(stored.secretHeaders)).map((name) => ({ name, value: MASK, secret: true })),
  ];
}

/** Every header with its real value, for the outbound request only. */
export function decryptHeaders(action: StoredHeaders & { name: string }): HeaderEntry[] {
  try {
    return [
      ...Object.entries(plainHeaders(action.headers)).map(([name, value]) => ({ name, value, secret: false })),
      ...Object.entries(storedSecrets(action.secretHeaders)).map(([name, value]) => ({ name, value: decryptSecret(value, secretPurpose(name)), secret: true })),
    ];
  } catch (error) {
    if (error instanceof SecretKeyError) {
      throw conflict(`The secret headers of "${action.name}" cannot be decrypted with this server's key; an admin must enter them again`);
    }
    throw error;
  }
}

/**
 * The headers to store: a secret header given without a value keeps the value stored under its name, unless
 * the secrets are not to be kept (the URL moved to another host: they were meant for the old one).
 */
export function headersToStore(existing: StoredHeaders | null, input: ActionHeaderInput[], keepSecrets = true) {
  const previous = new Map(keepSecrets ? Object.entries(storedSecrets(existing?.secretHeaders ?? null)).map(([name, value]) => [name.toLowerCase(), value]) : []);
  const headers: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  input.forEach((header, i) => {
    if (header.value === undefined) {
      const kept = header.secret ? previous.get(header.name.toLowerCase()) : undefined;
      if (kept === undefined) {
        const why = keepSecrets ? "is required" : "is required again: the URL's host changed, and secrets are not sent to a new host unless re-entered";
        throw badRequest(`A header value is missing: headers.${i}.value ${why}`, { [`headers.${i}.value`]: [why] });
      }
      secrets[header.name] = kept;
    } else if (header.secret) {
      secrets[header.name] = encryptSecret(header.value, secretPurpose(header.name));
    } else {
      headers[header.name] = header.value;
    }
  });
  return { headers, secretHeaders: Object.keys(secrets).length ? JSON.stringify(secrets) : null };
}

/**
 * The headers to store for an update of the action as it is stored now (`current`, read under the rollout's
 * lock), or undefined to leave them as they are. Secret headers belong to the host they were entered for: when
 * the URL's host changes they must be given again, with their values.
 */
export function headersAfterUpdate(current: StoredHeaders & { url: string }, input: { url?: string; headers?: ActionHeaderInput[] }) {
  const hostChanged = input.url !== undefined && new URL(input.url).origin !== new URL(current.url).origin;
  if (hostChanged && !input.headers && current.secretHeaders) {
    throw badRequest("The URL's host changed: give the headers again, with the secret values, or they would go to the new host", {
      headers: ["are required with their secret values when the URL's host changes"],
    });
  }
  return input.headers ? headersToStore(current, input.headers, !hostChanged) : undefined;
}
