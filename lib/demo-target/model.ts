import { z } from "zod";
import { escapeLabelValue, formatFloat } from "@/lib/metrics/prom-text";

// The simulated service behind the demo target: a stable build and a canary build sharing a steady stream of
// requests, with a feature flag (canary %), a kill switch and a rollback. Time only moves when the injected clock
// says so: counters are advanced lazily, request by request from a seeded PRNG, whenever someone looks (a scrape) or
// changes routing (an admin call), so a given clock sequence always yields the same numbers.

export const STABLE_VERSION = "1.8.2";
export const CANARY_VERSION = "1.9.0";

/** Histogram bounds in seconds; 0.75 and 1 bracket the 800 ms p95 that rollback triggers are written against. */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 5] as const;

// A gap longer than this (laptop asleep, real clock) is not replayed request by request; only its last hour is.
const MAX_CATCH_UP_SECONDS = 3600;

type Build = "stable" | "canary";

/** How a build behaves: 5xx probability, cache hit probability and a latency sampler (seconds). */
type Profile = { errorRate: number; cacheHitRate: number; latency: (random: () => number) => number };

const uniform = (random: () => number, low: number, high: number) => low + (high - low) * random();

const HEALTHY_STABLE: Profile = {
  errorRate: 0.001,
  cacheHitRate: 0.92,
  latency: (random) => (random() < 0.95 ? uniform(random, 0.02, 0.15) : uniform(random, 0.15, 0.4)),
};
const HEALTHY_CANARY: Profile = { ...HEALTHY_STABLE, errorRate: 0.002 };
// Misbehaving canary: ~8% 5xx and a slow tail that puts its p95 near 2 s.
const BAD_CANARY: Profile = {
  errorRate: 0.08,
  cacheHitRate: 0.6,
  latency: (random) => (random() < 0.7 ? uniform(random, 0.3, 0.7) : uniform(random, 0.9, 2.5)),
};

export const demoTargetStateSchema = z.object({
  /** The build being rolled out. */
  version: z.string(),
  stableVersion: z.string(),
  /** Canary share as set through the feature flag. */
  trafficPercent: z.number().min(0).max(100),
  /** Share the canary actually gets: 0 while the kill switch is on. */
  effectiveCanaryPercent: z.number().min(0).max(100),
  killSwitch: z.boolean(),
  rolledBack: z.boolean(),
  /** Forced through setBadBuild(true), regardless of traffic. */
  badBuildForced: z.boolean(),
  /** The canary is currently misbehaving and receiving traffic. */
  degraded: z.boolean(),
  lastChangeReason: z.string().nullable(),
  lastChangeAt: z.number().nullable(),
});
export type DemoTargetState = z.infer<typeof demoTargetStateSchema>;

type BuildCounters = {
  ok: number;
  errors: number;
  /** Non-cumulative counts per LATENCY_BUCKETS bound, plus one for +Inf. */
  buckets: number[];
  latencySum: number;
  cacheHits: number;
  cacheRequests: number;
};

const emptyCounters = (): BuildCounters => ({
  ok: 0,
  errors: 0,
  buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
  latencySum: 0,
  cacheHits: 0,
  cacheRequests: 0,
});

