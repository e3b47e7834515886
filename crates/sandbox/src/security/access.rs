//! The row check (reference §2.4, step 2): ownership, or a grant whose depth reaches the row's
//! business unit. Reads do not fail on rows out of reach; they leave them out.

use crate::guid::Guid;
use crate::metadata::{quote_ident, TableMeta};
use rusqlite::OptionalExtension;

use crate::scenario::{Depth, Ownership, Right};
use crate::security::{BusinessUnitTree, Principal, PrincipalKind};
use crate::sql::SqlFragment;

/// What the row check needs to know about a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowSecurity {
    pub id: Guid,
    pub owner: Option<(Guid, PrincipalKind)>,
    pub business_unit: Option<Guid>,
}

/// Whether `principal`'s grants of `privilege` reach `row`. The privilege check comes first,
/// so a principal without any grant never gets here in practice.
pub fn has_row_access(principal: &Principal, tree: &BusinessUnitTree, privilege: &str, row: &RowSecurity) -> bool {
    let grants = principal.privileges.grants(privilege);
    if grants.is_empty() {
        return false;
    }
    // An organization-owned row (the audit table's too) has neither owner nor business unit:
    // holding the privilege reaches it.
    if row.owner.is_none() && row.business_unit.is_none() {
        return true;
    }
    // Owned by the user or one of the user's teams: any depth suffices.
    if row.owner.is_some_and(|(owner, _)| principal.owns(owner)) {
        return true;
    }
    grants.iter().any(|grant| match (grant.depth, row.business_unit) {
        (Depth::Global, _) => true,
        (_, None) => false,
        (Depth::Basic, _) => false,
        (Depth::Local, Some(unit)) => unit == grant.business_unit,
        (Depth::Deep, Some(unit)) => tree.is_within(unit, grant.business_unit),
    })
}

/// Which rows of a table a principal's grants of a privilege reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    All,
    Only { owners: Vec<Guid>, business_units: Vec<Guid> },
}

pub fn read_scope(principal: &Principal, tree: &BusinessUnitTree, privilege: &str) -> ReadScope {
    let grants = principal.privileges.grants(privilege);
    if grants.iter().any(|g| g.depth == Depth::Global) {
        return ReadScope::All;
    }
    let mut business_units = Vec::new();
    for grant in grants {
        let reached = match grant.depth {
            Depth::Local => vec![grant.business_unit],
            Depth::Deep => tree.unit_and_descendants(grant.business_unit),
            Depth::Basic | Depth::Global => Vec::new(),
        };
        for unit in reached {
            if !business_units.contains(&unit) {
                business_units.push(unit);
            }
        }
    }
    let mut owners = vec![principal.id];
    owners.extend(principal.teams.iter().copied());
    ReadScope::Only { owners, business_units }
}

impl ReadScope {
    /// The WHERE condition for this scope on `table`; None when every row is in reach.
    pub fn to_sql(&self, table: &TableMeta) -> Option<SqlFragment> {
        let ReadScope::Only { owners, business_units } = self else { return None };
        if table.ownership == Ownership::Organization {
            // Organization-owned rows belong to no one: any grant reaches them all.
            return None;
        }
        let mut reach = Vec::new();
        if table.ownership == Ownership::User {
            reach.push(SqlFragment::in_list(&quote_ident("ownerid"), owners.iter().map(Guid::to_string)));
        }
        if table.ownership != Ownership::Organization && !business_units.is_empty() {
            reach.push(SqlFragment::in_list(
                &quote_ident("owningbusinessunit"),
                business_units.iter().map(Guid::to_string),
            ));
        }
        // Rows shared with the principal or one of its teams (GrantAccess) with read access.
        reach.push(SqlFragment::new(
            format!(
                "{} IN (SELECT objectid FROM _sandbox_share WHERE principalid IN ({}) AND (mask & {}) != 0)",
                quote_ident(&table.primary_id),
                vec!["?"; owners.len()].join(", "),
                Right::Read.access_mask()
            ),
            owners.iter().map(|o| rusqlite::types::Value::Text(o.to_string())).collect(),
        ));
        Some(SqlFragment::any(reach))
    }
}

