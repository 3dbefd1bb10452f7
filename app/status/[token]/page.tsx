import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { StatusView } from "@/components/status/status-view";
import { principalFromBearer } from "@/lib/auth/session";
import { getPublicStatus } from "@/lib/domain/public-view";

export const metadata: Metadata = { title: "Status", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

/** The stakeholder view: no login, read-only, the share token in the URL is the credential. */
export default async function StatusPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const grant = await principalFromBearer(token);
  if (!grant || grant.kind !== "share") notFound();
  const status = await getPublicStatus(grant.rolloutId);
  return <StatusView initialStatus={status} token={token} />;
}
