//! Run history, kept across restarts in SQLite (WAL) next to the sandbox's data.

use std::path::Path;
use std::sync::Mutex;

use flowbench_engine::RunRecord;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many runs of one flow are kept; older ones go first.
const KEEP_PER_FLOW: i64 = 200;

pub struct RunStore {
    conn: Mutex<Connection>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub persona: String,
    pub status: String,
    pub started_at: String,
}

impl RunStore {
    pub fn open(path: &Path) -> Result<RunStore, String> {
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS runs (
                 id INTEGER PRIMARY KEY,
                 flow_key TEXT NOT NULL,
                 persona TEXT NOT NULL,
                 status TEXT NOT NULL,
                 started_at TEXT,
                 record TEXT NOT NULL
             ) STRICT;
             CREATE INDEX IF NOT EXISTS runs_by_flow ON runs (flow_key, id);",
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(RunStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add(&self, flow_key: &str, persona: &str, record: &RunRecord) -> Result<i64, String> {
        let json = serde_json::to_string(record).map_err(|e| e.to_string())?;
        let status = serde_json::to_value(record.status).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let conn = self.conn();
        conn.execute(
            "INSERT INTO runs (flow_key, persona, status, started_at, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![flow_key, persona, status, record.start_time, json],
        )
        .map_err(|e| e.to_string())?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "DELETE FROM runs WHERE flow_key = ?1 AND id NOT IN (SELECT id FROM runs WHERE flow_key = ?1 ORDER BY id DESC LIMIT ?2)",
            params![flow_key, KEEP_PER_FLOW],
        )
        .map_err(|e| e.to_string())?;
        Ok(id)
    }

    /// Newest first.
    pub fn list(&self, flow_key: &str) -> Result<Vec<RunSummary>, String> {
        let conn = self.conn();
        let mut statement = conn
            .prepare("SELECT id, persona, status, started_at FROM runs WHERE flow_key = ?1 ORDER BY id DESC")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map(params![flow_key], |r| {
                Ok(RunSummary { id: r.get(0)?, persona: r.get(1)?, status: r.get(2)?, started_at: r.get(3)? })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    pub fn get(&self, id: i64) -> Result<Option<RunRecord>, String> {
        let conn = self.conn();
        let text: Option<String> = conn
            .query_row("SELECT record FROM runs WHERE id = ?1", params![id], |r| r.get(0))
            .map(Some)
            .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })
            .map_err(|e| e.to_string())?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| format!("run {id} is stored damaged: {e}"))).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_survive_reopening_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        let record: RunRecord = serde_json::from_value(serde_json::json!({
            "status": "Failed", "error": null, "startTime": "2026-11-26T06:00:00Z", "endTime": "2026-11-26T06:00:01Z", "steps": []
        }))
        .unwrap();
        let store = RunStore::open(&path).unwrap();
        let first = store.add("flow.json", "sam", &record).unwrap();
        let second = store.add("flow.json", "nora", &record).unwrap();
        store.add("other.json", "sam", &record).unwrap();
        drop(store);
        let store = RunStore::open(&path).unwrap();
        let listed: Vec<_> = store.list("flow.json").unwrap().into_iter().map(|r| (r.id, r.persona)).collect();
        assert_eq!(listed, [(second, "nora".to_string()), (first, "sam".to_string())]);
        assert_eq!(store.get(first).unwrap().unwrap().status, record.status);
        assert!(store.get(9999).unwrap().is_none());
    }
}
