import type { ReactNode } from "react";

/** The page's one error banner (an alert role, so screen readers announce it); nothing when there is no error. */
export function ErrorAlert({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === "") return null;
  return (
    <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-breach">
      {children}
    </p>
  );
}
