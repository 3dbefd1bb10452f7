import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/domain/errors";
import { actionConfigIssues, buildRequest, MASK, renderTemplate, scrubSecrets, secretFragments, templateVariables } from "./request";

describe("renderTemplate", () => {
  it("puts the percentage as a number, the fraction as percentage / 100, and the reason JSON-escaped", () => {
    const body = renderTemplate('{"percentage": {{percentage}}, "share": {{ fraction }}, "reason": "{{reason}}"}', { percentage: 50, reason: 'said "stop"\nnow \\ here' });
    expect(JSON.parse(body)).toEqual({ percentage: 50, share: 0.5, reason: 'said "stop"\nnow \\ here' });
  });

  it("answers a missing percentage with 400 naming params.percentage", () => {
    const error = (() => {
      try {
        renderTemplate('{"p": {{percentage}}}', { reason: "x" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).fields).toHaveProperty(["params.percentage"]);
  });

  it("lists the variables a template uses", () => {
    expect(templateVariables('{"a": {{percentage}}, "b": "{{reason}}", "c": "{{reason}}", "d": "{{nope}}"}')).toEqual(["percentage", "reason", "nope"]);
    expect(templateVariables(null)).toEqual([]);
  });
});

describe("buildRequest", () => {
  const headers = [
    { name: "Authorization", value: "Bearer s3cret-token-value", secret: true },
    { name: "X-Env", value: "prod", secret: false },
  ];

  it("sends the real values and shows them masked, with JSON content type and the idempotency key", () => {
    const { real, shown } = buildRequest({ method: "POST", url: "http://t/api", bodyTemplate: '{"reason":"{{reason}}"}' }, headers, { reason: "r" }, "key-1");
    expect(real.headers).toEqual({ Authorization: "Bearer s3cret-token-value", "X-Env": "prod", "Content-Type": "application/json", "Idempotency-Key": "key-1" });
    expect(shown.headers).toEqual({ Authorization: MASK, "X-Env": "prod", "Content-Type": "application/json", "Idempotency-Key": "key-1" });
    expect(JSON.stringify(shown)).not.toContain("s3cret");
    expect(shown.body).toBe('{"reason":"r"}');
  });

  it("keeps a configured content type and sends no body without a template", () => {
    const { real } = buildRequest({ method: "POST", url: "http://t", bodyTemplate: null }, [{ name: "content-type", value: "text/plain", secret: false }], { reason: "r" }, null);
    expect(real).toEqual({ method: "POST", url: "http://t", headers: { "content-type": "text/plain" }, body: null });
  });
});

describe("scrubbing", () => {
  it("removes each secret value and the credentials part of a scheme value", () => {
    const fragments = secretFragments([
      { name: "Authorization", value: "Bearer abc123token", secret: true },
      { name: "X-Api-Key", value: "k-999", secret: true },
      { name: "X-Env", value: "prod", secret: false },
    ]);
    expect(scrubSecrets("got Bearer abc123token and abc123token, key k-999, env prod", fragments)).toBe(`got ${MASK} and ${MASK}, key ${MASK}, env prod`);
  });
});

describe("actionConfigIssues", () => {
  const base = { kind: "CUSTOM", method: "POST", bodyTemplate: null as string | null, headers: [] as { name: string; secret: boolean; value?: string }[] };

  it("accepts a good set-traffic action", () => {
    expect(actionConfigIssues({ ...base, kind: "SET_TRAFFIC", bodyTemplate: '{"percentage": {{percentage}}, "reason": "{{reason}}"}' })).toEqual({});
  });

  it.each([
    ["a set-traffic action without a percentage", { kind: "SET_TRAFFIC", bodyTemplate: '{"reason": "{{reason}}"}' }, "bodyTemplate"],
    ["an unknown variable", { bodyTemplate: '{"x": "{{rolloutName}}"}' }, "bodyTemplate"],
    ["a body that is not JSON once filled", { bodyTemplate: '{"reason": {{reason}}}' }, "bodyTemplate"],
    ["a body on GET", { method: "GET", bodyTemplate: "{}" }, "bodyTemplate"],
    ["a header given twice", { headers: [{ name: "X-A", secret: false }, { name: "x-a", secret: true }] }, "headers.1.name"],
  ])("refuses %s, naming the field", (_label, change, field) => {
    expect(Object.keys(actionConfigIssues({ ...base, ...change }))).toContain(field);
  });

  it("does not insist on JSON when the content type says otherwise", () => {
    expect(actionConfigIssues({ ...base, bodyTemplate: "reason={{reason}}", headers: [{ name: "Content-Type", value: "text/plain", secret: false }] })).toEqual({});
  });
});

describe("scrubSecrets, against a target that echoes the secret in another form", () => {
  it("masks the secret base64-encoded, hex, percent-encoded, in another letter case, or split in two", () => {
    const secret = "s3cr3t-9f8e7d6c5b4a-never-show-me";
    const fragments = secretFragments([{ name: "Authorization", value: `Bearer ${secret}`, secret: true }]);
    const echoes = [
      Buffer.from(secret).toString("base64"),
      Buffer.from(`Bearer ${secret}`).toString("base64"),
      Buffer.from(secret).toString("base64url"),
      Buffer.from(secret).toString("hex"),
      encodeURIComponent(`Bearer ${secret}`),
      secret.toUpperCase(),
      `Bearer ${secret.toLowerCase()}`,
      `${secret.slice(0, 16)} … ${secret.slice(16)}`,
    ];
    for (const echo of echoes) {
      const scrubbed = scrubSecrets(`{"got":"${echo}"}`, fragments);
      expect(scrubbed, echo).toContain(MASK);
      for (let i = 0; i + 8 <= secret.length; i++) expect(scrubbed.toLowerCase(), echo).not.toContain(secret.slice(i, i + 8).toLowerCase());
    }
  });

  it("masks the password inside Basic credentials, decoded", () => {
    const fragments = secretFragments([{ name: "Authorization", value: `Basic ${Buffer.from("deploy:hunter2-very-secret").toString("base64")}`, secret: true }]);
    expect(scrubSecrets("user deploy, password hunter2-very-secret", fragments)).not.toContain("hunter2-very-secret");
  });
});
