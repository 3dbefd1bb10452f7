import type { Metadata } from "next";
import { AcceptInvitationForm } from "@/components/people/accept-invitation-form";
import { findOpenInvitation } from "@/lib/domain/invitations";

export const metadata: Metadata = { title: "Set your password" };
export const dynamic = "force-dynamic";

/** An invitation or the first-run setup link: no sign-in, the link is the credential (used once). */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findOpenInvitation(token);
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-4 text-2xl font-semibold">{invitation?.setup ? "Set up War Room" : "Join War Room"}</h1>
      {invitation ? (
        <AcceptInvitationForm token={token} email={invitation.email} name={invitation.name} role={invitation.role} setup={invitation.setup} />
      ) : (
        <p role="alert" className="text-sm text-slate-700">
          This link has been used, has expired, or does not exist. Ask an admin for a new invitation.
        </p>
      )}
    </main>
  );
}
