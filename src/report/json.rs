//! `--format json`: the whole report, versioned, for scripts and later comparisons.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::score::{self, Scores};
use crate::engine::AuditReport;

/// The format identifier of the JSON report.
pub const FORMAT: &str = "ailint-report/v1";

#[derive(Serialize)]
struct Versioned<'a> {
    format: &'static str,
    /// Scores overall, per area and per severity (see `engine::score`).
    scores: Scores,
    #[serde(flatten)]
    report: &'a AuditReport,
}

pub fn write(report: &AuditReport, out: &mut dyn Write) -> io::Result<()> {
    let doc = Versioned {
        format: FORMAT,
        scores: score::of(report),
        report,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
