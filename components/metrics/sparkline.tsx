"use client";

import dynamic from "next/dynamic";

// recharts measures the DOM: render it in the browser only.
export const Sparkline = dynamic(() => import("./sparkline-chart").then((m) => m.SparklineChart), {
  ssr: false,
  loading: () => <div className="h-10" />,
});