/// The access rights the row is shared with `principal` (or its teams) through GrantAccess.
pub fn shared_access(conn: &rusqlite::Connection, principal: &Principal, row: Guid) -> rusqlite::Result<u32> {
    let mut statement = conn.prepare_cached("SELECT mask FROM _sandbox_share WHERE objectid = ?1 AND principalid = ?2")?;
    let mut mask = 0u32;
    for id in std::iter::once(&principal.id).chain(&principal.teams) {
        if let Some(m) = statement.query_row([row.to_string(), id.to_string()], |r| r.get::<_, i64>(0)).optional()? {
            mask |= m as u32;
        }
    }
    Ok(mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::principal::PrivilegeSet;

    fn principal_with(depth: Option<Depth>, unit: Guid) -> Principal {
        let mut privileges = PrivilegeSet::default();
        if let Some(depth) = depth {
            privileges = privileges_with("prvReadContact", depth, unit);
        }
        Principal {
            kind: PrincipalKind::User,
            id: Guid::new_random(),
            business_unit: unit,
            teams: vec![],
            privileges,
            role_count: 1,
        }
    }

    fn privileges_with(name: &str, depth: Depth, unit: Guid) -> PrivilegeSet {
        // Built through the same path the store uses, via a tiny in-memory database.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE systemuser (systemuserid TEXT, businessunitid TEXT, azureactivedirectoryobjectid TEXT);
             CREATE TABLE team (teamid TEXT, businessunitid TEXT);
             CREATE TABLE _sandbox_userrole (systemuserid TEXT, roleid TEXT);
             CREATE TABLE _sandbox_teamrole (teamid TEXT, roleid TEXT);
             CREATE TABLE _sandbox_teammember (teamid TEXT, systemuserid TEXT);
             CREATE TABLE _sandbox_roleprivilege (roleid TEXT, privilegeid TEXT, depth INTEGER);
             CREATE TABLE _sandbox_privilege (privilegeid TEXT, name TEXT);",
        )
        .unwrap();
        let user = Guid::new_random().to_string();
        conn.execute("INSERT INTO systemuser VALUES (?1, ?2, NULL)", [&user, &unit.to_string()]).unwrap();
        conn.execute("INSERT INTO _sandbox_userrole VALUES (?1, 'r')", [&user]).unwrap();
        conn.execute("INSERT INTO _sandbox_privilege VALUES ('p', ?1)", [name]).unwrap();
        conn.execute("INSERT INTO _sandbox_roleprivilege VALUES ('r', 'p', ?1)", [depth.mask()]).unwrap();
        Principal::load_user_by_id(&conn, Guid::parse(&user).unwrap()).unwrap().unwrap().privileges
    }

    #[test]
    fn depth_decides_which_business_units_are_reached() {
        let root = Guid::new_random();
        let sales = Guid::new_random();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE businessunit (businessunitid TEXT, parentbusinessunitid TEXT)").unwrap();
        conn.execute("INSERT INTO businessunit VALUES (?1, NULL), (?2, ?1)", [root.to_string(), sales.to_string()])
            .unwrap();
        let tree = BusinessUnitTree::load(&conn).unwrap();
        let row_in_sales = RowSecurity {
            id: Guid::new_random(),
            owner: Some((Guid::new_random(), PrincipalKind::User)),
            business_unit: Some(sales),
        };
        let expectations = [
            (Some(Depth::Basic), false),
            (Some(Depth::Local), false),
            (Some(Depth::Deep), true),
            (Some(Depth::Global), true),
            (None, false),
        ];
        for (depth, expected) in expectations {
            let principal = principal_with(depth, root);
            assert_eq!(has_row_access(&principal, &tree, "prvReadContact", &row_in_sales), expected, "{depth:?}");
        }
        let local_in_sales = principal_with(Some(Depth::Local), sales);
        assert!(has_row_access(&local_in_sales, &tree, "prvReadContact", &row_in_sales));
    }

    #[test]
    fn own_rows_are_reached_at_basic_depth() {
        let unit = Guid::new_random();
        let principal = principal_with(Some(Depth::Basic), unit);
        let row = RowSecurity {
            id: Guid::new_random(),
            owner: Some((principal.id, PrincipalKind::User)),
            business_unit: Some(Guid::new_random()),
        };
        assert!(has_row_access(&principal, &BusinessUnitTree::default(), "prvReadContact", &row));
    }
}
