import { startBackgroundWorkers } from "@/lib/workers";

// The app's background workers exactly as server.ts starts them, alone in a process, so a test can kill "the app"
// (SIGKILL: no cleanup) in the middle of its work and start it again on the same database.
const workers = startBackgroundWorkers({ log: (line) => console.log(line) });
const wait = setInterval(() => {
  if (workers.isLeader()) {
    console.log("[run-workers] leading");
    clearInterval(wait);
  }
}, 20);
process.on("SIGTERM", () => void workers.stop().then(() => process.exit(0)));
