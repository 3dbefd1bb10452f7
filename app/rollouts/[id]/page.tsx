import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/layout/app-header";
import { WarRoom } from "@/components/rollouts/war-room";
import { requirePageUser } from "@/lib/auth/page-session";
import { can } from "@/lib/auth/permissions";
import { DomainError } from "@/lib/domain/errors";
import { getRolloutState } from "@/lib/domain/rollouts";

export const metadata: Metadata = { title: "War room" };
export const dynamic = "force-dynamic";

export default async function WarRoomPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ wall?: string }> }) {
  const { id } = await params;
  const wall = (await searchParams).wall === "1";
  const user = await requirePageUser(`/rollouts/${id}`);
  const state = await getRolloutState(id).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  return (
    <>
      {wall ? null : <AppHeader user={user} />}
      <WarRoom
        initialState={state}
        me={{ id: user.userId, name: user.name }}
        canEditItems={can(user.role, "item.update")}
        canSign={can(user.role, "signoff.sign")}
        wall={wall}
      />
    </>
  );
}
