// `npm start` / `npm run dev`, and every process tests and benches spawn: the DB-backed modules say
// `import "server-only"`, which must resolve to nothing outside Next's bundle before the app's modules load.
import "./allow-server-only.mjs";

await import("./start-app");
