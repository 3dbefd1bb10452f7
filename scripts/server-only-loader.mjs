// Outside Next's bundle (the custom server under tsx, scripts, the bench), `import "server-only"` means nothing
// to guard against, so it resolves to the package's empty module, as Next's server layer does.
const empty = new URL("../node_modules/server-only/empty.js", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return { url: empty, format: "commonjs", shortCircuit: true };
  return nextResolve(specifier, context);
}
