import type { ContentGroup } from "../bindings/ContentGroup";

/** A group's heading: the trigger, a loop's current item, or the step's name in words. */
export function groupTitle(group: ContentGroup): string {
  const name = group.step.replace(/_/g, " ");
  switch (group.source) {
    case "trigger":
      return `Trigger: ${name}`;
    case "loop":
      return `Loop: ${name}`;
    case "step":
      return name;
  }
}

/**
 * The groups narrowed to what matches every word of the search, in the item's label, its type
 * or its step's name; groups left empty go.
 */
export function filterContent(groups: readonly ContentGroup[], search: string): ContentGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...groups];
  return groups
    .map((g) => {
      const title = groupTitle(g).toLowerCase();
      const items = g.items.filter((item) => {
        const haystack = `${title} ${item.label.toLowerCase()} ${item.valueType.toLowerCase()}`;
        return words.every((w) => haystack.includes(w));
      });
      return { ...g, items };
    })
    .filter((g) => g.items.length > 0);
}
