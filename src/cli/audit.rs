//! `ailint audit`: read inventories, judge them, report.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::live::{self, LiveArgs};
use super::{load_rules, print_diagnostic, stdout_color, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::Config;
use crate::engine::baseline::Baseline;
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
    /// Inputs: inventories, AWS Config exports, CloudFormation templates, Terraform
    /// directories and plans, or directories of them. Without any, the live account is
    /// read (see "Live account").
    #[arg(value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format; several, comma-separated, with `--output-dir`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "text")]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write every requested format into DIR (`report.html`, `report.json`, ...), and a
    /// live audit's inventory.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// A previous JSON report of ailint: mark each finding new or existing and count the
    /// new, fixed and still-open findings per area.
    #[arg(long, value_name = "PREVIOUS")]
    pub compare: Option<PathBuf>,
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
    /// Read every input as this kind instead of detecting it from the content.
    #[arg(long, value_enum, value_name = "KIND")]
    pub input_kind: Option<crate::sources::InputKind>,
    /// Report only findings that are not in this baseline (and count the fixed ones).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as a baseline in FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The repository root SARIF locations are relative to (default: the working
    /// directory).
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,
    /// The SARIF category (`runs[].automationDetails.id`) code scanning files results
    /// under. Default for a live audit: `ailint/account-<id>`.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// Where a live audit writes the inventory it audits (default: next to `--output`,
    /// else in the working directory); SARIF results point at lines of it.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
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

pub fn run(mut args: AuditArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = Config::discover(args.config.as_deref(), &cwd)
        .and_then(|(c, _)| live::config_for(c, &args.live));
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            print_diagnostic(e.as_ref());
            return EXIT_ERROR;
        }
    };
    if !args.inputs.is_empty() && (args.live.any() || args.inventory.is_some()) {
        eprintln!(
            "error: `--region`, `--all-regions`, `--role-arn`, `--max-concurrency`, `--org` and `--inventory` are for a live account; audit files or the account, not both"
        );
        return EXIT_ERROR;
    }
    args.format.dedup();
    if args.format.len() > 1 && args.output_dir.is_none() {
        eprintln!("error: several formats are written with `--output-dir DIR`, one file each");
        return EXIT_ERROR;
    }
    let Some(mut rules) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    let mut select = config.rules.select.clone();
    select.extend(args.select.iter().cloned());
    let mut ignore = config.rules.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    rules.filter(&select, &ignore);

    let mut category = args.sarif_category.clone();
    if args.inputs.is_empty() {
        match read_live(&args, &config) {
            Some((path, scope)) => {
                args.inputs.push(path);
                category.get_or_insert(format!("ailint/{scope}"));
            }
            None => return EXIT_ERROR,
        }
    }
    let eval = crate::engine::EvalOptions {
        record_passes: args.format.iter().any(|f| f.lists_passes()),
        ..crate::engine::EvalOptions::default()
    };
    let mut report = crate::audit_paths_with(&args.inputs, args.input_kind, &config, &rules, eval);
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::of(&report);
        if let Err(e) = std::fs::write(path, baseline.to_json()) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return EXIT_ERROR;
        }
        eprintln!(
            "ailint: wrote {} findings to the baseline `{}`",
            baseline.findings.len(),
            path.display()
        );
    }
    if let Some(path) = &args.baseline {
        let shown = path.display().to_string();
        let baseline = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| Baseline::parse(&text));
        match baseline {
            Ok(b) => b.apply(&mut report, &shown),
            Err(message) => {
                eprintln!("error: {shown}: {message}");
                return EXIT_ERROR;
            }
        }
    }
    if let Some(path) = &args.compare {
        let shown = path.display().to_string();
        let compared = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| {
                crate::engine::trend::compare(&mut report, &text, &shown).map_err(|e| e.to_string())
            });
        if let Err(message) = compared {
            eprintln!("error: {shown}: {message}");
            return EXIT_ERROR;
        }
    }
    let only_text_to_terminal = args.output.is_none()
        && args.output_dir.is_none()
        && args.format.as_slice() == [Format::Text];
    let options = report::Options {
        color: only_text_to_terminal && stdout_color(),
        root: Some(args.sarif_root.clone().unwrap_or_else(|| cwd.clone())),
        category,
    };
    let targets: Vec<(Format, Option<PathBuf>)> = match (&args.output_dir, &args.output) {
        (Some(dir), _) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: cannot create `{}`: {e}", dir.display());
                return EXIT_ERROR;
            }
            args.format
                .iter()
                .map(|&f| (f, Some(dir.join(f.file_name()))))
                .collect()
        }
        (None, path) => args.format.iter().map(|&f| (f, path.clone())).collect(),
    };
    for (format, path) in &targets {
        let written = match path {
            Some(path) => std::fs::File::create(path).and_then(|file| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
                report::write(&report, *format, &options, &mut out)?;
                out.flush()
            }),
            None => {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                report::write(&report, *format, &options, &mut out).and_then(|()| out.flush())
            }
        };
        match written {
            Ok(()) => {}
            // A reader that stops early (`| head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                let target = path.as_ref().map_or("standard output".to_string(), |p| {
                    format!("`{}`", p.display())
                });
                eprintln!("error: cannot write {target}: {e}");
                return EXIT_ERROR;
            }
        }
    }
    if let Some(dir) = &args.output_dir {
        let names: Vec<&str> = targets.iter().map(|(f, _)| f.file_name()).collect();
        eprintln!("ailint: wrote {} to `{}`", names.join(", "), dir.display());
    }
    // Input errors also go to stderr, so they are seen whatever the format.
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    if !only_text_to_terminal {
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
    }
    let code = exit_code(&report, args.fail_on);
    // The process ends next; the OS reclaims the report faster than freeing it piece by piece.
    std::mem::forget(report);
    code
}

/// Reads the live account into an inventory file: its path and the scope's name.
#[cfg(feature = "aws")]
fn read_live(args: &AuditArgs, config: &Config) -> Option<(PathBuf, String)> {
    use std::io::IsTerminal;
    let collected = match live::collect(&args.live, config, std::io::stderr().is_terminal()) {
        Ok(c) => c,
        Err(e) => {
            print_diagnostic(&e);
            return None;
        }
    };
    let scope = args.live.scope_name(&collected.accounts);
    // With `--output-dir`, the inventory goes there with the reports.
    let report_path = args
        .output_dir
        .as_ref()
        .map(|d| d.join("report"))
        .or_else(|| args.output.clone());
    let path = live::inventory_path(args.inventory.as_deref(), report_path.as_deref(), &scope);
    if let Err(e) = live::write_inventory(&path, &collected.inventory) {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return None;
    }
    eprintln!("{}", collected.summary(&path));
    Some((path, scope))
}

#[cfg(not(feature = "aws"))]
fn read_live(_: &AuditArgs, _: &Config) -> Option<(PathBuf, String)> {
    eprintln!(
        "error: no inputs; this ailint was built without the `aws` feature and reads files only"
    );
    None
}
