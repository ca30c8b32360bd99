//! Reporters: one file per output format. They know findings and rule metadata, never the
//! input kind.

pub mod json;
pub mod rule_docs;
pub mod sarif;
pub mod text;

use crate::engine::AuditReport;

/// Output formats of `ailint audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// Renders a report; `color` only applies to text.
pub fn render(report: &AuditReport, format: Format, color: bool) -> String {
    match format {
        Format::Text => text::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
    }
}
