import { describe, expect, it } from "vitest";
import { repairMojibake, repairMojibakeWithCount } from "./mojibake";

describe("repairMojibake", () => {
  it.each([
    // [what, input, expected]
    ["rocket emoji", "ðŸš€ Launch", "🚀 Launch"],
    ["clipboard emoji", "ðŸ“‹ PRE-DEPLOYMENT PHASE", "📋 PRE-DEPLOYMENT PHASE"],
    ["check mark", "âœ… Ready", "✅ Ready"],
    ["em dash", "Checklist â€” Story 9.8", "Checklist — Story 9.8"],
    ["arrow", "`5min â†’ 3min`", "`5min → 3min`"],
    ["accented letter", "CafÃ© Orders", "Café Orders"],
    ["no-break space and pound", "PriceÂ\u00a0Â£5", "Price\u00a0£5"],
    ["typographic quotes (Windows-1252)", "â€œquotedâ€™", "“quoted’"],
    ["right quote with a Latin-1 control byte", "sayâ€\u009d", "say”"],
    ["Cyrillic once the text is known to be mis-decoded", "Ð¿ÑƒÑ‚ÑŒ â€” path", "путь — path"],
    ["text mis-decoded twice", "Ã°Å¸Å¡â‚¬ go", "🚀 go"],
    ["emoji that lost an unassigned byte", "ðŸ“ SIGN-OFF", "\uFFFD SIGN-OFF"],
    ["several in one line", "âœ… done â€” ðŸš€ next", "✅ done — 🚀 next"],
    ["mixed correct and broken text", "✅ fine, âœ… broken", "✅ fine, ✅ broken"],
  ])("repairs %s", (_what, input, expected) => {
    expect(repairMojibake(input)).toBe(expected);
  });

  it.each([
    ["plain ASCII", "Error rate > 1% for 5 minutes"],
    ["correct emoji and symbols", "🚀 ✅ — ≥ 1000 RPS ⏱️ →"],
    ["correct accents", "Grüße, naïve café, São Paulo, Ærø"],
    ["German quotes (a letter then a symbol, but nothing certain)", "Der Fuß“ und „Maß“"],
    ["a lone Icelandic eth", "ð is a letter"],
    ["a lone Â", "Â alone"],
    ["empty text", ""],
  ])("leaves %s alone", (_what, input) => {
    expect(repairMojibake(input)).toBe(input);
    expect(repairMojibakeWithCount(input).repairs).toBe(0);
  });

  it("counts the sequences it repaired", () => {
    expect(repairMojibakeWithCount("âœ… one â€” two ðŸš€")).toEqual({ text: "✅ one — two 🚀", repairs: 3 });
  });

  it("is idempotent", () => {
    const once = repairMojibake("ðŸš€ CafÃ© â€” âœ…");
    expect(repairMojibake(once)).toBe(once);
  });
});
