import type { ColumnChoices } from "../bindings/ColumnChoices";
import type { ColumnDefinition } from "../bindings/ColumnDefinition";
import type { TableDefinition } from "../bindings/TableDefinition";

/** Attribute types whose value is a choice of the column's options. */
const CHOICE_TYPES = new Set(["Picklist", "State", "Status"]);
/** Attribute types set by binding a row (`item/<nav>@odata.bind`). */
const LOOKUP_TYPES = new Set(["Lookup", "Customer", "Owner"]);

export function isChoice(column: ColumnDefinition): boolean {
  return CHOICE_TYPES.has(column.attributeType) && ((column.options?.length ?? 0) > 0 || column.choices.length > 0);
}

/** Whether the table has choice columns whose labels the environment's table list left out. */
export function needsChoiceLabels(table: TableDefinition): boolean {
  return table.columns.some((c) => CHOICE_TYPES.has(c.attributeType) && c.choices.length === 0);
}

/** The table with the labelled options read for its choice columns (`environment_choices`). */
export function withChoiceLabels(table: TableDefinition, read: readonly ColumnChoices[]): TableDefinition {
  const by = new Map(read.map((c) => [c.column.toLowerCase(), c.choices]));
  return {
    ...table,
    columns: table.columns.map((c) => {
      const choices = by.get(c.logicalName.toLowerCase());
      if (!choices || choices.length === 0 || c.choices.length > 0) return c;
      return { ...c, choices, options: c.options ?? choices.map((o) => o.value) };
    }),
  };
}

export function isLookup(column: ColumnDefinition): boolean {
  return LOOKUP_TYPES.has(column.attributeType) && column.targets.length > 0;
}

/** A choice column's options with their labels (the value alone when the metadata has no label). */
export function choiceOptions(column: ColumnDefinition): Array<{ value: number; label: string }> {
  if (column.choices.length > 0) return column.choices.map((c) => ({ value: Number(c.value), label: c.label }));
  return (column.options ?? []).map((v) => ({ value: Number(v), label: String(v) }));
}

/**
 * The navigation property that binds `column` to rows of `target`: the column itself for a
 * lookup to one table (and for the owner, whose value names the table), `<column>_<target>`
 * for a lookup to several (`parentcustomerid_account`).
 */
export function navigationProperty(column: ColumnDefinition, target: string): string {
  // The environment's own name first (custom lookups keep their schema name's case: `cr1_Project`).
  const declared = column.navigation.find((n) => n.target.toLowerCase() === target.toLowerCase());
  if (declared) return declared.property;
  if (column.targets.length === 1 || column.attributeType === "Owner") return column.logicalName;
  return `${column.logicalName}_${target}`;
}

/** What an `item/…` parameter sets: the column, and for a binding the tables its rows may come from. */
export type ItemColumn = { column: ColumnDefinition; bind: false } | { column: ColumnDefinition; bind: true; targets: string[] };

export function columnOfItem(table: TableDefinition, key: string): ItemColumn | null {
  if (!key.startsWith("item/")) return null;
  const name = key.slice(5);
  const find = (n: string) => table.columns.find((c) => c.logicalName.toLowerCase() === n.toLowerCase());
  if (!name.endsWith("@odata.bind")) {
    const column = find(name);
    return column ? { column, bind: false } : null;
  }
  const nav = name.slice(0, -"@odata.bind".length);
  const direct = find(nav);
  if (direct && isLookup(direct) && !direct.navigation.some((n) => n.property.toLowerCase() !== direct.logicalName.toLowerCase())) {
    return { column: direct, bind: true, targets: navigationTargets(direct, nav) };
  }
  for (const column of table.columns) {
    if (!isLookup(column)) continue;
    const target = column.targets.find((t) => navigationProperty(column, t).toLowerCase() === nav.toLowerCase());
    if (target) return { column, bind: true, targets: [target] };
  }
  return null;
}

function navigationTargets(column: ColumnDefinition, nav: string): string[] {
  if (column.attributeType === "Owner" || column.targets.length === 1) return column.targets;
  return column.targets.filter((t) => navigationProperty(column, t).toLowerCase() === nav.toLowerCase());
}

/** What "Add a column" offers: a plain column, or a lookup bound to one of its tables. */
export type AddableColumn = { key: string; label: string };

export function addableColumns(table: TableDefinition, used: readonly string[]): AddableColumn[] {
  const taken = new Set(used.map((k) => k.toLowerCase()));
  const out: AddableColumn[] = [];
  for (const c of table.columns) {
    if (isLookup(c)) {
      const navs =
        c.attributeType === "Owner"
          ? [[c.logicalName, c.targets.join(" or ")]]
          : c.targets.length === 1
            ? [[navigationProperty(c, c.targets[0]), c.targets[0]]]
            : c.targets.map((t) => [navigationProperty(c, t), t]);
      for (const [nav, what] of navs) {
        const key = `item/${nav}@odata.bind`;
        if (!taken.has(key.toLowerCase())) out.push({ key, label: `${c.logicalName} · lookup to ${what}` });
      }
    } else {
      const key = `item/${c.logicalName}`;
      if (!taken.has(key.toLowerCase())) out.push({ key, label: `${c.logicalName} · ${isChoice(c) ? "Choice" : c.attributeType}` });
    }
  }
  return out;
}

/** `contacts(<id>)` or `/contacts(<id>)` as its entity set and id; null for anything else. */
export function parseBinding(value: unknown): { set: string; id: string } | null {
  if (typeof value !== "string") return null;
  const m = /^\/?([A-Za-z0-9_]+)\(([^()]+)\)$/.exec(value.trim());
  return m ? { set: m[1], id: m[2] } : null;
}

/** The label a parameter shows: `item/parentcustomerid_account@odata.bind` → `parentcustomerid_account`. */
export function itemLabel(key: string): string {
  return key.slice(5).replace(/@odata\.bind$/, "");
}
