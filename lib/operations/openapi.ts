import { z } from "zod";
import { scopeAllows, tokenUseOf } from "@/lib/auth/token-scope";
import { apiTokenScopeSchema } from "@/lib/schemas/users";
import type { Operation } from "./operation";

// The OpenAPI 3.1 document of the table of operations, with zod's own JSON Schema output for every input,
// served at /api/v1/openapi.json. lib/operations/table.test.ts checks it against the route files on disk.

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", reused: "inline", cycles: "ref" }) as JsonSchema;
  return rest;
};

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
      },
    },
  },
};

function parametersOf(operation: Operation): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [["path", operation.params], ["query", operation.query]] as const) {
    if (!schema) continue;
    const json = toSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      list.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: property });
    }
  }
  return list;
}

function securityOf(operation: Operation): JsonSchema[] | undefined {
  if ("public" in operation.access) return [];
  return [{ bearerToken: [] }, { sessionCookie: [] }];
}

/**
 * For automation choosing a token: the scopes that may call it (`x-token-scopes`), and how a token limited to some
 * rollouts is judged (`x-token-rollouts`: the rollout of the `id`, of the body's `rolloutId`, a list narrowed to
 * them, or `none`: refused to such a token).
 */
function tokenLimitsOf(operation: Operation): JsonSchema {
  if ("public" in operation.access) return {};
  const use = tokenUseOf(operation);
  const touches = operation.touches;
  const rollouts = !touches ? "none" : "list" in touches ? "list" : "id" in touches ? (touches.bodyRolloutId ? "id, body.rolloutId" : "id") : "body.rolloutId";
  return { "x-token-scopes": apiTokenScopeSchema.options.filter((scope) => scopeAllows(scope, use)), "x-token-rollouts": rollouts };
}

function responsesOf(operation: Operation): JsonSchema {
  const status = String(operation.status ?? 200);
  const success =
    operation.produces === "none"
      ? { description: "Done; no body" }
      : operation.produces === "text/markdown"
        ? { description: "Markdown", content: { "text/markdown": { schema: { type: "string" } } } }
        : { description: "Success", content: { "application/json": { schema: {} } } };
  const error = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
  return {
    [operation.produces === "none" ? "204" : status]: success,
    ...(operation.params || operation.query || operation.body ? { "400": error("Bad input; `error.fields` names the fields") } : {}),
    ...("public" in operation.access ? {} : { "401": error("No valid session or token"), "403": error("The caller may not do this") }),
    "404": error("Not found"),
    "503": error("The database is unavailable; retry"),
  };
}

/** The document for these operations; `internal` ones are left out. */
export type OpenApiDocument = { openapi: "3.1.0"; info: { title: string; version: string }; paths: Record<string, Record<string, JsonSchema>>; components: JsonSchema };

export function buildOpenApiDocument(operations: Record<string, Operation>, info: { version: string }): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, operation] of Object.entries(operations)) {
    if (operation.internal) continue;
    (paths[operation.path] ??= {})[operation.method.toLowerCase()] = {
      operationId,
      summary: operation.summary,
      parameters: parametersOf(operation),
      ...(operation.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(operation.body) } } } } : {}),
      security: securityOf(operation),
      responses: responsesOf(operation),
      ...(operation.command ? { "x-socket-command": operation.command.type } : {}),
      ...tokenLimitsOf(operation),
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "War Room API", version: info.version },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (wr_pat_…) from POST /api/v1/tokens" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
  };
}
