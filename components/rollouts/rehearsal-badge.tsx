// The one REHEARSAL marker, on every surface of a rehearsal (war room, wall, sign-off page, stakeholder view,
// rollout list), so nobody takes a rehearsal for the real go-live.
export function RehearsalBadge({ large = false }: { large?: boolean }) {
  return (
    <span
      data-testid="rehearsal-badge"
      title="A rehearsal: actions are dry runs and notifications are off"
      className={`rounded border-2 border-dashed border-violet-700 bg-violet-50 font-bold tracking-widest text-violet-800 ${large ? "px-3 py-1 text-xl" : "px-2 py-0.5 text-xs"}`}
    >
      REHEARSAL
    </span>
  );
}
