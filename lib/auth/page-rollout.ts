import "server-only";
import { notFound } from "next/navigation";
import { DomainError } from "@/lib/domain/errors";
import { getRolloutState } from "@/lib/domain/rollouts";
import { requirePageUser } from "./page-session";

/** For a rollout's pages: the signed-in user (else the login page) and the rollout's state (else Next's 404). */
export async function loadRolloutPage(rolloutId: string, path: string) {
  const user = await requirePageUser(path);
  const state = await getRolloutState(rolloutId).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  return { user, state };
}
