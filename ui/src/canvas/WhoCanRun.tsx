import type { Matrix } from "../bindings/Matrix";

/** `team:NAME` and `role:NAME` are stand-ins: a member holding only that team's roles, a holder of only that role. */
function subjectLabel(subject: string): { name: string; kind: string | null } {
  const match = /^(team|role):(.*)$/.exec(subject);
  return match ? { name: match[2], kind: match[1] === "team" ? "any member of this team" : "anyone with just this role" } : { name: subject, kind: null };
}

/** Users, teams and roles by Dataverse steps: who can run the flow, and the missing privilege in every red cell. */
export function WhoCanRun({ matrix, onClose }: { matrix: Matrix; onClose: () => void }) {
  const steps = matrix.users[0]?.cells.filter((c) => c.verdict !== "notDataverse").map((c) => c.action) ?? [];
  return (
    <section className="who-can-run" data-testid="who-can-run" aria-label="Who can run this flow">
      <header>
        <strong>Who can run this flow?</strong>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <table>
        <thead>
          <tr>
            <th>User</th>
            {steps.map((s) => (
              <th key={s}>{s.replace(/_/g, " ")}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.users.map((row) => (
            <tr key={row.user} data-testid="who-row" data-user={row.user}>
              <th scope="row">
                {subjectLabel(row.user).name}
                {subjectLabel(row.user).kind && <small className="who-can-run__kind"> {subjectLabel(row.user).kind}</small>}
              </th>
              {steps.map((step) => {
                const cell = row.cells.find((c) => c.action === step);
                if (!cell) return <td key={step} />;
                const missing = cell.missing[0] ?? cell.noAccess[0];
                const text =
                  cell.verdict === "allowed" ? "✓" : missing ? `✗ ${missing.privilege}` : cell.verdict === "unknown" ? "?" : "✗";
                return (
                  <td key={step} className={`verdict-${cell.verdict}`} data-step={step} title={[missing?.reason, ...cell.notes].filter(Boolean).join("\n")}>
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {matrix.owner.missing.length > 0 && (
        <p className="who-can-run__owner">
          The flow owner {matrix.owner.owner} lacks {matrix.owner.missing.map((m) => m.privilege).join(", ")}.
        </p>
      )}
    </section>
  );
}
