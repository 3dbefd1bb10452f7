import { describe, expect, it } from "vitest";
import type { ItemView, SectionView } from "@/lib/domain/selects";
import { buildChecklistTree } from "./tree";

const section = (id: string, position: number, parentId: string | null = null): SectionView => ({ id, position, parentId, title: id });
const item = (id: string, sectionId: string, position: number, state: ItemView["state"] = "OPEN", parentId: string | null = null): ItemView => ({
  id,
  rolloutId: "r",
  sectionId,
  parentId,
  position,
  text: id,
  ownerName: null,
  ownerId: null,
  dueOffsetMinutes: null,
  state,
  checkedAt: null,
  checkedBy: null,
  note: null,
  stateReason: null,
  copiedFromId: null,
  version: 1,
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("buildChecklistTree", () => {
  it("nests sections and items and counts progress through every level", () => {
    const tree = buildChecklistTree(
      [section("pre", 0), section("infra", 1, "pre"), section("deploy", 2)],
      [item("a", "infra", 0, "DONE"), item("a1", "infra", 1, "DONE", "a"), item("a2", "infra", 2, "OPEN", "a"), item("b", "deploy", 3, "SKIPPED")],
    );
    expect(tree.map((s) => s.id)).toEqual(["pre", "deploy"]);
    const [pre, deploy] = tree;
    expect(pre!.sections[0]!.items[0]!.children.map((c) => c.id)).toEqual(["a1", "a2"]);
    expect([pre!.done, pre!.total]).toEqual([2, 3]);
    expect([deploy!.done, deploy!.total]).toEqual([1, 1]);
  });
});
