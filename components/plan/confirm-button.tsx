"use client";

import { useState } from "react";

/** A destructive button that asks first: a click shows "Really …?" with the action and Cancel. */
export function ConfirmButton({ label, confirmLabel, question, onConfirm, className = "" }: { label: string; confirmLabel?: string; question: string; onConfirm: () => void; className?: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={`text-breach underline ${className}`} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span role="group" aria-label={question} className="inline-flex items-center gap-1 rounded bg-red-50 px-1 text-xs">
      <span>{question}</span>
      <button
        type="button"
        className="rounded bg-breach px-1.5 py-0.5 font-semibold text-white"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel ?? label}
      </button>
      <button type="button" className="underline" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
