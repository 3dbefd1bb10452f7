// Commands over the socket (`command` with an ack): `{ type, rolloutId | gateId | actionId | runId, input }`,
// the rows of lib/operations/table.ts that declare a `command`, with the HTTP body's schema for `input`.

export type CommandAck =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; status: number; fields?: Record<string, string[]> } & Record<string, unknown> };
