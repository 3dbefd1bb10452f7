import type { Metadata } from "next";
import { AppHeader } from "@/components/layout/app-header";
import { PlanEditor } from "@/components/plan/plan-editor";
import { loadRolloutPage } from "@/lib/auth/page-rollout";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Plan" };
export const dynamic = "force-dynamic";

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, state } = await loadRolloutPage(id, `/rollouts/${id}/plan`);
  return (
    <>
      <AppHeader user={user} />
      <PlanEditor initialState={state} canStructure={can(user.role, "plan.structure")} canConfigure={can(user.role, "rollout.configure")} canRehearse={can(user.role, "rollout.rehearse")} />
    </>
  );
}
