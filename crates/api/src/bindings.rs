//! TypeScript bindings for the UI, generated from the command registry with ts-rs.
//! `npm run bindings` writes them to `ui/src/bindings/`; a test fails when the committed ones are stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, ExportError, TS};

use crate::{ApiError, Command};

pub trait CommandVisitor {
    fn visit<C: Command>(&mut self) -> Result<(), ExportError>;
}

/// Where the committed bindings live.
pub fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

fn config(dir: &Path) -> Config {
    // Every integer crossing the wire fits a JavaScript number; never emit bigint.
    Config::new().with_out_dir(dir).with_large_int("number")
}

struct Exporter {
    cfg: Config,
    /// name -> (request type, response type)
    entries: Vec<(&'static str, String, String)>,
    imports: BTreeMap<String, String>,
}

impl Exporter {
    fn import<T: TS + 'static + ?Sized>(&mut self) -> Result<String, ExportError> {
        if T::output_path().is_none() {
            // An inline type such as `Vec<X>`: export what it is made of, write it inline.
            let mut deps = DependencyExporter { exporter: self, error: None };
            T::visit_generics(&mut deps);
            if let Some(e) = deps.error {
                return Err(e);
            }
            return Ok(T::name(&self.cfg));
        }
        T::export_all(&self.cfg)?;
        let name = T::ident(&self.cfg);
        let path = T::output_path().ok_or(ExportError::CannotBeExported(std::any::type_name::<T>()))?;
        let module = format!("./{}", path.with_extension("").display());
        self.imports.insert(name.clone(), module);
        Ok(name)
    }
}

struct DependencyExporter<'a> {
    exporter: &'a mut Exporter,
    error: Option<ExportError>,
}

impl ts_rs::TypeVisitor for DependencyExporter<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if self.error.is_none() && T::output_path().is_some() {
            if let Err(e) = self.exporter.import::<T>() {
                self.error = Some(e);
            }
        }
    }
}

impl CommandVisitor for Exporter {
    fn visit<C: Command>(&mut self) -> Result<(), ExportError> {
        let request = self.import::<C::Request>()?;
        let response = self.import::<C::Response>()?;
        self.entries.push((C::NAME, request, response));
        Ok(())
    }
}

/// Writes every binding, and `commands.ts` mapping command names to their types, into `dir`.
pub fn write_all(dir: &Path) -> Result<(), ExportError> {
    std::fs::create_dir_all(dir)?;
    let mut exporter = Exporter { cfg: config(dir), entries: Vec::new(), imports: BTreeMap::new() };
    crate::registry::visit_commands(&mut exporter)?;
    exporter.import::<ApiError>()?;
    let mut out = String::from(
        "// Generated from crates/api/src/registry.rs by `npm run bindings`. Do not edit.\n\n",
    );
    for (name, module) in &exporter.imports {
        out.push_str(&format!("import type {{ {name} }} from \"{module}\";\n"));
    }
    out.push_str("\n/** Every backend command: its request and response types. */\nexport type Commands = {\n");
    for (name, request, response) in &exporter.entries {
        out.push_str(&format!("  {name}: {{ request: {request}; response: {response} }};\n"));
    }
    out.push_str("};\n\nexport type CommandName = keyof Commands;\n\n");
    out.push_str("export const COMMAND_NAMES: readonly CommandName[] = [\n");
    for (name, _, _) in &exporter.entries {
        out.push_str(&format!("  \"{name}\",\n"));
    }
    out.push_str("];\n\nexport type { ApiError };\n");
    std::fs::write(dir.join("commands.ts"), out)?;
    Ok(())
}

/// Reads every `.ts` file of a bindings folder.
pub fn read_dir(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(&path)?);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `UPDATE_BINDINGS=1` rewrites the committed bindings instead of checking them.
    #[test]
    fn committed_bindings_are_fresh() {
        let fresh = tempfile::tempdir().unwrap();
        write_all(fresh.path()).unwrap();
        let expected = read_dir(fresh.path()).unwrap();
        let committed_dir = committed_dir();
        if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
            for stale in read_dir(&committed_dir).unwrap().keys().filter(|k| !expected.contains_key(*k)) {
                std::fs::remove_file(committed_dir.join(stale)).unwrap();
            }
            write_all(&committed_dir).unwrap();
            return;
        }
        let committed = read_dir(&committed_dir).unwrap();
        let missing: Vec<_> = expected.keys().filter(|k| !committed.contains_key(*k)).collect();
        let extra: Vec<_> = committed.keys().filter(|k| !expected.contains_key(*k)).collect();
        let changed: Vec<_> = expected.iter().filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v)).map(|(k, _)| k).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && changed.is_empty(),
            "ui/src/bindings is stale (missing {missing:?}, extra {extra:?}, changed {changed:?}): run `npm run bindings`"
        );
    }

    #[test]
    fn commands_ts_lists_every_command() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path()).unwrap();
        let commands = std::fs::read_to_string(dir.path().join("commands.ts")).unwrap();
        for name in crate::COMMAND_NAMES {
            assert!(commands.contains(&format!("  {name}: {{ request: ")), "{name} missing from commands.ts");
        }
        assert!(commands.contains("open_flow_file: { request: OpenFlowFileRequest; response: FlowDocument }"));
    }
}
