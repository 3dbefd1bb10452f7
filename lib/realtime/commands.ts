import { z } from "zod";
import { authorizeOperation, authorizeTargets } from "@/lib/auth/access";
import type { Principal } from "@/lib/auth/principal";
import { invalidInput } from "@/lib/domain/to-domain-error";
import { Reply, type Operation } from "@/lib/operations/operation";
import { operations } from "@/lib/operations/table";
import { idSchema } from "@/lib/schemas/common";
import { assertSafeJson } from "@/lib/schemas/json-guards";
import type { CommandAck } from "@/lib/schemas/commands";
import { errorAck } from "./error-ack";

// The socket's `command` handler: the rows of lib/operations/table.ts that declare a command, with the same
// input schema, the same access check (before the input is parsed) and the same domain function as HTTP.

const commandOperations = new Map<string, Operation>(
  Object.values(operations as Record<string, Operation>)
    .filter((operation) => operation.command)
    .map((operation) => [operation.command!.type, operation]),
);

const envelopeSchema = z.object({ type: z.enum([...commandOperations.keys()] as [string, ...string[]]) }).loose();

export async function runCommand(principal: Principal, request: unknown): Promise<CommandAck> {
  try {
    assertSafeJson(request, "command");
    const envelope = envelopeSchema.safeParse(request);
    if (!envelope.success) throw invalidInput(envelope.error, "command");
    const operation = commandOperations.get(envelope.data.type)!;
    const { target, commandInput } = operation.command!;
    const caller = authorizeOperation(operation, principal, undefined);
    // The target's rollout before the input is judged: a token limited to other rollouts gets 403 whatever it sends.
    const targetId = idSchema.safeParse((request as Record<string, unknown>)[target]);
    if (targetId.success) await authorizeTargets(operation, caller, { id: targetId.data });
    const schema = z.object({ type: z.literal(envelope.data.type), [target]: idSchema, input: commandInput ?? operation.body ?? z.undefined() }).strict();
    const parsed = schema.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error, "command");
    const data = parsed.data as Record<string, unknown>;
    const result = await operation.run({ caller, params: { id: data[target] }, query: undefined, body: data.input, headers: new Headers(), url: null });
    if (result instanceof Reply) {
      if (result.init.error) throw result.init.error;
      return { ok: true, result: result.body };
    }
    return { ok: true, result };
  } catch (error) {
    return errorAck(error);
  }
}
