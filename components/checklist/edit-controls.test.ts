import { describe, expect, it } from "vitest";
import type { ItemView, SectionView } from "@/lib/domain/selects";
import { moveForKey, placesOf } from "./edit-controls";
import { buildChecklistTree } from "./tree";

const section: SectionView = { id: "s", parentId: null, position: 0, title: "S" };
const item = (id: string, position: number, parentId: string | null = null): ItemView => ({
  id,
  rolloutId: "r",
  sectionId: "s",
  parentId,
  position,
  text: id,
  ownerName: null,
  ownerId: null,
  dueOffsetMinutes: null,
  state: "OPEN",
  checkedAt: null,
  checkedBy: null,
  note: null,
  stateReason: null,
  copiedFromId: null,
  version: 1,
  updatedAt: "2026-01-01T00:00:00.000Z",
});

// a, b (with child b1), c
const places = placesOf(buildChecklistTree([section], [item("a", 0), item("b", 1), item("b1", 0, "b"), item("c", 2)]));

describe("moveForKey (keyboard reordering)", () => {
  it("moves up and down among siblings, and not past either end", () => {
    expect(moveForKey("ArrowUp", "b", places)).toEqual({ op: "item.move", itemId: "b", sectionId: "s", parentId: null, position: 0 });
    expect(moveForKey("ArrowDown", "b", places)).toEqual({ op: "item.move", itemId: "b", sectionId: "s", parentId: null, position: 2 });
    expect(moveForKey("ArrowUp", "a", places)).toBeNull();
    expect(moveForKey("ArrowDown", "c", places)).toBeNull();
  });
  it("nests under the item above (at its end) and outdents to just after the parent", () => {
    expect(moveForKey("ArrowRight", "c", places)).toEqual({ op: "item.move", itemId: "c", sectionId: "s", parentId: "b", position: 1 });
    expect(moveForKey("ArrowRight", "a", places)).toBeNull();
    expect(moveForKey("ArrowLeft", "b1", places)).toEqual({ op: "item.move", itemId: "b1", sectionId: "s", parentId: null, position: 2 });
    expect(moveForKey("ArrowLeft", "a", places)).toBeNull();
    expect(moveForKey("Enter", "a", places)).toBeNull();
  });
});
