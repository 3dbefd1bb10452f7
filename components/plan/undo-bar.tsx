"use client";

import { useNow } from "@/components/rollouts/use-now";
import type { UndoOffer } from "./use-plan-edit";

/** "Removed …  Undo" for as long as the server keeps the removal undoable; then it goes away by itself. */
export function UndoBar({ offer, onUndo, onDismiss }: { offer: UndoOffer | null; onUndo: (seq: number) => void; onDismiss: () => void }) {
  const now = useNow(1000);
  if (!offer) return null;
  const left = Math.ceil((new Date(offer.until).getTime() - now) / 1000);
  if (left <= 0) return null;
  return (
    <div role="status" className="fixed bottom-4 left-1/2 z-20 flex -translate-x-1/2 items-center gap-3 rounded-lg bg-slate-900 px-4 py-2 text-sm text-white shadow-lg" data-testid="undo-bar">
      <span>{offer.label}</span>
      <button type="button" className="rounded bg-white px-2 py-0.5 font-semibold text-slate-900" onClick={() => onUndo(offer.seq)}>
        Undo
      </button>
      <span className="text-xs text-slate-300" suppressHydrationWarning>
        {left > 60 ? `${Math.ceil(left / 60)} min` : `${left} s`} left
      </span>
      <button type="button" aria-label="Dismiss" className="text-slate-300" onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}
