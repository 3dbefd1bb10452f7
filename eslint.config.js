import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// The layers (../README.md, "Layers"): each entry says what a folder may not import. Types may cross (they
// are erased), values may not. One rule object per file set, because a later config replaces, not merges.
const forbid = (name, message) => ({ group: [name], message, allowTypeImports: true });
const UI = forbid("@/components/*", "lib/ is below the UI: move shared code into lib/ and import it from components/.");
const APP = forbid("@/app/*", "Nothing imports a page or route handler.");
const HTTP = forbid("@/lib/http/*", "lib/http is the HTTP edge: share through lib/operations, lib/domain or lib/schemas.");
const PRISMA = forbid("@/lib/db/client", "Only lib/domain (and lib/db) talk to Prisma: add a domain function.");
const EDGES = ["@/lib/operations/*", "@/lib/workers/*", "@/lib/demo/*", "@/lib/realtime/*", "!@/lib/realtime/publisher"];
const layer = (files, patterns) => ({
  files,
  ignores: ["**/*.test.ts", "**/*.test.tsx"],
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
});
const layers = [
  layer(["lib/domain/**", "lib/db/**"], [UI, APP, HTTP, { group: EDGES, message: "lib/domain is called by the edges, never the other way (publish after commit through lib/realtime/publisher).", allowTypeImports: true }]),
  layer(["lib/schemas/**", "lib/metrics/**", "lib/runbook/**", "lib/auth/**", "lib/actions/**", "lib/config.ts"], [UI, APP, HTTP, PRISMA, { group: EDGES, message: "Shared code below the edges must not import them.", allowTypeImports: true }]),
  layer(["lib/realtime/**", "lib/workers/**", "lib/operations/**", "lib/observability/**", "lib/demo/**", "lib/demo-target/**"], [UI, APP, HTTP, PRISMA]),
  layer(["lib/http/**"], [UI, APP, PRISMA]),
  layer(["app/**"], [PRISMA]),
  layer(["components/**"], [
    forbid("@/lib/db/*", "The browser never gets the database client."),
    HTTP,
    { group: ["@/lib/operations/*", "@/lib/workers/*", "@/lib/demo/*"], message: "Server-only code.", allowTypeImports: true },
    {
      group: ["@/lib/domain/*", "!@/lib/domain/phase-rules", "!@/lib/domain/gate-status", "!@/lib/domain/gate-evidence", "!@/lib/domain/describe-event", "!@/lib/domain/next-step", "!@/lib/domain/status"],
      message: "Only lib/domain's pure modules (phase-rules, gate-status, gate-evidence, describe-event, next-step, status) run in the browser; import types only from the rest.",
      allowTypeImports: true,
    },
  ]),
];

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".data/", "lib/db/generated/", "test-results/", "playwright-report/", "next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // React and Next rules for the app's own code (Playwright fixtures' `use` is not a React hook).
    files: ["app/**", "components/**", "lib/**"],
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  ...layers,
);
