import type { PresenceUser } from "@/lib/realtime/contract";
import { roleLabel } from "@/lib/domain/status";

export function PresenceList({ users }: { users: PresenceUser[] }) {
  if (!users.length) return null;
  return (
    <div className="flex items-center gap-1" aria-label="In the room now" data-testid="presence">
      {users.map((u) => (
        <span key={u.id} title={`${u.name} (${roleLabel(u.role)})`} className="rounded-full bg-slate-700 px-2 py-0.5 text-xs text-white">
          {u.name}
        </span>
      ))}
    </div>
  );
}
