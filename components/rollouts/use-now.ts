"use client";

import { useEffect, useState } from "react";

/** The current time, re-rendered every `intervalMs`: for clocks, "updated Ns ago" and overdue marks. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
