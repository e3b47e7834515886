//! A solution as a folder of files. Reading never follows links; writing fills a temporary
//! sibling folder and renames it into place, so the target is never left half-written.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::entry_path::{check_entry_path, check_unique_paths};
use super::limits::{ReadBudget, ReadLimits};
use super::{SolutionEntry, SolutionError};

/// What to do when the target folder exists and is not empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExistingFolder {
    Refuse,
    Replace,
}

pub(crate) fn read_entries(root: &Path, limits: &ReadLimits) -> Result<Vec<SolutionEntry>, SolutionError> {
    let metadata = fs::metadata(root).map_err(|e| SolutionError::io(root, e))?;
    if !metadata.is_dir() {
        return Err(SolutionError::io(root, std::io::Error::new(ErrorKind::NotADirectory, "not a folder")));
    }
    let mut budget = ReadBudget::new(limits);
    let mut paths = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        for item in fs::read_dir(&dir).map_err(|e| SolutionError::io(&dir, e))? {
            let item = item.map_err(|e| SolutionError::io(&dir, e))?;
            let name = item.file_name();
            let Some(name) = name.to_str() else {
                let shown = format!("{prefix}{}", name.to_string_lossy());
                return Err(SolutionError::unsafe_path(&shown, "the file name is not UTF-8"));
            };
            let relative = format!("{prefix}{name}");
            let kind = item.file_type().map_err(|e| SolutionError::io(item.path(), e))?;
            if kind.is_symlink() {
                return Err(SolutionError::unsafe_path(&relative, "the file is a symbolic link"));
            } else if kind.is_dir() {
                pending.push((item.path(), format!("{relative}/")));
            } else if kind.is_file() {
                check_entry_path(&relative)?;
                paths.push(relative);
                budget.check_entry_count(paths.len())?;
            } else {
                return Err(SolutionError::unsafe_path(&relative, "not a regular file (a device, socket or pipe)"));
            }
        }
    }
    paths.sort();
    check_unique_paths(paths.iter().map(String::as_str))?;
    let mut entries = Vec::with_capacity(paths.len());
    for relative in paths {
        let full = root.join(&relative);
        let mut file = fs::File::open(&full).map_err(|e| SolutionError::io(&full, e))?;
        let size = file.metadata().map_err(|e| SolutionError::io(&full, e))?.len();
        let bytes = budget.read_entry(&relative, &mut file, None, size).map_err(|e| match e {
            SolutionError::Zip { detail, .. } => SolutionError::io(&full, std::io::Error::other(detail)),
            other => other,
        })?;
        entries.push(SolutionEntry::new(relative, bytes));
    }
    Ok(entries)
}

pub(crate) fn write_entries(entries: &[SolutionEntry], target: &Path, existing: ExistingFolder) -> Result<(), SolutionError> {
    for entry in entries {
        check_entry_path(&entry.path)?;
    }
    check_unique_paths(entries.iter().map(|e| e.path.as_str()))?;
    let name = target.file_name().ok_or_else(|| SolutionError::Invalid {
        what: format!("{} does not name a folder to write into", target.display()),
    })?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let state = target_state(target)?;
    if state == TargetState::NotEmpty && existing == ExistingFolder::Refuse {
        return Err(SolutionError::TargetExists { path: target.to_path_buf(), detail: "the folder is not empty".into() });
    }
    fs::create_dir_all(&parent).map_err(|e| SolutionError::io(&parent, e))?;
    let staging = unique_sibling(&parent, name, "new")?;
    if let Err(e) = fill(&staging, entries) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let placed = match state {
        TargetState::Absent => fs::rename(&staging, target).map_err(|e| SolutionError::io(target, e)),
        TargetState::Empty => fs::remove_dir(target)
            .and_then(|()| fs::rename(&staging, target))
            .map_err(|e| SolutionError::io(target, e)),
        TargetState::NotEmpty => replace(&parent, name, &staging, target),
    };
    if placed.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    placed
}

#[derive(Debug, PartialEq, Eq)]
enum TargetState {
    Absent,
    Empty,
    NotEmpty,
}

fn target_state(target: &Path) -> Result<TargetState, SolutionError> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(TargetState::Absent),
        Err(e) => Err(SolutionError::io(target, e)),
        Ok(m) if m.is_dir() => {
            let mut items = fs::read_dir(target).map_err(|e| SolutionError::io(target, e))?;
            Ok(if items.next().is_none() { TargetState::Empty } else { TargetState::NotEmpty })
        }
        Ok(m) if m.file_type().is_symlink() => {
            Err(SolutionError::TargetExists { path: target.to_path_buf(), detail: "it is a symbolic link, not a folder".into() })
        }
        Ok(_) => Err(SolutionError::TargetExists { path: target.to_path_buf(), detail: "it is a file, not a folder".into() }),
    }
}

/// Swaps the old folder out and the new one in; puts the old one back if the swap fails.
fn replace(parent: &Path, name: &std::ffi::OsStr, staging: &Path, target: &Path) -> Result<(), SolutionError> {
    let old = unique_sibling(parent, name, "old")?;
    fs::remove_dir(&old).map_err(|e| SolutionError::io(&old, e))?;
    fs::rename(target, &old).map_err(|e| SolutionError::io(target, e))?;
    if let Err(e) = fs::rename(staging, target) {
        let _ = fs::rename(&old, target);
        return Err(SolutionError::io(target, e));
    }
    // The new folder is in place; an old copy that will not go away is only clutter.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

fn fill(staging: &Path, entries: &[SolutionEntry]) -> Result<(), SolutionError> {
    for entry in entries {
        let full = entry.path.trim_end_matches('/').split('/').fold(staging.to_path_buf(), |p, segment| p.join(segment));
        if entry.is_directory() {
            fs::create_dir_all(&full).map_err(|e| SolutionError::io(&full, e))?;
            continue;
        }
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir).map_err(|e| SolutionError::io(dir, e))?;
        }
        let mut file = fs::File::create_new(&full).map_err(|e| SolutionError::io(&full, e))?;
        file.write_all(&entry.bytes).map_err(|e| SolutionError::io(&full, e))?;
    }
    Ok(())
}

/// Makes a new empty hidden folder next to the target: `.<name>.<purpose>-<pid>-<n>`.
fn unique_sibling(parent: &Path, name: &std::ffi::OsStr, purpose: &str) -> Result<PathBuf, SolutionError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let candidate = parent.join(format!(".{}.{purpose}-{}-{n}", name.to_string_lossy(), std::process::id()));
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(SolutionError::io(&candidate, e)),
        }
    }
}
