"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import { rolloutKeys } from "@/lib/api/keys";
import type { PlanEditInput } from "@/lib/schemas/plan";

export type UndoOffer = { seq: number; until: string; label: string };
type EditResult = Record<string, unknown> & { seq: number; undo?: { seq: number; until: string } };

/**
 * Sends plan edits (POST /api/v1/rollouts/:id/plan). Everyone's view, this one's included, updates from the event
 * the edit records; the refetch here only makes the editor's own view quick. A removal offers its undo.
 */
export function usePlanEdit(rolloutId: string) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoOffer | null>(null);
  const mutation = useMutation({
    mutationFn: (edit: PlanEditInput) => apiFetch<EditResult>(`/api/v1/rollouts/${rolloutId}/plan`, { method: "POST", body: edit }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: rolloutKeys.state(rolloutId) }),
  });
  const edit = async (input: PlanEditInput, label?: string): Promise<EditResult | null> => {
    try {
      const result = await mutation.mutateAsync(input);
      setError(null);
      if (result.undo) setUndo({ ...result.undo, label: label ?? "Removed" });
      else if (input.op === "undo") setUndo(null);
      return result;
    } catch (e) {
      const fields = e instanceof ApiError && e.body.fields ? ` (${Object.keys(e.body.fields).join(", ")})` : "";
      setError(e instanceof Error ? `Not saved: ${e.message}${fields}` : "Not saved");
      return null;
    }
  };
  return { edit, error, clearError: () => setError(null), undo, dismissUndo: () => setUndo(null), pending: mutation.isPending };
}
