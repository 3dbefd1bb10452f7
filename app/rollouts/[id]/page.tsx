import type { Metadata } from "next";
import { AppHeader } from "@/components/layout/app-header";
import { WarRoom } from "@/components/rollouts/war-room";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";
import { listAssignableUsers } from "@/lib/domain/users";

export const metadata: Metadata = { title: "War room" };
export const dynamic = "force-dynamic";

export default async function WarRoomPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ wall?: string }> }) {
  const { id } = await params;
  const wall = (await searchParams).wall === "1";
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}`);
  const people = await listAssignableUsers();
  return (
    <>
      {wall ? null : <AppHeader user={user} />}
      <WarRoom
        initialState={state}
        me={{ id: user.userId, name: user.name }}
        people={people}
        canEditItems={can(user.role, "item.update")}
        canSign={can(user.role, "signoff.sign")}
        role={user.role}
        wall={wall}
      />
    </>
  );
}
