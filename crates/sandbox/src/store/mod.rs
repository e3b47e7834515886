//! The sandbox's store: one SQLite database in WAL mode with synchronous=FULL, so a write the
//! API has acknowledged survives a crash or power loss.
//!
//! One connection behind a mutex serialises the writes; every write is one IMMEDIATE
//! transaction, so a request either fully happens or not at all. Reads go to a few read-only
//! connections: WAL lets them run beside each other and beside the writer, each seeing only
//! committed data.

pub mod rows;
mod schema;
mod seed;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::metadata::Metadata;
use crate::scenario::Scenario;

/// Bumped when the layout of the store changes; a store of another version is re-seeded.
/// 2: the audit table and its counter. 3: rows shared through GrantAccess.
const STORE_FORMAT: &str = "3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the sandbox store {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("the sandbox store {path} failed: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("the sandbox store {path} could not be seeded from the scenario: {message}")]
    Seed { path: PathBuf, message: String },
    #[error(
        "the sandbox store {path} was seeded from a different scenario; reset the sandbox to start over from this one"
    )]
    ScenarioMismatch { path: PathBuf },
}

/// Read-only connections: enough for concurrent requests to overlap on a few cores.
const READERS: usize = 4;

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

impl Store {
    /// Opens (creating and seeding on first use) the store at `path`; with `reseed`, restores
    /// the scenario whatever the store held.
    pub fn open(path: &Path, scenario: &Scenario, metadata: &Metadata, reseed: bool) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        let mut store = Store { path: path.to_path_buf(), conn: Mutex::new(conn), readers: Vec::new(), next_reader: AtomicUsize::new(0) };
        store.configure()?;
        if reseed {
            store.reseed(scenario, metadata)?;
        } else {
            match store.seeded_scenario()? {
                None => store.reseed(scenario, metadata)?,
                Some((format, text)) if format == STORE_FORMAT && text == canonical(scenario) => {}
                Some((format, _)) if format != STORE_FORMAT => store.reseed(scenario, metadata)?,
                Some(_) => return Err(StoreError::ScenarioMismatch { path: path.to_path_buf() }),
            }
        }
        // Opened once the database is in WAL mode and seeded.
        store.readers = (0..READERS).map(|_| store.open_reader().map(Mutex::new)).collect::<Result<_, _>>()?;
        Ok(store)
    }

    fn open_reader(&self) -> Result<Connection, StoreError> {
        let open = |source| StoreError::Open { path: self.path.clone(), source };
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(open)?;
        Ok(conn)
    }

    fn configure(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        let sqlite = |source| StoreError::Sqlite { path: self.path.clone(), source };
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(sqlite)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Seed {
                path: self.path.clone(),
                message: format!("SQLite refused WAL mode (got '{mode}')"),
            });
        }
        // FULL: the WAL is synced at every commit, so acknowledged writes survive power loss.
        conn.pragma_update(None, "synchronous", "FULL").map_err(sqlite)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(sqlite)?;
        Ok(())
    }

    fn seeded_scenario(&self) -> Result<Option<(String, String)>, StoreError> {
        let conn = self.lock();
        let sqlite = |source| StoreError::Sqlite { path: self.path.clone(), source };
        let has_meta: bool = conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sandbox_meta'", [], |_| Ok(()))
            .optional()
            .map_err(sqlite)?
            .is_some();
        if !has_meta {
            return Ok(None);
        }
        let get = |key: &str| -> Result<Option<String>, StoreError> {
            conn.query_row("SELECT value FROM _sandbox_meta WHERE key = ?1", [key], |row| row.get(0))
                .optional()
                .map_err(sqlite)
        };
        match (get("format")?, get("scenario")?) {
            (Some(format), Some(scenario)) => Ok(Some((format, scenario))),
            // A store whose seeding never finished: start over.
            _ => Ok(None),
        }
    }

    /// Drops everything and seeds from `scenario`, in one transaction: a reset either
    /// completes or leaves the previous data as it was.
    pub fn reseed(&self, scenario: &Scenario, metadata: &Metadata) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let path = self.path.clone();
        let sqlite = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sqlite)?;
        let tables: Vec<String> = tx
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .map_err(sqlite)?;
        for table in tables {
            tx.execute_batch(&format!("DROP TABLE {}", crate::metadata::quote_ident(&table))).map_err(sqlite)?;
        }
        schema::create(&tx, metadata).map_err(sqlite)?;
        seed::seed(&tx, scenario, metadata).map_err(|message| StoreError::Seed { path: path.clone(), message })?;
        tx.execute(
            "INSERT INTO _sandbox_meta (key, value) VALUES ('format', ?1), ('scenario', ?2)",
            [STORE_FORMAT, &canonical(scenario)],
        )
        .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(())
    }

    /// Runs `work` on a read-only connection: a free one, else the next in turn.
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> T) -> T {
        if self.readers.is_empty() {
            return work(&self.lock());
        }
        for reader in &self.readers {
            if let Ok(conn) = reader.try_lock() {
                return work(&conn);
            }
        }
        let turn = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        // A panic while reading leaves nothing half-done on a read-only connection.
        let conn = self.readers[turn].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&conn)
    }

    /// Runs `work` in an IMMEDIATE transaction, committed when it returns Ok.
    pub fn write<T, E>(&self, work: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let result = work(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock drops its transaction (rolled back), so the
        // connection is still sound; keep serving rather than poison every later request.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn canonical(scenario: &Scenario) -> String {
    // Serialising a parsed scenario cannot fail: it holds only strings, numbers and maps.
    serde_json::to_string(scenario).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_runs_in_wal_mode_with_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let scenario = Scenario::builtin();
        let metadata = Metadata::from_scenario(&scenario);
        let store = Store::open(&dir.path().join("s.db"), &scenario, &metadata, false).unwrap();
        store.read(|conn| {
            let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
            let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
            assert_eq!(mode, "wal");
            assert_eq!(synchronous, 2, "FULL");
        });
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let scenario = Scenario::builtin();
        let metadata = Metadata::from_scenario(&scenario);
        let store = Store::open(&dir.path().join("s.db"), &scenario, &metadata, false).unwrap();
        let count = |store: &Store| {
            store.read(|c| c.query_row("SELECT COUNT(*) FROM account", [], |r| r.get::<_, i64>(0)).unwrap())
        };
        let before = count(&store);
        let result: Result<(), rusqlite::Error> = store.write(|tx| {
            tx.execute("INSERT INTO account (accountid, versionnumber) VALUES ('x', 1)", [])?;
            tx.execute("INSERT INTO no_such_table VALUES (1)", [])?;
            Ok(())
        });
        assert!(result.is_err());
        assert_eq!(count(&store), before);
    }
}
