//! AddMembersTeam and RemoveMembersTeam, bound to a team: membership decides which team roles a
//! user holds, so the next request of a new member already has them.

use rusqlite::{params, Connection};

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::Metadata;
use crate::scenario::Right;
use crate::security::Caller;
use crate::store::rows;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    Add,
    Remove,
}

pub fn change_team_members(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    team_id: Guid,
    members: &[Guid],
    change: MembershipChange,
) -> Result<(), ApiError> {
    let teams = metadata.by_logical_name("team").ok_or_else(|| ApiError::unexpected("the scenario declares no team table"))?;
    let users =
        metadata.by_logical_name("systemuser").ok_or_else(|| ApiError::unexpected("the scenario declares no systemuser table"))?;
    // Changing who is in a team writes the team.
    caller.require_privilege(conn, teams, Right::Write)?;
    let team = rows::load(conn, teams, team_id)?.ok_or_else(|| ApiError::not_found("team", team_id))?;
    caller.require_row_access(conn, teams, Right::Write, &team.security(teams))?;
    for &member in members {
        if !rows::exists(conn, users, member)? {
            return Err(ApiError::not_found("systemuser", member));
        }
        let sql = match change {
            MembershipChange::Add => "INSERT OR IGNORE INTO _sandbox_teammember (teamid, systemuserid) VALUES (?1, ?2)",
            MembershipChange::Remove => "DELETE FROM _sandbox_teammember WHERE teamid = ?1 AND systemuserid = ?2",
        };
        conn.prepare_cached(sql)?.execute(params![team_id.to_string(), member.to_string()])?;
    }
    Ok(())
}
