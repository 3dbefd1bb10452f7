// A task run every `intervalMs`, never overlapping itself: the next run is scheduled when the previous one ends.
// Errors are logged, never thrown; stop() waits for a run in progress.

export type Repeating = { stop: () => Promise<void> };

export function repeatEvery(name: string, intervalMs: number, task: () => Promise<unknown>, log: (line: string) => void = console.error): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const run = () => {
    timer = undefined;
    if (stopped) return;
    running = task()
      .then(
        () => undefined,
        (error: unknown) => log(`[warroom] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      )
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, 0);

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
