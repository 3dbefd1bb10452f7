import type { Heading, List, ListItem, Root, RootContent } from "mdast";
import { phaseFromTitle, type PhaseSpec } from "./parse-phase";
import { collapse, inlineText, nodeText, stripDecoration } from "./parse-text";
import { isClockOnly, parseClock, parseRelativeOffset } from "./parse-time";

// The outline pass: the document's title lines, preamble, footer and sections (by heading level), each section
// with its own blocks and source lines. What a heading says about its section (T-offset, phase, sign-off,
// contacts, criteria) is read later, when the section is classified (parse-markdown.ts).

export type RawSection = {
  title: string;
  depth: number;
  /** 1-based source line of the heading (or the bold phase line). */
  line: number;
  blocks: RootContent[];
  children: RawSection[];
  /** A bold "Phase N" line standing in for a heading. */
  pseudo: boolean;
  /** The "Checklist" section made for content before the first heading. */
  synthetic?: boolean;
  phase?: PhaseSpec;
};

export type Outline = { titleLines: string[]; preamble: RootContent[]; footer: RootContent[]; sections: RawSection[] };

/** A heading's text. A leading "�" (an emoji lost to mis-encoding, see mojibake.ts) was only decoration. */
function headingTitle(node: Heading): string {
  return collapse(inlineText(node.children)).replace(/^(?:\uFFFD\s*)+/, "") || "Untitled section";
}

/** A paragraph that is only a bold "Phase N: … (X% traffic)" line: a phase heading written in bold. */
function boldPhaseTitle(node: RootContent): string | undefined {
  if (node.type !== "paragraph") return undefined;
  const children = node.children.filter((c) => !(c.type === "text" && c.value.trim() === ""));
  if (children.length !== 1 || children[0]?.type !== "strong") return undefined;
  const text = collapse(inlineText(children[0].children));
  return phaseFromTitle(text)?.tier === 1 ? text : undefined;
}

export const lineOf = (node: { position?: { start: { line: number } } }) => node.position?.start.line ?? 1;

export function outline(root: Root): Outline {
  const nodes = root.children;

  // A footer: the paragraphs after the last horizontal rule, when nothing else follows ("_Version: 1.0_").
  let footerStart = nodes.length;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (node?.type === "thematicBreak") {
      footerStart = k;
      break;
    }
    if (node?.type !== "paragraph" && node?.type !== "html") break;
  }
  const footer = nodes.slice(footerStart + 1);

  // Leading h1 lines are the title unless a list or table follows one directly (then it is a section).
  const titleLines: string[] = [];
  const preamble: RootContent[] = [];
  let i = 0;
  for (; i < footerStart; i++) {
    const node = nodes[i];
    if (!node) break;
    const next = nodes[i + 1];
    if (node.type === "heading" && node.depth === 1 && preamble.length === 0 && next?.type !== "list" && next?.type !== "table") {
      titleLines.push(headingTitle(node));
      continue;
    }
    if (node.type === "heading" || node.type === "list" || node.type === "table" || boldPhaseTitle(node)) break;
    preamble.push(node);
  }

  const sections: RawSection[] = [];
  const stack: RawSection[] = [];
  const open = (section: RawSection) => {
    while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= section.depth) stack.pop();
    (stack.at(-1)?.children ?? sections).push(section);
    stack.push(section);
  };
  for (; i < footerStart; i++) {
    const node = nodes[i];
    if (!node) break;
    if (node.type === "heading") {
      open({ title: headingTitle(node), depth: node.depth, line: lineOf(node), blocks: [], children: [], pseudo: false });
      continue;
    }
    const phaseTitle = boldPhaseTitle(node);
    if (phaseTitle) {
      const top = stack.at(-1);
      const depth = top ? (top.pseudo ? top.depth : top.depth + 1) : 2;
      open({ title: phaseTitle, depth, line: lineOf(node), blocks: [], children: [], pseudo: true });
      continue;
    }
    // Lists before any heading: a section of their own, which later headings never nest under (depth 7).
    if (stack.length === 0) open({ title: "Checklist", depth: 7, line: lineOf(node), blocks: [], children: [], pseudo: false, synthetic: true });
    stack.at(-1)?.blocks.push(node);
  }
  return { titleLines, preamble, footer, sections: dropTableOfContents(sections) };
}

