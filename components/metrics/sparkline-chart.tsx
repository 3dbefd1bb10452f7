"use client";

import { Line, LineChart, ResponsiveContainer, YAxis } from "recharts";
import type { SeriesPoint } from "@/lib/metrics/series";
import { sparklineShape, type Status } from "./shape";

const STROKE: Record<Status, string> = { ok: "var(--color-ok)", warn: "var(--color-warn)", breach: "var(--color-breach)", none: "#94a3b8" };

export function SparklineChart({ points, status }: { points: readonly SeriesPoint[]; status: Status }) {
  const { data, domain } = sparklineShape(points);
  if (data.length < 2) return <div className="h-10" />;
  return (
    <div className="h-10" aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
          <YAxis hide domain={domain} />
          <Line type="monotone" dataKey="value" stroke={STROKE[status]} strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
