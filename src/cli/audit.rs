//! `ailint audit`: read inventories, judge them, report.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{load_rules, print_diagnostic, stdout_color, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::Config;
use crate::engine::{AuditReport, Severity};
use crate::report::{self, Format};

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
    /// Never fail on findings (errors still exit 2).
    None,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::None => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Inventory files or directories of them.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: FailOn,
    /// Only run rules whose id starts with one of these (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,
    /// Skip rules whose id starts with one of these (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,
    /// Configuration file (default: ./ailint.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directories of additional rules (`.cedar` files).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

/// The exit code of a finished audit.
pub fn exit_code(report: &AuditReport, fail_on: FailOn) -> u8 {
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|min| report.failures().any(|f| f.severity >= min));
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

pub fn run(args: AuditArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = match Config::discover(args.config.as_deref(), &cwd) {
        Ok((config, _)) => config,
        Err(e) => {
            print_diagnostic(e.as_ref());
            return EXIT_ERROR;
        }
    };
    let Some(mut rules) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    let mut select = config.rules.select.clone();
    select.extend(args.select.iter().cloned());
    let mut ignore = config.rules.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    rules.filter(&select, &ignore);

    let report = crate::audit_paths(&args.inputs, &config, &rules);
    let color = args.output.is_none() && args.format == Format::Text && stdout_color();
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            report::write(&report, args.format, color, &mut out)?;
            out.flush()
        }),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            report::write(&report, args.format, color, &mut out).and_then(|()| out.flush())
        }
    };
    match written {
        Ok(()) => {}
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let target = args
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| {
                    format!("`{}`", p.display())
                });
            eprintln!("error: cannot write {target}: {e}");
            return EXIT_ERROR;
        }
    }
    // Input errors also go to stderr, so they are seen whatever the format.
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    let code = exit_code(&report, args.fail_on);
    // The process ends next; the OS reclaims the report faster than freeing it piece by piece.
    std::mem::forget(report);
    code
}
