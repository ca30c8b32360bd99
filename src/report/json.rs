//! `--format json`: the whole report, versioned, for scripts and later comparisons.

use serde_json::json;

use crate::engine::AuditReport;

/// The format identifier of the JSON report.
pub const FORMAT: &str = "ailint-report/v1";

pub fn render(report: &AuditReport) -> String {
    let mut value = json!({ "format": FORMAT });
    if let (Some(obj), Ok(serde_json::Value::Object(body))) =
        (value.as_object_mut(), serde_json::to_value(report))
    {
        obj.extend(body);
    }
    let mut out =
        serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
