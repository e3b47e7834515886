import type { BranchRef } from "../bindings/BranchRef";
import type { FlowOutline } from "../bindings/FlowOutline";
import type { Position } from "../bindings/Position";
import type { StepOutline } from "../bindings/StepOutline";

/**
 * Steps whose name matches what was typed in "Find a step": spaces stand for underscores, case is
 * ignored; exact matches first, then the others in canvas order.
 */
export function matchingSteps(names: readonly string[], query: string): string[] {
  const wanted = query.trim().toLowerCase().replace(/ /g, "_");
  if (!wanted) return [];
  const exact = names.filter((n) => n.toLowerCase() === wanted);
  return [...exact, ...names.filter((n) => n.toLowerCase() !== wanted && n.toLowerCase().includes(wanted))];
}

/** The match after `current` (the first when `current` is not one), going round. */
export function nextMatch(matches: readonly string[], current: string | null): string | null {
  if (matches.length === 0) return null;
  const i = current === null ? -1 : matches.indexOf(current);
  return matches[(i + 1) % matches.length];
}

/** Where a step goes when it moves one place up (-1) or down (1) among its siblings; null at an end. */
export function siblingMove(outline: FlowOutline, name: string, by: -1 | 1): Position | null {
  const search = (steps: StepOutline[], parent: BranchRef | undefined): Position | null | undefined => {
    const i = steps.findIndex((s) => s.name === name);
    if (i >= 0) {
      const rest = steps.filter((s) => s.name !== name);
      // In the list without the step, it goes between j-1 and j.
      const j = i + by;
      if (j < 0 || j > rest.length) return null;
      return { parent, after: rest[j - 1]?.name, before: rest[j]?.name };
    }
    for (const s of steps) {
      for (const b of s.branches) {
        const found = search(b.steps, { container: s.name, slot: b.slot });
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return search(outline.steps, undefined) ?? null;
}

