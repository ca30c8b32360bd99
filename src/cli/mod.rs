//! The command line: one file per subcommand.

mod audit;
mod collect;
mod explain;
mod live;
mod rules;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: nothing at or above `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: ailint could not do (all of) its job.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "ailint",
    version,
    about = "Compliance linter for AWS AI/ML workloads (Bedrock, SageMaker, OpenSearch, Lake Formation)",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit inputs (or, without any, the live account) against the rules and report
    /// findings.
    Audit(Box<audit::AuditArgs>),
    /// Read a live account (or organization) into an inventory file, read-only.
    Collect(collect::CollectArgs),
    /// List the rules.
    Rules(rules::RulesArgs),
    /// Show a rule's documentation.
    Explain(explain::ExplainArgs),
}

/// Whether to colour output written to stdout.
pub(crate) fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints a diagnostic with its source snippet (coloured only on a terminal).
pub(crate) fn print_diagnostic(d: &dyn miette::Diagnostic) {
    let theme = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    let mut out = String::new();
    match handler.render_report(&mut out, d) {
        Ok(()) if !out.is_empty() => eprint!("{out}"),
        _ => eprintln!("error: {d}"),
    }
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Audit(args) => audit::run(*args),
        Command::Collect(args) => collect::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
    };
    ExitCode::from(code)
}

/// Loads rules, printing any rule error; `None` means exit 2.
pub(crate) fn load_rules(dirs: &[PathBuf]) -> Option<crate::engine::RuleSet> {
    match crate::engine::RuleSet::load(dirs, crate::model::ModelSchema::builtin()) {
        Ok(set) => Some(set),
        Err(errors) => {
            for e in &errors {
                print_diagnostic(e);
            }
            None
        }
    }
}
