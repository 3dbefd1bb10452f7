"use client";

import type { ReactNode } from "react";
import { CREDENTIAL_STATE, softBadge, type CredentialState } from "@/lib/domain/status";

// The one list of credentials that can be revoked: API tokens (profile), stakeholder links (sign-off page) and
// invitations (people admin). Each row has a state; an active (or pending) one has a Revoke button.

// States take their words and colours from the status vocabulary.
export type { CredentialState };

export type CredentialColumn<T> = { header: string; cell: (row: T) => ReactNode; className?: string };

export function CredentialTable<T extends { id: string; state: CredentialState }>({
  rows,
  columns,
  empty,
  revokeLabel,
  onRevoke,
  revoking = false,
  rowTestId,
  className = "w-full text-left text-sm",
}: {
  rows: T[];
  columns: CredentialColumn<T>[];
  /** Shown instead of the table when there are no rows (nothing when null). */
  empty: string | null;
  /** The Revoke button's accessible name for a row. */
  revokeLabel: (row: T) => string;
  onRevoke: (row: T) => void;
  revoking?: boolean;
  rowTestId?: (row: T) => string;
  className?: string;
}) {
  if (rows.length === 0) return empty ? <p className="text-sm text-slate-600">{empty}</p> : null;
  const revocable = (row: T) => row.state === "active" || row.state === "pending";
  return (
    <table className={className}>
      <thead className="text-slate-500">
        <tr>
          {columns.map((column) => (
            <th key={column.header} className="py-1 font-normal">
              {column.header}
            </th>
          ))}
          <th className="py-1 font-normal">State</th>
          <th>
            <span className="sr-only">Revoke</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className="border-t border-slate-100" data-testid={rowTestId?.(row)} data-state={row.state}>
            {columns.map((column) => (
              <td key={column.header} className={`py-1 ${column.className ?? ""}`} suppressHydrationWarning>
                {column.cell(row)}
              </td>
            ))}
            <td className="py-1">
              <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${softBadge(CREDENTIAL_STATE[row.state])}`}>{CREDENTIAL_STATE[row.state].label}</span>
            </td>
            <td className="py-1 text-right">
              {revocable(row) ? (
                <button
                  type="button"
                  disabled={revoking}
                  onClick={() => onRevoke(row)}
                  className="rounded border border-red-300 px-2 py-0.5 text-xs text-breach disabled:opacity-50"
                  aria-label={revokeLabel(row)}
                >
                  Revoke
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
