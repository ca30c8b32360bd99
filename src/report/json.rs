//! `--format json`: the whole report, versioned, for scripts and later comparisons.

use serde::Serialize;

use crate::engine::AuditReport;

/// The format identifier of the JSON report.
pub const FORMAT: &str = "ailint-report/v1";

#[derive(Serialize)]
struct Versioned<'a> {
    format: &'static str,
    #[serde(flatten)]
    report: &'a AuditReport,
}

pub fn render(report: &AuditReport) -> String {
    let doc = Versioned {
        format: FORMAT,
        report,
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
