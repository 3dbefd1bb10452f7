"use client";

// A credential shown once, right after it is made (an API token, a stakeholder link, an invitation): only its hash
// is stored, so this is the one chance to copy it.

export function OneTimeSecret({ title, value, label, testId, copyButton = false }: { title: string; value: string; label: string; testId?: string; copyButton?: boolean }) {
  return (
    <div className="mb-3 rounded border border-green-300 bg-green-50 p-3 text-sm" data-testid={testId}>
      <p className="mb-1 font-semibold">{title}</p>
      <div className="flex gap-2">
        <input readOnly value={value} aria-label={label} className="flex-1 rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        {copyButton ? (
          <button type="button" className="rounded border border-slate-300 bg-white px-2 py-1" onClick={() => void navigator.clipboard?.writeText(value)}>
            Copy
          </button>
        ) : null}
      </div>
    </div>
  );
}
