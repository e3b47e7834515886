//! The needs evaluated for chosen users: a matrix of users by steps, each cell saying whether
//! the step will be allowed and, when not, which privilege is missing and for whom.

use std::collections::BTreeMap;

use flowbench_sandbox::{Depth, PrivilegeGrant, Scenario};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::identity::StepIdentity;
use crate::needs::{DepthNeed, Holder, Need, StepNeeds};

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Every privilege is held (the privilege check passes; see the cell's notes for depth).
    Allowed,
    /// A privilege is missing: the step fails with 0x80040220 (or 0x8004A110 for delegation).
    Missing,
    /// Every privilege is held, but not at a depth that reaches the row's known owner: the step
    /// fails the row check (0x80048306, SecLib::AccessCheckEx).
    NoRowAccess,
    /// Not a Dataverse step: nothing to check.
    NotDataverse,
    /// The preflight cannot tell (unknown operation or table, unresolved identity).
    Unknown,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MissingPrivilege {
    pub privilege: String,
    /// The persona lacking it.
    pub principal: String,
    pub reason: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub action: String,
    pub verdict: Verdict,
    /// The persona the step acts as for this user.
    pub runs_as: Option<String>,
    /// The connection owner impersonating `runs_as`, if any.
    pub caller: Option<String>,
    /// In the order the service checks them; the first is the one the error will name.
    pub missing: Vec<MissingPrivilege>,
    /// Privileges held too shallow for the row's known owner.
    pub no_access: Vec<MissingPrivilege>,
    /// Depth warnings and why a verdict is unknown.
    pub notes: Vec<String>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    pub user: String,
    pub cells: Vec<Cell>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OwnerCheck {
    pub owner: String,
    pub needs: Vec<Need>,
    pub missing: Vec<MissingPrivilege>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Matrix {
    pub flow: Option<String>,
    pub steps: Vec<StepNeeds>,
    pub owner: OwnerCheck,
    pub users: Vec<UserRow>,
}

impl Matrix {
    pub fn cell(&self, user: &str, action: &str) -> Option<&Cell> {
        self.users.iter().find(|r| r.user == user)?.cells.iter().find(|c| c.action == action)
    }
}

/// Effective privileges of the personas involved, read once.
pub struct Privileges<'a> {
    scenario: &'a Scenario,
    cache: BTreeMap<String, BTreeMap<String, Vec<PrivilegeGrant>>>,
}

impl<'a> Privileges<'a> {
    pub fn new(scenario: &'a Scenario) -> Self {
        Privileges { scenario, cache: BTreeMap::new() }
    }

    fn grants(&mut self, persona: &str, privilege: &str) -> Vec<PrivilegeGrant> {
        let scenario = self.scenario;
        let held = self
            .cache
            .entry(persona.to_string())
            .or_insert_with(|| scenario.effective_privileges(persona).unwrap_or_default());
        held.get(privilege).cloned().unwrap_or_default()
    }

    /// `direct`: only the persona's own roles count (impersonation, reference §3 / the sandbox).
    fn holds(&mut self, persona: &str, privilege: &str, direct: bool) -> bool {
        self.grants(persona, privilege).iter().any(|g| !direct || g.team.is_none())
    }

    fn widest(&mut self, persona: &str, privilege: &str) -> Option<Depth> {
        self.grants(persona, privilege).iter().map(|g| g.depth).max()
    }

    /// Whether a grant reaches a row owned by the user `owner` (reference §2.4: own rows at any
    /// depth; Local the same business unit, Deep it and the units below, Global all).
    fn reaches(&mut self, persona: &str, privilege: &str, owner: &str) -> bool {
        if persona == owner {
            return true;
        }
        let Some(row_unit) = self.scenario.user(owner).map(|u| u.business_unit.clone()) else { return false };
        self.grants(persona, privilege).iter().any(|g| match g.depth {
            Depth::Global => true,
            Depth::Deep => self.is_within(&row_unit, &g.business_unit),
            Depth::Local => row_unit == g.business_unit,
            Depth::Basic => false,
        })
    }

    fn is_within(&self, unit: &str, ancestor: &str) -> bool {
        let mut current = unit;
        // Bounded by the number of units: the scenario check forbids cycles anyway.
        for _ in 0..=self.scenario.business_units.len() {
            if current == ancestor {
                return true;
            }
            match self.scenario.business_units.iter().find(|b| b.name == current).and_then(|b| b.parent.as_deref()) {
                Some(parent) => current = parent,
                None => return false,
            }
        }
        false
    }
}

/// `steps`: every step of the flow, to find who created a row a later step works on.
pub fn evaluate_cell(step: &StepNeeds, steps: &[StepNeeds], user: &str, flow_owner: &str, privileges: &mut Privileges) -> Cell {
    let mut cell = Cell {
        action: step.action.clone(),
        verdict: Verdict::NotDataverse,
        runs_as: None,
        caller: None,
        missing: Vec::new(),
        no_access: Vec::new(),
        notes: Vec::new(),
    };
    let Some(identity) = &step.identity else { return cell };
    let Some(acting) = identity.acting(user, flow_owner) else {
        cell.verdict = Verdict::Unknown;
        if let StepIdentity::Unresolved { reason } = identity {
            cell.notes.push(reason.clone());
        }
        return cell;
    };
    cell.runs_as = Some(acting.user.clone());
    cell.caller = acting.caller.clone();
    for need in &step.needs {
        // Under impersonation each check must pass for both users (the intersection).
        let principals: Vec<(&str, bool)> = match need.holder {
            Holder::EffectiveUser => std::iter::once((acting.user.as_str(), false))
                .chain(acting.caller.as_deref().filter(|c| *c != acting.user).map(|c| (c, false)))
                .collect(),
            Holder::ConnectionOwner => acting.caller.as_deref().map(|c| (c, true)).into_iter().collect(),
            Holder::FlowOwner => vec![(flow_owner, false)],
        };
        for (principal, direct) in principals {
            if !privileges.holds(principal, &need.privilege, direct) {
                cell.missing.push(MissingPrivilege {
                    privilege: need.privilege.clone(),
                    principal: principal.to_string(),
                    reason: need.reason.clone(),
                });
            } else if let Some(owner) = row_owner(need, steps, user, flow_owner) {
                if !privileges.reaches(principal, &need.privilege, &owner) {
                    cell.no_access.push(MissingPrivilege {
                        privilege: need.privilege.clone(),
                        principal: principal.to_string(),
                        reason: format!("{}: the row belongs to {owner}, out of reach of {principal}'s depth", need.reason),
                    });
                }
            } else if need.depth == DepthNeed::Unknown && privileges.widest(principal, &need.privilege) == Some(Depth::Basic) {
                cell.notes.push(format!(
                    "{principal} holds {} only at Basic depth: enough only if the row is {principal}'s own",
                    need.privilege
                ));
            }
        }
    }
    cell.verdict = if !cell.missing.is_empty() {
        Verdict::Missing
    } else if !cell.no_access.is_empty() {
        Verdict::NoRowAccess
    } else if let Some(reason) = &step.unknown {
        cell.notes.push(reason.clone());
        Verdict::Unknown
    } else {
        Verdict::Allowed
    };
    cell
}

/// The owner of the row a need works on, when an earlier step created it as a known user.
fn row_owner(need: &Need, steps: &[StepNeeds], user: &str, flow_owner: &str) -> Option<String> {
    if need.depth != DepthNeed::CreatorsRow {
        return None;
    }
    let creator = steps.iter().find(|s| Some(&s.action) == need.row_created_by.as_ref())?;
    Some(creator.identity.as_ref()?.acting(user, flow_owner)?.user)
}

pub fn evaluate_owner(owner: &str, needs: Vec<Need>, privileges: &mut Privileges) -> OwnerCheck {
    let missing = needs
        .iter()
        .filter(|n| !privileges.holds(owner, &n.privilege, false))
        .map(|n| MissingPrivilege { privilege: n.privilege.clone(), principal: owner.to_string(), reason: n.reason.clone() })
        .collect();
    OwnerCheck { owner: owner.to_string(), needs, missing }
}
