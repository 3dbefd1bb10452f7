"use client";

import type { ReactNode } from "react";

// Small labelled inputs for the plan editor's forms: each input is named by its visible label.

export const inputClass = "rounded border border-slate-300 px-2 py-1 text-sm";

export function Field({ label, children, className = "" }: { label: string; children: ReactNode; className?: string }) {
  return (
    <label className={`flex flex-col text-xs text-slate-600 ${className}`}>
      {label}
      {children}
    </label>
  );
}

export function TextField({ label, name, defaultValue, required, type = "text", className, placeholder }: { label: string; name: string; defaultValue?: string | number | null; required?: boolean; type?: string; className?: string; placeholder?: string }) {
  return (
    <Field label={label} className={className}>
      <input name={name} type={type} step={type === "number" ? "any" : undefined} required={required} defaultValue={defaultValue ?? ""} placeholder={placeholder} className={inputClass} />
    </Field>
  );
}

export function SelectField({ label, name, defaultValue, options }: { label: string; name: string; defaultValue?: string | null; options: { value: string; label: string }[] }) {
  return (
    <Field label={label}>
      <select name={name} defaultValue={defaultValue ?? options[0]?.value} className={inputClass}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function SubmitButton({ children }: { children: ReactNode }) {
  return (
    <button type="submit" className="self-end rounded bg-slate-800 px-2 py-1 text-sm text-white">
      {children}
    </button>
  );
}

/** FormData readers: trimmed text or null, numbers or undefined when empty. */
export const formText = (data: FormData, name: string): string | null => {
  const value = String(data.get(name) ?? "").trim();
  return value === "" ? null : value;
};
export const formNumber = (data: FormData, name: string): number | undefined => {
  const text = formText(data, name);
  return text === null ? undefined : Number(text);
};
