import type { Nodes, PhrasingContent } from "mdast";

// Turning mdast nodes back into text. Item texts and titles are plain text (emphasis markers dropped, inline code
// kept in backticks so commands stay recognisable); notes are the block's original Markdown, sliced from the
// source by position, so nothing about a code block or table is lost.

/** Plain text of inline content. */
export function inlineText(nodes: readonly PhrasingContent[]): string {
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text":
      case "html":
        out += node.value;
        break;
      case "inlineCode":
        out += "`" + node.value + "`";
        break;
      case "break":
        out += "\n";
        break;
      case "image":
        out += node.alt ?? "";
        break;
      case "imageReference":
        out += node.alt ?? "";
        break;
      case "footnoteReference":
        break;
      case "link": {
        const label = inlineText(node.children);
        // Keep a real URL that the label does not show; in-page anchors (#section) and autolinked addresses
        // ("dana@example.com" → mailto:dana@example.com) carry nothing more.
        const url = node.url;
        const bare = url.replace(/^(mailto:|https?:\/\/)/i, "");
        const shown = !url || url.startsWith("#") || label.includes(url) || label.includes(bare);
        out += shown ? label : `${label} (${url})`;
        break;
      }
      default:
        // strong, emphasis, delete, linkReference: their text without the markers.
        out += inlineText(node.children);
    }
  }
  return out;
}

/** Plain text of any node: inline text for phrasing parents, values for literals, children joined by lines. */
export function nodeText(node: Nodes): string {
  if (node.type === "paragraph" || node.type === "heading" || node.type === "tableCell") {
    return inlineText(node.children);
  }
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(nodeText).join("\n");
  return "";
}

/** Whitespace (including line breaks) collapsed to single spaces. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * The node's original Markdown, or its text when positions are missing. A block nested in a list item is
 * indented in the source; that indentation (the block's start column) is removed from its later lines too.
 */
export function sourceOf(node: Nodes, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return nodeText(node);
  const indent = (node.position?.start.column ?? 1) - 1;
  const text = source.slice(start, end);
  if (indent === 0) return text;
  const prefix = new RegExp(`^[ \\t]{0,${indent}}`);
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : line.replace(prefix, "")))
    .join("\n");
}

/** Trimmed and cut to max characters (with an ellipsis), so text fits the schema's limits. */
export function clip(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  return trimmed.slice(0, max - 1).trimEnd() + "…";
}

/** A label paragraph ("**Success Criteria:**", "Before enabling any traffic:") without its colon; else undefined. */
export function labelOf(text: string): string | undefined {
  const t = text.trim();
  if (t.length > 100 || t.includes("\n") || !t.endsWith(":")) return undefined;
  const label = t.slice(0, -1).trim();
  return label.length > 0 ? label : undefined;
}

/** Text with leading decoration (emoji, bullets, numbering like "2.") removed, for keyword matching and names. */
export function stripDecoration(text: string): string {
  return text
    .replace(/^[^\p{L}\p{N}(\[<`]+/u, "")
    .replace(/^\d+(?:\.\d+)*[.)]\s+/, "")
    .trim();
}
