//! `flowbench export IN --to flow|solution|folder OUT`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use flowbench_core::files::write_atomically;
use flowbench_core::import::{import_path, Imported};
use flowbench_core::solution::{new_guid, Solution};
use flowbench_core::{export_flow_json, prepare_export};

use crate::error::CliError;

#[derive(Clone, Copy, ValueEnum)]
pub enum Target {
    /// A flow JSON file (the shape it came in).
    Flow,
    /// A solution .zip that imports into Dataverse.
    Solution,
    /// An unpacked solution folder (pac / SolutionPackager layout).
    Folder,
}

#[derive(Args)]
pub struct ExportArgs {
    /// A flow JSON file, a solution .zip, or an unpacked solution folder.
    input: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    to: Target,
    /// Where to write it.
    output: PathBuf,
    /// With a solution holding several flows and `--to flow`: the flow to write (its name or file name).
    #[arg(long)]
    flow: Option<String>,
    /// Replace an existing output.
    #[arg(long)]
    force: bool,
    /// Publisher prefix for a new solution made around a single flow.
    #[arg(long, default_value = "fb")]
    prefix: String,
}

pub fn run(args: ExportArgs) -> Result<(), CliError> {
    if args.output.exists() && !args.force {
        return Err(CliError::new("exists", format!("{} exists: pass --force to replace it", args.output.display())));
    }
    let imported = import_path(&args.input)?;
    match (imported, args.to) {
        (Imported::Flow { flow, .. }, Target::Flow) => write_text(&args.output, &export_flow_json(&flow)?),
        (Imported::Solution(solution), Target::Flow) => {
            let flow = pick_flow(&solution, args.flow.as_deref())?;
            write_text(&args.output, &export_flow_json(flow)?)
        }
        (Imported::Flow { flow, name, workflow_id }, target) => {
            let prepared = prepare_export(&flow.into_solution_shape(&args.prefix))?;
            let id = workflow_id.unwrap_or_else(new_guid);
            let solution = Solution::from_flow(prepared, &name, &id, &args.prefix).map_err(solution_error)?;
            write_solution(&solution, target, &args.output, args.force)
        }
        (Imported::Solution(mut solution), target) => {
            for entry in solution.flows_mut() {
                let prepared = prepare_export(&entry.flow)?;
                // Only touch what export rules change, so untouched flows keep their exact bytes.
                if prepared != entry.flow {
                    entry.flow = prepared;
                }
            }
            write_solution(&solution, target, &args.output, args.force)
        }
    }
}

fn pick_flow<'a>(solution: &'a Solution, wanted: Option<&str>) -> Result<&'a flowbench_core::Flow, CliError> {
    let matches = |f: &&flowbench_core::solution::SolutionFlow| {
        wanted.is_none_or(|w| f.name() == Some(w) || f.path().ends_with(w) || f.path().contains(&format!("/{w}-")))
    };
    let found: Vec<_> = solution.flows().iter().filter(matches).collect();
    match found.as_slice() {
        [one] => Ok(&one.flow),
        [] => Err(CliError::new("no_such_flow", format!("the solution has no flow named {}", wanted.unwrap_or("(any)")))),
        many => Err(CliError::new(
            "ambiguous",
            format!(
                "the solution holds {} flows; pick one with --flow: {}",
                many.len(),
                many.iter().map(|f| f.path()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn write_text(path: &Path, text: &str) -> Result<(), CliError> {
    write_atomically(path, text.as_bytes()).map_err(|e| CliError::new("io", format!("{}: {e}", path.display())))
}

fn write_solution(solution: &Solution, target: Target, output: &Path, force: bool) -> Result<(), CliError> {
    match target {
        Target::Folder if force => solution.write_folder_replacing(output).map_err(solution_error),
        Target::Folder => solution.write_folder(output).map_err(solution_error),
        _ => {
            let bytes = solution.write_zip().map_err(solution_error)?;
            write_atomically(output, &bytes).map_err(|e| CliError::new("io", format!("{}: {e}", output.display())))
        }
    }
}

fn solution_error(e: flowbench_core::solution::SolutionError) -> CliError {
    CliError::new(e.code(), e.to_string())
}
