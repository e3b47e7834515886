//! The solution .zip: its entries in, its entries out. Reading checks every path and counts
//! every byte as it inflates (limits.rs), so a hostile zip stops early and never panics.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::entry_path::{check_entry_path, check_unique_paths};
use super::limits::{ReadBudget, ReadLimits};
use super::{SolutionEntry, SolutionError};

pub(crate) fn read_entries(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<SolutionEntry>, SolutionError> {
    let mut budget = ReadBudget::new(limits);
    // A compressed file bigger than everything it may inflate to cannot be within the limits.
    let max_input = limits.max_total_bytes.saturating_add(limits.max_total_bytes / 8).saturating_add(1 << 20);
    if bytes.len() as u64 > max_input {
        return Err(SolutionError::TooLarge {
            what: format!("the zip file is {} bytes", bytes.len()),
            limit: format!("{max_input} bytes"),
        });
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SolutionError::zip(None, format!("{e} (is the file complete, and a .zip?)")))?;
    budget.check_entry_count(archive.len())?;
    if archive.has_duplicate_names() {
        return Err(SolutionError::zip(None, "two entries have the same name"));
    }
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| SolutionError::zip(None, format!("entry #{index}: {e}")))?;
        let path = file.name().map_err(|e| SolutionError::zip(None, format!("entry #{index} has an unreadable name: {e}")))?.into_owned();
        check_entry_path(&path)?;
        if file.is_symlink() {
            return Err(SolutionError::unsafe_path(&path, "the entry is a symbolic link"));
        }
        if file.encrypted() {
            return Err(SolutionError::zip(Some(&path), "the entry is encrypted"));
        }
        if file.is_dir() {
            entries.push(SolutionEntry::from_zip(directory_path(&path), Vec::new(), file.last_modified()));
            continue;
        }
        let (compressed, declared) = (file.compressed_size(), file.size());
        let modified = file.last_modified();
        let bytes = budget.read_entry(&path, &mut file, Some(compressed), declared)?;
        entries.push(SolutionEntry::from_zip(path, bytes, modified));
    }
    check_unique_paths(entries.iter().map(|e| e.path.as_str()))?;
    Ok(entries)
}

/// Deflates every entry, in order. Entries read from a zip keep their timestamps; new ones
/// get the zip epoch (1980-01-01), so the same solution always gives the same bytes.
pub(crate) fn write_entries(entries: &[SolutionEntry]) -> Result<Vec<u8>, SolutionError> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let write_error = |path: &str, e: &dyn std::fmt::Display| SolutionError::zip(Some(path), format!("cannot write it: {e}"));
    for entry in entries {
        check_entry_path(&entry.path)?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(entry.modified.unwrap_or(DateTime::DEFAULT));
        if entry.is_directory() {
            writer.add_directory(entry.path.as_str(), options).map_err(|e| write_error(&entry.path, &e))?;
            continue;
        }
        writer.start_file(entry.path.as_str(), options).map_err(|e| write_error(&entry.path, &e))?;
        writer.write_all(&entry.bytes).map_err(|e| write_error(&entry.path, &e))?;
    }
    let cursor = writer.finish().map_err(|e| SolutionError::zip(None, format!("cannot finish the zip: {e}")))?;
    Ok(cursor.into_inner())
}

fn directory_path(path: &str) -> String {
    if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    }
}
