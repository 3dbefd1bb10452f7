import type { ItemView, SectionView } from "@/lib/domain/selects";

// Pure: turns the flat sections and items of RolloutState into the nested tree the checklist renders.

export type ItemNode = ItemView & { children: ItemNode[] };
export type SectionNode = SectionView & { items: ItemNode[]; sections: SectionNode[]; done: number; total: number };

export function buildChecklistTree(sections: SectionView[], items: ItemView[]): SectionNode[] {
  const itemNodes = new Map<string, ItemNode>(items.map((i) => [i.id, { ...i, children: [] }]));
  const rootItemsBySection = new Map<string, ItemNode[]>();
  for (const node of [...itemNodes.values()].sort((a, b) => a.position - b.position)) {
    const parent = node.parentId ? itemNodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else rootItemsBySection.set(node.sectionId, [...(rootItemsBySection.get(node.sectionId) ?? []), node]);
  }
  const sectionNodes = new Map<string, SectionNode>(
    sections.map((s) => [s.id, { ...s, items: rootItemsBySection.get(s.id) ?? [], sections: [], done: 0, total: 0 }]),
  );
  const roots: SectionNode[] = [];
  for (const node of [...sectionNodes.values()].sort((a, b) => a.position - b.position)) {
    const parent = node.parentId ? sectionNodes.get(node.parentId) : undefined;
    if (parent) parent.sections.push(node);
    else roots.push(node);
  }
  for (const root of roots) countProgress(root);
  return roots;
}

const isFinished = (state: string) => state === "DONE" || state === "SKIPPED";

function countItems(items: ItemNode[]): { done: number; total: number } {
  return items.reduce(
    (acc, item) => {
      const sub = countItems(item.children);
      return { done: acc.done + sub.done + (isFinished(item.state) ? 1 : 0), total: acc.total + sub.total + 1 };
    },
    { done: 0, total: 0 },
  );
}

function countProgress(section: SectionNode): { done: number; total: number } {
  const own = countItems(section.items);
  const nested = section.sections.map(countProgress);
  section.done = own.done + nested.reduce((s, n) => s + n.done, 0);
  section.total = own.total + nested.reduce((s, n) => s + n.total, 0);
  return { done: section.done, total: section.total };
}
