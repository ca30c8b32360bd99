//! Reporters: one file per output format. They know findings and rule metadata, never the
//! input kind.

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
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
    /// A summary with scores (`$GITHUB_STEP_SUMMARY`, PR and issue comments).
    Markdown,
    /// A self-contained compliance report: scores, chart, filterable findings.
    Html,
    /// JUnit XML: one test case per rule and resource, for CI dashboards.
    Junit,
    /// One row per finding.
    Csv,
}

impl Format {
    /// The file name a format is written to in `--output-dir`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "report.txt",
            Format::Json => "report.json",
            Format::Sarif => "report.sarif",
            Format::Markdown => "report.md",
            Format::Html => "report.html",
            Format::Junit => "report.junit.xml",
            Format::Csv => "report.csv",
        }
    }

    /// Whether the format lists passing verdicts too (they must be kept for it).
    pub fn lists_passes(self) -> bool {
        self == Format::Junit
    }
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
        Format::Html => html::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Csv => csv::write(report, out),
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
