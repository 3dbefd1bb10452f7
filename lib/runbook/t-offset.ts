/** T-relative label for a due offset in minutes, as runbooks write it: -1440 → "T-24h", 15 → "T+15m", 90 → "T+1h30m". */
export function formatTOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  // Hours up to two days (runbooks say T-24h, T-36h), days beyond.
  const days = abs >= 2880 ? Math.floor(abs / 1440) : 0;
  const hours = Math.floor((abs - days * 1440) / 60);
  const mins = abs % 60;
  const parts = [days ? `${days}d` : "", hours ? `${hours}h` : "", mins ? `${mins}m` : ""].join("");
  return `T${sign}${parts || "0"}`.replace("T+0", "T-0");
}
