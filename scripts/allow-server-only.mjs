import { register } from "node:module";

// Import first (or pass with `--import`): modules resolved after this may `import "server-only"`.
register("./server-only-loader.mjs", import.meta.url);
