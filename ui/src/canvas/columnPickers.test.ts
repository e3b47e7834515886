import { describe, expect, it } from "vitest";
import type { ColumnDefinition } from "../bindings/ColumnDefinition";
import type { TableDefinition } from "../bindings/TableDefinition";
import { addableColumns, choiceOptions, columnOfItem, isChoice, navigationProperty, needsChoiceLabels, parseBinding, withChoiceLabels } from "./columnPickers";

const col = (logicalName: string, attributeType: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition => ({
  logicalName,
  attributeType,
  maxLength: null,
  targets: [],
  options: null,
  choices: [],
  navigation: [],
  ...extra,
});

const contact: TableDefinition = {
  logicalName: "contact",
  entitySetName: "contacts",
  primaryId: "contactid",
  primaryName: "fullname",
  columns: [
    col("lastname", "String"),
    col("preferredcontactmethodcode", "Picklist", { options: [1, 2], choices: [{ value: 1, label: "Any" }, { value: 2, label: "Email" }] }),
    col("parentcustomerid", "Customer", { targets: ["account", "contact"] }),
    col("ownerid", "Owner", { targets: ["systemuser", "team"] }),
    col("managerid", "Lookup", { targets: ["contact"] }),
  ],
};

describe("column pickers", () => {
  it("binds a single-table lookup by its column and a polymorphic one by <column>_<target>", () => {
    expect(navigationProperty(contact.columns[4], "contact")).toBe("managerid");
    expect(navigationProperty(contact.columns[2], "account")).toBe("parentcustomerid_account");
    expect(navigationProperty(contact.columns[3], "team")).toBe("ownerid");
  });

  it("uses the environment's navigation property when it names one", () => {
    const project = col("cr1_project", "Lookup", { targets: ["cr1_project"], navigation: [{ target: "cr1_project", property: "cr1_Project" }] });
    const task: TableDefinition = { ...contact, columns: [project] };
    expect(navigationProperty(project, "cr1_project")).toBe("cr1_Project");
    expect(addableColumns(task, []).map((c) => c.key)).toEqual(["item/cr1_Project@odata.bind"]);
    expect(columnOfItem(task, "item/cr1_Project@odata.bind")).toEqual({ column: project, bind: true, targets: ["cr1_project"] });
  });

  it("finds the column an item parameter sets, and the tables a binding may name", () => {
    expect(columnOfItem(contact, "item/lastname")).toEqual({ column: contact.columns[0], bind: false });
    expect(columnOfItem(contact, "item/parentcustomerid_account@odata.bind")).toEqual({ column: contact.columns[2], bind: true, targets: ["account"] });
    expect(columnOfItem(contact, "item/ownerid@odata.bind")).toEqual({ column: contact.columns[3], bind: true, targets: ["systemuser", "team"] });
    expect(columnOfItem(contact, "item/managerid@odata.bind")).toEqual({ column: contact.columns[4], bind: true, targets: ["contact"] });
    expect(columnOfItem(contact, "item/parentcustomerid_lead@odata.bind")).toBeNull();
    expect(columnOfItem(contact, "entityName")).toBeNull();
  });

  it("offers lookups as bindings, one per table when they point at several", () => {
    const offered = addableColumns(contact, ["item/lastname", "item/parentcustomerid_contact@odata.bind"]).map((c) => c.key);
    expect(offered).toEqual([
      "item/preferredcontactmethodcode",
      "item/parentcustomerid_account@odata.bind",
      "item/ownerid@odata.bind",
      "item/managerid@odata.bind",
    ]);
    expect(addableColumns(contact, [])[1].label).toBe("preferredcontactmethodcode · Choice");
  });

  it("labels choices, falling back to the values alone", () => {
    expect(choiceOptions(contact.columns[1])).toEqual([{ value: 1, label: "Any" }, { value: 2, label: "Email" }]);
    expect(choiceOptions(col("x", "Picklist", { options: [7] }))).toEqual([{ value: 7, label: "7" }]);
  });

  it("adds the labels read for a table whose list left them out", () => {
    const bare: TableDefinition = { ...contact, columns: [col("lastname", "String"), col("statuscode", "Status"), col("preferredcontactmethodcode", "Picklist", { options: [1] })] };
    expect(needsChoiceLabels(bare)).toBe(true);
    expect(isChoice(bare.columns[1])).toBe(false);
    const read = withChoiceLabels(bare, [
      { column: "statuscode", choices: [{ value: 1, label: "Active" }, { value: 2, label: "Inactive" }] },
      { column: "preferredcontactmethodcode", choices: [{ value: 1, label: "Any" }] },
    ]);
    expect(needsChoiceLabels(read)).toBe(false);
    expect(isChoice(read.columns[1])).toBe(true);
    expect(choiceOptions(read.columns[1])).toEqual([{ value: 1, label: "Active" }, { value: 2, label: "Inactive" }]);
    expect(read.columns[1].options).toEqual([1, 2]);
    expect(read.columns[2].options).toEqual([1]);
    expect(read.columns[0]).toBe(bare.columns[0]);
    expect(needsChoiceLabels(contact)).toBe(false);
  });

  it("reads a binding's entity set and id", () => {
    expect(parseBinding("contacts(00000000-0000-0000-0000-000000000001)")).toEqual({ set: "contacts", id: "00000000-0000-0000-0000-000000000001" });
    expect(parseBinding("/systemusers(abc)")).toEqual({ set: "systemusers", id: "abc" });
    expect(parseBinding("contacts(@{triggerOutputs()?['body/contactid']})")).toBeNull();
    expect(parseBinding(7)).toBeNull();
  });
});
