// Who owns a checklist item, as the runbook writes it on the item's line: "(Owner: Dana)", "— @dana",
// "Owner: Dana", "[assigned to: SRE]". The annotation moves to ownerName and leaves the text.

const PATTERNS: RegExp[] = [
  /\s*[([]\s*(?:owner|owned by|assignee|assigned to|responsible)\s*[:=]?\s*([^)\]]+?)\s*[)\]]/i,
  /\s+(?:—|–|--|-)\s*(@[\w.-]+)\s*$/,
  /\s*\(\s*(@[\w.-]+)\s*\)\s*$/,
  /(?:^|\s*[.;,|—–]\s*|\s+-\s+)(?:owner|owned by|assignee|assigned to|responsible)\s*:\s*(.+)$/i,
];

/** The item text without its owner annotation, and the owner it names (undefined when none). */
export function extractOwner(text: string): { text: string; owner?: string } {
  for (const pattern of PATTERNS) {
    const match = text.match(pattern);
    const owner = match?.[1]?.trim().replace(/[.;,]+$/, "");
    if (!match || !owner) continue;
    const rest = (text.slice(0, match.index) + text.slice((match.index ?? 0) + match[0].length)).trim();
    return { text: rest.length > 0 ? rest : text, owner };
  }
  return { text };
}
