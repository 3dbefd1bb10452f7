import { requirePermission } from "@/lib/auth/session";
import type { Principal } from "@/lib/auth/principal";
import { approveActionRun, dryRunAction, failedRunError, rejectActionRun, requestActionRun } from "@/lib/domain/actions";
import { applyPlanEdit, planEditPermission } from "@/lib/domain/plan-edits";
import { abortRollout, pausePhase, promotePhase, resumePhase, startRollout } from "@/lib/domain/phases";
import { recordSignOff } from "@/lib/domain/signoffs";
import { errorAck, invalidInput } from "@/lib/http/errors";
import { commandSchema, type Command, type CommandAck } from "@/lib/schemas/commands";

// The socket's `command` handler: parse with the shared schemas, check the permission as the HTTP route does,
// call the same domain function. Thin on purpose: the rules live in lib/domain.

export async function runCommand(principal: Principal, request: unknown): Promise<CommandAck> {
  try {
    const parsed = commandSchema.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error, "command");
    return { ok: true, result: await dispatch(principal, parsed.data) };
  } catch (error) {
    return errorAck(error);
  }
}

async function dispatch(principal: Principal, command: Command): Promise<unknown> {
  switch (command.type) {
    case "rollout.start":
      return startRollout(requirePermission(principal, "phase.control"), command.rolloutId, command.input);
    case "rollout.promote":
      return promotePhase(requirePermission(principal, "phase.control"), command.rolloutId, command.input);
    case "rollout.pause":
      return pausePhase(requirePermission(principal, "phase.control"), command.rolloutId, command.input);
    case "rollout.resume":
      return resumePhase(requirePermission(principal, "phase.control"), command.rolloutId, command.input);
    case "rollout.abort":
      return abortRollout(requirePermission(principal, "phase.control"), command.rolloutId, command.input);
    case "plan.edit":
      return applyPlanEdit(requirePermission(principal, planEditPermission(command.input)), command.rolloutId, command.input);
    case "gate.sign":
      return recordSignOff(requirePermission(principal, "signoff.sign"), command.gateId, command.input);
    case "action.run": {
      const result = await requestActionRun(requirePermission(principal, "action.run"), command.actionId, command.input);
      const failed = failedRunError(result.run);
      if (failed) throw failed;
      return result;
    }
    case "action.dryRun":
      return dryRunAction(requirePermission(principal, "action.run"), command.actionId, command.input);
    case "actionRun.approve": {
      const run = await approveActionRun(requirePermission(principal, "action.approve"), command.runId);
      const failed = failedRunError(run);
      if (failed) throw failed;
      return { run };
    }
    case "actionRun.reject":
      return { run: await rejectActionRun(requirePermission(principal, "action.run"), command.runId, command.input) };
  }
}
