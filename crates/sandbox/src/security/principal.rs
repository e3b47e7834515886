//! A principal (user or team) and the privileges it holds, read from the store per request so
//! that changes to users, teams and business units apply at once.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};

use crate::guid::Guid;
use crate::scenario::Depth;

/// One way a principal holds a privilege: at a depth, measured from a business unit (the
/// user's own for user roles, the team's for team roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub depth: Depth,
    pub business_unit: Guid,
}

#[derive(Debug, Clone, Default)]
pub struct PrivilegeSet {
    grants: HashMap<String, Vec<Grant>>,
    /// Held through the principal's own roles rather than a team's; impersonation requires it.
    direct: HashSet<String>,
}

impl PrivilegeSet {
    pub fn holds(&self, privilege: &str) -> bool {
        self.grants.contains_key(privilege)
    }

    pub fn holds_directly(&self, privilege: &str) -> bool {
        self.direct.contains(privilege)
    }

    pub fn grants(&self, privilege: &str) -> &[Grant] {
        self.grants.get(privilege).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every privilege held, by name, with its grants (one per business unit).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Grant])> {
        self.grants.iter().map(|(name, grants)| (name.as_str(), grants.as_slice()))
    }

    /// Distinct privileges held: the privilegeCount of Dataverse's error text.
    pub fn count(&self) -> usize {
        self.grants.len()
    }

    fn add(&mut self, privilege: String, grant: Grant, direct: bool) {
        if direct {
            self.direct.insert(privilege.clone());
        }
        let grants = self.grants.entry(privilege).or_default();
        // Per business unit only the widest depth matters.
        match grants.iter_mut().find(|g| g.business_unit == grant.business_unit) {
            Some(existing) => existing.depth = existing.depth.max(grant.depth),
            None => grants.push(grant),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    Team,
}

impl PrincipalKind {
    /// The object type code Dataverse's messages print as `type=`.
    pub fn type_code(self) -> i32 {
        match self {
            PrincipalKind::User => 8,
            PrincipalKind::Team => 9,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub id: Guid,
    pub business_unit: Guid,
    /// Users: the teams they are members of. Teams: none.
    pub teams: Vec<Guid>,
    pub privileges: PrivilegeSet,
    /// Roles held directly and through teams: the roleCount of Dataverse's error text.
    pub role_count: usize,
}

const GRANTS_OF_USER: &str = "SELECT p.name, rp.depth FROM _sandbox_userrole ur \
     JOIN _sandbox_roleprivilege rp ON rp.roleid = ur.roleid \
     JOIN _sandbox_privilege p ON p.privilegeid = rp.privilegeid WHERE ur.systemuserid = ?1";
const GRANTS_OF_TEAM: &str = "SELECT p.name, rp.depth FROM _sandbox_teamrole tr \
     JOIN _sandbox_roleprivilege rp ON rp.roleid = tr.roleid \
     JOIN _sandbox_privilege p ON p.privilegeid = rp.privilegeid WHERE tr.teamid = ?1";

impl Principal {
    pub fn load_user_by_id(conn: &Connection, id: Guid) -> rusqlite::Result<Option<Principal>> {
        Principal::load_user(conn, "systemuserid", id)
    }

    pub fn load_user_by_object_id(conn: &Connection, object_id: Guid) -> rusqlite::Result<Option<Principal>> {
        Principal::load_user(conn, "azureactivedirectoryobjectid", object_id)
    }

    fn load_user(conn: &Connection, key_column: &str, key: Guid) -> rusqlite::Result<Option<Principal>> {
        // key_column is one of two constants above, never request text.
        let sql = format!("SELECT systemuserid, businessunitid FROM systemuser WHERE {key_column} = ?1");
        let found = conn
            .prepare_cached(&sql)?
            .query_row(params![key.to_string()], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))
            .optional()?;
        let Some((id, business_unit)) = found else { return Ok(None) };
        let (Ok(id), Some(Ok(business_unit))) = (Guid::parse(&id), business_unit.as_deref().map(Guid::parse)) else {
            // A user without a business unit cannot be authorised for anything.
            return Ok(None);
        };
        let mut privileges = PrivilegeSet::default();
        let mut roles = HashSet::new();
        for (name, mask) in grants(conn, GRANTS_OF_USER, id)? {
            if let Some(depth) = Depth::from_mask(mask) {
                privileges.add(name, Grant { depth, business_unit }, true);
            }
        }
        roles.extend(role_ids(conn, "SELECT roleid FROM _sandbox_userrole WHERE systemuserid = ?1", id)?);
        let mut teams = Vec::new();
        let mut statement = conn.prepare_cached(
            "SELECT m.teamid, t.businessunitid FROM _sandbox_teammember m JOIN team t ON t.teamid = m.teamid WHERE m.systemuserid = ?1",
        )?;
        let memberships: Vec<(String, Option<String>)> = statement
            .query_map(params![id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (team, team_unit) in memberships {
            let (Ok(team), Some(Ok(team_unit))) = (Guid::parse(&team), team_unit.as_deref().map(Guid::parse)) else {
                continue;
            };
            teams.push(team);
            // Team roles measure depth from the team's business unit (reference §2.4).
            for (name, mask) in grants(conn, GRANTS_OF_TEAM, team)? {
                if let Some(depth) = Depth::from_mask(mask) {
                    privileges.add(name, Grant { depth, business_unit: team_unit }, false);
                }
            }
            roles.extend(role_ids(conn, "SELECT roleid FROM _sandbox_teamrole WHERE teamid = ?1", team)?);
        }
        Ok(Some(Principal { kind: PrincipalKind::User, id, business_unit, teams, privileges, role_count: roles.len() }))
    }

    /// A team as a principal: what it may own is decided by its own roles.
    pub fn load_team(conn: &Connection, id: Guid) -> rusqlite::Result<Option<Principal>> {
        let unit: Option<Option<String>> = conn
            .prepare_cached("SELECT businessunitid FROM team WHERE teamid = ?1")?
            .query_row(params![id.to_string()], |row| row.get(0))
            .optional()?;
        let Some(Some(Ok(business_unit))) = unit.map(|u| u.as_deref().map(Guid::parse)) else { return Ok(None) };
        let mut privileges = PrivilegeSet::default();
        for (name, mask) in grants(conn, GRANTS_OF_TEAM, id)? {
            if let Some(depth) = Depth::from_mask(mask) {
                privileges.add(name, Grant { depth, business_unit }, true);
            }
        }
        let role_count = role_ids(conn, "SELECT roleid FROM _sandbox_teamrole WHERE teamid = ?1", id)?.len();
        Ok(Some(Principal { kind: PrincipalKind::Team, id, business_unit, teams: Vec::new(), privileges, role_count }))
    }

    /// Whether a row owned by `owner` is this principal's own (itself or one of its teams).
    pub fn owns(&self, owner: Guid) -> bool {
        owner == self.id || self.teams.contains(&owner)
    }
}

fn grants(conn: &Connection, sql: &str, principal: Guid) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare_cached(sql)?.query_map(params![principal.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?.collect()
}

fn role_ids(conn: &Connection, sql: &str, principal: Guid) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?.query_map(params![principal.to_string()], |row| row.get(0))?.collect()
}

/// The id Dataverse prints for a privilege in its error text.
pub fn privilege_id(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT privilegeid FROM _sandbox_privilege WHERE name = ?1")?
        .query_row(params![name], |row| row.get(0))
        .optional()
}