function isTableOfContents(section: RawSection): boolean {
  if (!/^(table of contents|contents|toc)$/i.test(stripDecoration(section.title))) return false;
  if (section.children.length > 0) return false;
  return section.blocks.every((block) => {
    if (block.type === "thematicBreak") return true;
    if (block.type !== "list") return false;
    const links: string[] = [];
    const collect = (node: RootContent | ListItem) => {
      if (node.type === "link") links.push(node.url);
      if ("children" in node) for (const child of node.children) collect(child as RootContent);
    };
    collect(block);
    return links.length > 0 && links.every((url) => url.startsWith("#"));
  });
}

function dropTableOfContents(sections: RawSection[]): RawSection[] {
  return sections
    .filter((section) => !isTableOfContents(section))
    .map((section) => ({ ...section, children: dropTableOfContents(section.children) }));
}

export function allSections(sections: RawSection[]): RawSection[] {
  return sections.flatMap((section) => [section, ...allSections(section.children)]);
}

/** Texts in document order: section titles, paragraphs and list item lines (code blocks are skipped). */
function outlineTexts(sections: RawSection[]): Array<{ text: string; firstBlock?: string }> {
  const texts: Array<{ text: string; firstBlock?: string }> = [];
  const listTexts = (list: List) => {
    for (const item of list.children) {
      const first = item.children[0];
      if (first?.type === "paragraph") texts.push({ text: collapse(nodeText(first)) });
      for (const child of item.children) if (child.type === "list") listTexts(child);
    }
  };
  for (const section of allSections(sections)) {
    const first = section.blocks[0];
    texts.push({ text: section.title, firstBlock: first?.type === "paragraph" ? collapse(nodeText(first)) : undefined });
    for (const block of section.blocks) {
      if (block.type === "paragraph") texts.push({ text: collapse(nodeText(block)) });
      if (block.type === "list") listTexts(block);
    }
  }
  return texts;
}

/**
 * T0 as a wall-clock time (minutes after midnight), when the runbook pins one, so that clock times elsewhere
 * ("Canary: 5% of Traffic (12:30 PM)", "09:00 — Change freeze") become offsets. Read from the first of:
 * a heading with a T-offset followed by a time ("Phase 1: Preparation (T-30 minutes)" then "**11:30 AM UTC**"
 * → 12:00); a line with both ("11:30 (T-30m) War room opens"); a time on a go-live line ("10:00 Go-live (T0)").
 */
export function findT0(sections: RawSection[]): number | undefined {
  for (const { text, firstBlock } of outlineTexts(sections)) {
    const offset = parseRelativeOffset(text);
    const clock = parseClock(text.replace(/\bT\s*[+\-−–]\s*\d+/gi, ""));
    if (offset !== undefined) {
      const at = clock ?? (firstBlock !== undefined && isClockOnly(firstBlock) ? parseClock(firstBlock) : undefined);
      if (at !== undefined) return at - offset;
    } else if (clock !== undefined && /\b(go[- ]?live|launch|cut-?over|T0|deployment (begins|starts))\b/i.test(text)) {
      return clock;
    }
  }
  return undefined;
}

/** Marks the phase sections: only the most explicit heading form present; none when phases are list items. */
export function markPhases(sections: RawSection[]): boolean {
  const candidates = allSections(sections).map((section) => ({ section, spec: phaseFromTitle(section.title) }));
  const tiers = candidates.flatMap(({ spec }) => (spec ? [spec.tier] : []));
  if (tiers.length === 0) return true;
  const tier = tiers.reduce((min, t) => (t < min ? t : min));
  for (const { section, spec } of candidates) if (spec?.tier === tier) section.phase = spec;
  return false;
}
