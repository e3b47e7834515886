//! `flowbench validate PATH...`: exit 0 when clean, 1 when errors were found, 2 when an input
//! could not be read.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use flowbench_core::files::write_atomically;
use flowbench_core::import::{import_path, Imported};
use flowbench_core::solution::{PackageLayout, Solution};
use flowbench_validate::output::{self, FileReport};
use flowbench_validate::{validate, ValidationContext};

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// Flow JSON files, solution .zip files and unpacked solution folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// The exit code: 0 clean, 1 errors found, 2 an input could not be read.
pub fn run(args: ValidateArgs) -> u8 {
    let mut reports = Vec::new();
    let mut unreadable = false;
    for path in &args.paths {
        match import_path(path) {
            Ok(Imported::Flow { flow, .. }) => reports.push(FileReport {
                path: path.display().to_string(),
                flow: None,
                text: std::fs::read_to_string(path).ok(),
                diagnostics: validate(&flow, &ValidationContext::default()),
            }),
            Ok(Imported::Solution(solution)) => reports.extend(solution_reports(path, &solution)),
            Err(e) => {
                eprintln!("flowbench: error[unreadable]: {e}");
                unreadable = true;
            }
        }
    }
    let rendered = match args.format {
        ReportFormat::Text => output::text(&reports),
        ReportFormat::Json => output::json(&reports),
        ReportFormat::Sarif => output::sarif(&reports),
        ReportFormat::Junit => output::junit(&reports),
    };
    match &args.output {
        Some(file) => {
            if let Err(e) = write_atomically(file, rendered.as_bytes()) {
                eprintln!("flowbench: error[io]: {}: {e}", file.display());
                return 2;
            }
        }
        None => print!("{rendered}"),
    }
    if unreadable {
        2
    } else if output::errors(&reports) > 0 {
        1
    } else {
        0
    }
}

fn solution_reports(path: &std::path::Path, solution: &Solution) -> Vec<FileReport> {
    let declared: Vec<String> = solution.connection_references().iter().map(|r| r.logical_name.clone()).collect();
    let invoker_flow_ids: Vec<String> = solution
        .flows()
        .iter()
        .filter(|f| f.flow.references().iter().any(|r| r.run_only_user || r.impersonates_invoker))
        .filter_map(|f| f.workflow_id().map(str::to_owned))
        .collect();
    let context = ValidationContext { declared_references: Some(declared), invoker_flow_ids, metadata: None };
    solution
        .flows()
        .iter()
        .map(|f| {
            // Inside a folder each flow is a file of its own, so line numbers make sense.
            let (report_path, text, flow) = match solution.layout() {
                PackageLayout::Folder => {
                    let file = path.join(f.path());
                    (file.display().to_string(), std::fs::read_to_string(&file).ok(), None)
                }
                PackageLayout::Zip => (path.display().to_string(), None, Some(f.path().to_string())),
            };
            FileReport { path: report_path, flow, text, diagnostics: validate(&f.flow, &context) }
        })
        .collect()
}
