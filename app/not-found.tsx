import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

/** Every unknown page, rollout or revoked link lands here: say so plainly and offer a way back. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-500">404</p>
      <h1 className="text-3xl font-semibold">This page does not exist</h1>
      <p className="text-lg text-slate-700">
        The rollout may have been removed, or the link was mistyped. A stakeholder link that was revoked or has expired ends here too: ask the rollout&apos;s
        incident commander for a new one.
      </p>
      <p>
        <Link href="/rollouts" className="inline-flex min-h-11 items-center rounded bg-slate-900 px-4 py-2 font-semibold text-white">
          Go to the rollouts
        </Link>
      </p>
    </main>
  );
}
