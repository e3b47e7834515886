//! Entry paths are checked before anything is read or written, so that a hostile package can
//! never name a file outside its own folder, on any operating system.

use std::collections::HashSet;

use super::SolutionError;

/// Checks one `/`-separated relative entry path. A trailing `/` marks a directory entry.
pub(crate) fn check_entry_path(path: &str) -> Result<(), SolutionError> {
    let refuse = |reason: &str| Err(SolutionError::unsafe_path(path, reason));
    if path.is_empty() || path == "/" {
        return refuse("the path is empty");
    }
    if path.starts_with('/') {
        return refuse("the path is absolute");
    }
    if path.contains('\\') {
        return refuse("the path contains a backslash");
    }
    // `C:` drive letters, and NTFS alternate data streams (`file:stream`).
    if path.contains(':') {
        return refuse("the path contains a colon (drive letter or stream name)");
    }
    if path.chars().any(char::is_control) {
        return refuse("the path contains a control character");
    }
    let body = path.strip_suffix('/').unwrap_or(path);
    for segment in body.split('/') {
        match segment {
            "" => return refuse("the path has an empty segment (`//`)"),
            "." => return refuse("the path has a `.` segment"),
            ".." => return refuse("the path has a `..` segment and could leave the package"),
            _ => {}
        }
        // Windows drops trailing dots and spaces, so `a.` and `a` would be the same file.
        if segment.ends_with('.') || segment.ends_with(' ') {
            return refuse("a path segment ends with a dot or a space");
        }
    }
    Ok(())
}

/// Refuses two entries whose paths differ only by case: they would be one file on Windows and macOS.
pub(crate) fn check_unique_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> Result<(), SolutionError> {
    let mut seen = HashSet::new();
    for path in paths {
        if !seen.insert(path.trim_end_matches('/').to_lowercase()) {
            return Err(SolutionError::unsafe_path(path, "another entry has the same path (ignoring case)"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_pass() {
        for path in ["solution.xml", "Workflows/A-1.json", "CanvasApps/x_DocumentUri.msapp", "Entities/", "[Content_Types].xml"] {
            check_entry_path(path).unwrap();
        }
    }

    #[test]
    fn escaping_paths_are_refused() {
        for path in ["", "/etc/passwd", "../evil", "a/../../evil", "a\\b", "C:/x", "c:x", "a//b", "./a", "a/./b", "x.\u{0}", "a./b"] {
            let err = check_entry_path(path).unwrap_err();
            assert_eq!(err.code(), "solution.unsafe_path", "{path:?}");
        }
    }

    #[test]
    fn case_only_duplicates_are_refused() {
        assert!(check_unique_paths(["a.json", "b.json"]).is_ok());
        let err = check_unique_paths(["Workflows/a.json", "workflows/A.json"]).unwrap_err();
        assert!(err.to_string().contains("workflows/A.json"), "{err}");
    }
}
