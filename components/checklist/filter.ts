import type { ItemNode, SectionNode } from "./tree";

// Pure: which checklist items a filter keeps. An item stays when it or any descendant matches, so a match
// deep in the tree keeps its parents for context; sections with nothing left disappear.

export type ChecklistFilter = { mode: "all" | "mine" | "open" | "overdue"; query: string };
export type FilterContext = { me: { id: string; name: string }; isOverdue: (item: ItemNode) => boolean };

export function itemMatches(item: ItemNode, filter: ChecklistFilter, ctx: FilterContext): boolean {
  const query = filter.query.trim().toLowerCase();
  if (query && !`${item.text} ${item.ownerName ?? ""} ${item.note ?? ""}`.toLowerCase().includes(query)) return false;
  switch (filter.mode) {
    case "mine":
      // Assigned to me. The runbook's free-text owner names a team or role, not a person.
      return item.ownerId === ctx.me.id;
    case "open":
      return item.state === "OPEN" || item.state === "BLOCKED";
    case "overdue":
      return ctx.isOverdue(item);
    default:
      return true;
  }
}

function filterItems(items: ItemNode[], filter: ChecklistFilter, ctx: FilterContext): ItemNode[] {
  return items.flatMap((item) => {
    const children = filterItems(item.children, filter, ctx);
    return itemMatches(item, filter, ctx) || children.length ? [{ ...item, children }] : [];
  });
}

export function filterTree(sections: SectionNode[], filter: ChecklistFilter, ctx: FilterContext): SectionNode[] {
  if (filter.mode === "all" && !filter.query.trim()) return sections;
  return sections.flatMap((section) => {
    const items = filterItems(section.items, filter, ctx);
    const children = filterTree(section.sections, filter, ctx);
    return items.length || children.length ? [{ ...section, items, sections: children }] : [];
  });
}

/** Items in reading order (depth first), for j/k navigation. */
export function flattenVisible(sections: SectionNode[]): ItemNode[] {
  const walkItems = (items: ItemNode[]): ItemNode[] => items.flatMap((i) => [i, ...walkItems(i.children)]);
  return sections.flatMap((s) => [...walkItems(s.items), ...flattenVisible(s.sections)]);
}