/** mulberry32: tiny, fast, good enough for a simulation, and reproducible from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type DemoModelOptions = {
  now: number;
  seed: number;
  requestsPerSecond: number;
  badBuildAbovePercent: number;
};

export class DemoModel {
  private readonly random: () => number;
  private readonly counters: Record<Build, BuildCounters> = { stable: emptyCounters(), canary: emptyCounters() };
  private lastAdvanceAt: number;
  private pendingRequests = 0; // fractional requests carried between advances
  private trafficPercent = 0;
  private killSwitch = false;
  private rolledBack = false;
  private badBuildForced = false;
  private lastChangeReason: string | null = null;
  private lastChangeAt: number | null = null;

  constructor(private readonly options: DemoModelOptions) {
    this.random = seededRandom(options.seed);
    this.lastAdvanceAt = options.now;
  }

  state(): DemoTargetState {
    return {
      version: CANARY_VERSION,
      stableVersion: STABLE_VERSION,
      trafficPercent: this.trafficPercent,
      effectiveCanaryPercent: this.effectiveCanaryPercent(),
      killSwitch: this.killSwitch,
      rolledBack: this.rolledBack,
      badBuildForced: this.badBuildForced,
      degraded: this.canaryMisbehaves() && this.effectiveCanaryPercent() > 0,
      lastChangeReason: this.lastChangeReason,
      lastChangeAt: this.lastChangeAt,
    };
  }

  /** Serves the requests that arrived since the last advance under the routing that was in force for them. */
  advance(now: number): void {
    const elapsedSeconds = (now - this.lastAdvanceAt) / 1000;
    if (!(elapsedSeconds > 0)) return; // a clock that stands still or steps back serves nothing
    this.lastAdvanceAt = now;
    this.pendingRequests += Math.min(elapsedSeconds, MAX_CATCH_UP_SECONDS) * this.options.requestsPerSecond;
    const count = Math.floor(this.pendingRequests);
    this.pendingRequests -= count;

    const canaryShare = this.effectiveCanaryPercent() / 100;
    const canaryProfile = this.canaryMisbehaves() ? BAD_CANARY : HEALTHY_CANARY;
    for (let i = 0; i < count; i++) {
      const build: Build = this.random() < canaryShare ? "canary" : "stable";
      this.serve(this.counters[build], build === "canary" ? canaryProfile : HEALTHY_STABLE);
    }
  }

  private serve(counters: BuildCounters, profile: Profile): void {
    if (this.random() < profile.errorRate) counters.errors++;
    else counters.ok++;
    const latency = profile.latency(this.random);
    counters.latencySum += latency;
    const index = LATENCY_BUCKETS.findIndex((bound) => latency <= bound);
    const slot = index === -1 ? LATENCY_BUCKETS.length : index;
    counters.buckets[slot] = (counters.buckets[slot] ?? 0) + 1;
    counters.cacheRequests++;
    if (this.random() < profile.cacheHitRate) counters.cacheHits++;
  }

  // Routing changes first serve the elapsed interval under the old routing, so each request sees the flags of its time.

  setFlags(now: number, change: { percentage?: number; killSwitch?: boolean; reason?: string }): void {
    this.advance(now);
    if (change.percentage !== undefined) {
      this.trafficPercent = change.percentage;
      if (change.percentage > 0) this.rolledBack = false; // rolling forward again
    }
    if (change.killSwitch !== undefined) this.killSwitch = change.killSwitch;
    this.noteChange(now, change.reason);
  }

  rollback(now: number, reason?: string): void {
    this.advance(now);
    this.trafficPercent = 0;
    this.rolledBack = true;
    this.noteChange(now, reason);
  }

  setBadBuild(now: number, on: boolean): void {
    this.advance(now);
    this.badBuildForced = on;
  }

  private noteChange(now: number, reason: string | undefined): void {
    this.lastChangeAt = now;
    this.lastChangeReason = reason ?? null;
  }

  private effectiveCanaryPercent(): number {
    return this.killSwitch ? 0 : this.trafficPercent;
  }

  private canaryMisbehaves(): boolean {
    return this.badBuildForced || this.trafficPercent > this.options.badBuildAbovePercent;
  }

  /** Prometheus text exposition 0.0.4 of the counters as of `now`. */
  metricsText(now: number): string {
    this.advance(now);
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const sample = (name: string, labels: Record<string, string>, value: number) => {
      const pairs = Object.entries(labels).map(([label, v]) => `${label}="${escapeLabelValue(v)}"`);
      lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${formatFloat(value)}`);
    };
    const builds: Build[] = ["stable", "canary"];

    family("http_requests_total", "counter", "Requests served, by status class and build.");
    for (const version of builds) {
      sample("http_requests_total", { status: "2xx", version }, this.counters[version].ok);
      sample("http_requests_total", { status: "5xx", version }, this.counters[version].errors);
    }

    family("http_request_duration_seconds", "histogram", "Request latency in seconds, by build.");
    for (const version of builds) {
      const counters = this.counters[version];
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, i) => {
        cumulative += counters.buckets[i] ?? 0;
        sample("http_request_duration_seconds_bucket", { version, le: String(bound) }, cumulative);
      });
      const total = counters.ok + counters.errors;
      sample("http_request_duration_seconds_bucket", { version, le: "+Inf" }, total);
      sample("http_request_duration_seconds_sum", { version }, counters.latencySum);
      sample("http_request_duration_seconds_count", { version }, total);
    }

    family("cache_hits_total", "counter", "Cache lookups that hit.");
    for (const version of builds) sample("cache_hits_total", { version }, this.counters[version].cacheHits);
    family("cache_requests_total", "counter", "Cache lookups.");
    for (const version of builds) sample("cache_requests_total", { version }, this.counters[version].cacheRequests);

    const share = this.effectiveCanaryPercent() / 100;
    const cpu = 0.3 + 0.1 * share + (this.canaryMisbehaves() ? 0.4 * share : 0) + 0.04 * this.random();
    family("process_cpu_usage", "gauge", "CPU usage of the service, 0..1.");
    sample("process_cpu_usage", {}, Math.min(1, Math.max(0, cpu)));
    family("demo_traffic_percent", "gauge", "Canary traffic percentage set through the feature flag.");
    sample("demo_traffic_percent", {}, this.trafficPercent);
    family("demo_kill_switch", "gauge", "1 while the kill switch is on.");
    sample("demo_kill_switch", {}, this.killSwitch ? 1 : 0);
    family("demo_rolled_back", "gauge", "1 after a rollback, until traffic is sent to the canary again.");
    sample("demo_rolled_back", {}, this.rolledBack ? 1 : 0);
    return `${lines.join("\n")}\n`;
  }
}
