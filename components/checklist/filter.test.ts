import { describe, expect, it } from "vitest";
import type { ItemView } from "@/lib/domain/selects";
import { filterTree, flattenVisible, type FilterContext } from "./filter";
import { buildChecklistTree } from "./tree";

const item = (id: string, over: Partial<ItemView> = {}): ItemView => ({
  id,
  rolloutId: "r",
  sectionId: "s1",
  parentId: null,
  position: 0,
  text: id,
  ownerName: null,
  ownerId: null,
  dueOffsetMinutes: null,
  state: "OPEN",
  checkedAt: null,
  checkedBy: null,
  note: null,
  version: 1,
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

const tree = buildChecklistTree(
  [
    { id: "s1", parentId: null, position: 0, title: "Pre" },
    { id: "s2", parentId: null, position: 1, title: "Post" },
  ],
  [
    item("parent", { position: 0, state: "DONE" }),
    item("child-mine", { position: 1, parentId: "parent", ownerId: "u1", ownerName: "SRE" }),
    item("done", { position: 2, state: "DONE", ownerId: "u1" }),
    // The runbook's free-text owner is a team or role: it naming me does not make the item mine.
    item("team", { position: 4, sectionId: "s2", ownerName: "Erin" }),
    item("late", { position: 3, sectionId: "s2", dueOffsetMinutes: -10 }),
  ],
);
const ctx: FilterContext = { me: { id: "u1", name: "erin" }, isOverdue: (i) => i.dueOffsetMinutes !== null && i.state === "OPEN" };
const ids = (mode: "all" | "mine" | "open" | "overdue", query = "") => flattenVisible(filterTree(tree, { mode, query }, ctx)).map((i) => i.id);

describe("checklist filter", () => {
  it("keeps everything for all", () => expect(ids("all")).toEqual(["parent", "child-mine", "done", "late", "team"]));
  it("mine keeps the items assigned to me and their parents, not a free-text owner with my name", () => expect(ids("mine")).toEqual(["parent", "child-mine", "done"]));
  it("open drops finished items unless a descendant is open", () => expect(ids("open")).toEqual(["parent", "child-mine", "late", "team"]));
  it("overdue keeps only late open items and drops empty sections", () => {
    expect(ids("overdue")).toEqual(["late"]);
    expect(filterTree(tree, { mode: "overdue", query: "" }, ctx).map((s) => s.id)).toEqual(["s2"]);
  });
  it("matches text, owner and note, case-insensitively", () => expect(ids("all", "LATE")).toEqual(["late"]));
});
