import { badRequest, type FieldErrors } from "@/lib/domain/errors";

// Pure: what an action sends. Renders the body template, builds the headers (secret values included for the
// real call, masked for everything that is stored or shown), and scrubs secret values out of text that came
// back. Shared by runs, dry runs and the configuration checks.

export const MASK = "••••";
export const TEMPLATE_VARIABLES = ["percentage", "fraction", "reason"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Headers War Room sets itself or that would let a configuration break the HTTP framing. */
export const RESERVED_HEADERS = ["host", "content-length", "transfer-encoding", "connection", "idempotency-key", "upgrade", "te", "trailer", "keep-alive"];

export type HeaderEntry = { name: string; value: string; secret: boolean };
export type RunVariables = { percentage?: number; reason: string };
export type OutboundRequest = { method: string; url: string; headers: Record<string, string>; body: string | null };

export function templateVariables(template: string | null | undefined): string[] {
  if (!template) return [];
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills `{{percentage}}` (a JSON number, 0–100), `{{fraction}}` (percentage / 100) and `{{reason}}` (JSON-string
 * escaped, without quotes: write `"reason": "{{reason}}"`). A missing percentage is a 400 naming params.percentage.
 */
export function renderTemplate(template: string, vars: RunVariables): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    switch (name) {
      case "percentage":
      case "fraction": {
        if (vars.percentage === undefined) {
          throw badRequest("This action needs a traffic percentage", { "params.percentage": ["is required by this action's body template"] });
        }
        return String(name === "percentage" ? vars.percentage : Number((vars.percentage / 100).toFixed(6)));
      }
      case "reason":
        return JSON.stringify(vars.reason).slice(1, -1);
      default:
        throw badRequest(`Unknown template variable {{${name}}}`, { bodyTemplate: [`uses unknown variable {{${name}}}`] });
    }
  });
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());

/** The request a run sends (`real`) and the same request with secret header values masked (`shown`). */
export function buildRequest(
  action: { method: string; url: string; bodyTemplate: string | null },
  headers: HeaderEntry[],
  vars: RunVariables,
  idempotencyKey: string | null,
): { real: OutboundRequest; shown: OutboundRequest } {
  const body = action.bodyTemplate ? renderTemplate(action.bodyTemplate, vars) : null;
  const real: Record<string, string> = {};
  const shown: Record<string, string> = {};
  for (const header of headers) {
    real[header.name] = header.value;
    shown[header.name] = header.secret ? MASK : header.value;
  }
  const extra: Record<string, string> = {};
  if (body !== null && !hasHeader(real, "content-type")) extra["Content-Type"] = "application/json";
  if (idempotencyKey) extra["Idempotency-Key"] = idempotencyKey;
  return {
    real: { method: action.method, url: action.url, headers: { ...real, ...extra }, body },
    shown: { method: action.method, url: action.url, headers: { ...shown, ...extra }, body },
  };
}

/**
 * The strings to remove from anything that came back: each secret value, and for "Scheme credentials" values
 * ("Bearer abc…") the credentials alone, since a target may echo just the token.
 */
export function secretFragments(headers: HeaderEntry[]): string[] {
  const fragments = new Set<string>();
  const add = (value: string) => {
    if (value.length < 4) return;
    // The common ways a target echoes what it got: as is, base64 (either alphabet, padded or not), hex,
    // percent-encoded, JSON-escaped (matching is case-insensitive, see scrubSecrets).
    const base64 = Buffer.from(value).toString("base64");
    for (const variant of [value, base64, base64.replace(/=+$/, ""), Buffer.from(value).toString("base64url"), Buffer.from(value).toString("hex"), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
      fragments.add(variant);
    }
    // Split or cut copies: every run of 8 characters of the secret (shorter pieces say too little to matter).
    for (let i = 0; value.length > 8 && i + 8 <= value.length; i++) {
      const piece = value.slice(i, i + 8);
      if (!/\s/.test(piece)) fragments.add(piece);
    }
  };
  for (const header of headers) {
    if (!header.secret || header.value.length === 0) continue;
    add(header.value);
    const credentials = /^\S+\s+(\S.*)$/.exec(header.value)?.[1];
    if (credentials) {
      add(credentials);
      // Basic credentials are base64 of "user:password": the decoded password is the secret too.
      if (/^basic$/i.test(header.value.split(/\s/)[0] ?? "")) {
        const decoded = Buffer.from(credentials, "base64").toString("utf8");
        add(decoded);
        for (const part of decoded.split(":")) add(part);
      }
    }
  }
  return [...fragments].sort((a, b) => b.length - a.length);
}

/** Every fragment replaced by MASK, whatever its letter case; the longest first, so a secret masks as one. */
export function scrubSecrets(text: string, fragments: string[]): string {
  let scrubbed = text;
  for (const fragment of fragments) {
    scrubbed = scrubbed.replace(new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), MASK);
  }
  return scrubbed;
}

/**
 * Cross-field checks of an action's configuration that zod's shape checks cannot see: duplicate headers,
 * template variables, a body that is not JSON, a set-traffic action that never sends a percentage.
 */
export function actionConfigIssues(config: {
  kind: string;
  method: string;
  bodyTemplate: string | null;
  headers: { name: string; secret: boolean; value?: string }[];
}): FieldErrors {
  const fields: FieldErrors = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);
  const seen = new Set<string>();
  config.headers.forEach((header, i) => {
    const lower = header.name.toLowerCase();
    if (seen.has(lower)) add(`headers.${i}.name`, `"${header.name}" is given twice`);
    seen.add(lower);
  });
  const variables = templateVariables(config.bodyTemplate);
  const unknown = variables.filter((v) => !(TEMPLATE_VARIABLES as readonly string[]).includes(v));
  if (unknown.length) add("bodyTemplate", `uses unknown variable(s) ${unknown.map((v) => `{{${v}}}`).join(", ")}; known: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")}`);
  if (config.kind === "SET_TRAFFIC" && !variables.includes("percentage") && !variables.includes("fraction")) {
    add("bodyTemplate", "a set-traffic action must send {{percentage}} or {{fraction}}");
  }
  if (config.bodyTemplate && (config.method === "GET" || config.method === "DELETE")) add("bodyTemplate", `is not sent with ${config.method}; remove it or use POST, PUT or PATCH`);
  const contentType = config.headers.find((h) => h.name.toLowerCase() === "content-type");
  const isJson = !contentType?.value || /json/i.test(contentType.value);
  if (config.bodyTemplate && isJson && unknown.length === 0) {
    try {
      JSON.parse(renderTemplate(config.bodyTemplate, { percentage: 50, reason: 'a "quoted" reason\nover two lines' }));
    } catch {
      add("bodyTemplate", 'is not valid JSON once filled in (write "reason": "{{reason}}" with quotes, {{percentage}} without)');
    }
  }
  return fields;
}
