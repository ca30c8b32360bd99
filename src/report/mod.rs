//! Reporters: one file per output format. They know findings and rule metadata, never the
//! input kind.

pub mod json;
pub mod markdown;
pub mod rule_docs;
pub mod sarif;
pub mod text;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::engine::AuditReport;

/// Output formats of `ailint audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// A pull-request summary (`$GITHUB_STEP_SUMMARY`, PR comments).
    Markdown,
}

/// How a report is written.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ANSI colour (text only).
    pub color: bool,
    /// The directory SARIF locations are relative to; the working directory when unset.
    pub root: Option<PathBuf>,
    /// The SARIF category (`automationDetails.id`), when the run sets one.
    pub category: Option<String>,
}

/// Writes a report. Reports are streamed: a large audit's report is never held in memory
/// whole.
pub fn write(
    report: &AuditReport,
    format: Format,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, options.color, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(
            report,
            options.root.as_deref(),
            options.category.as_deref(),
            out,
        ),
        Format::Markdown => markdown::write(report, out),
    }
}

/// Renders a report as a string (tests and small outputs).
pub fn render(report: &AuditReport, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    let options = Options {
        color,
        root: None,
        category: None,
    };
    // Writing to a Vec cannot fail.
    let _ = write(report, format, &options, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
