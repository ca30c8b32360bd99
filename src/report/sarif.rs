//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! Every result has a physical location (the line of the resource in its input), the ARN
//! as a logical location, and our own stable fingerprint under `ailint/v1`; GitHub computes
//! `primaryLocationLineHash` itself, so we never write one. "Not assessed" results and tool
//! errors are tool execution notifications, not silent omissions.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::engine::{AuditReport, Finding, RuleMeta, Severity, Status, ToolError};

use super::rule_docs;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// SARIF wants repository-relative URIs with forward slashes: paths are made relative to
/// the root (`--sarif-root`, else the working directory) when they are inside it.
fn artifact_uri(file: &str, root: &Path) -> String {
    let path = Path::new(file);
    let absolute = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => lexical(&cwd.join(path)),
        _ => lexical(path),
    };
    let relative = absolute
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let s = relative.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// A path with `.` and `..` resolved without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn rule_name(r: &RuleMeta) -> String {
    Path::new(&r.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| r.id.clone())
}

fn descriptor(r: &RuleMeta) -> Value {
    let mut tags = vec!["security".to_string(), "aws".to_string(), r.area.clone()];
    if let Some(t) = &r.resource_type {
        tags.push(t.clone());
    }
    json!({
        "id": r.id,
        "name": rule_name(r),
        "shortDescription": { "text": truncate(&r.title, 1024) },
        "fullDescription": { "text": truncate(&r.rationale, 1024) },
        "defaultConfiguration": { "level": level(r.severity) },
        "help": { "text": rule_docs::text(r), "markdown": rule_docs::markdown(r) },
        "helpUri": r.docs,
        "properties": {
            "tags": tags,
            "precision": "high",
            "security-severity": r.severity.security_severity(),
            "severity": r.severity.as_str(),
            "control": r.control,
            "section": r.section,
            "mappings": r.mappings,
        }
    })
}

fn physical(f: &Finding, root: &Path) -> Value {
    json!({
        "artifactLocation": { "uri": artifact_uri(&f.resource.location.file, root) },
        "region": { "startLine": f.resource.location.line }
    })
}

fn message(f: &Finding, title: &str) -> String {
    let scope = match (&f.resource.account, &f.resource.region) {
        (Some(a), Some(r)) => format!(" in {a}/{r}"),
        (Some(a), None) => format!(" in {a}"),
        _ => String::new(),
    };
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| match &e.value {
            Value::Null => format!("{} is absent", e.path),
            v => format!("{} = {v}", e.path),
        })
        .collect();
    let evidence = if evidence.is_empty() {
        String::new()
    } else {
        format!(" Evidence: {}.", evidence.join(", "))
    };
    format!(
        "{title}: {} `{}`{scope}.{evidence}",
        f.resource.type_name, f.resource.name
    )
}

fn result(report: &AuditReport, f: &Finding, root: &Path) -> Value {
    let title = report.rule(&f.rule_id).map_or("", |r| r.title.as_str());
    let evidence: Map<String, Value> = f
        .evidence
        .iter()
        .map(|e| (e.path.clone(), e.value.clone()))
        .collect();
    let mut result = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index(report, &f.rule_id),
        "level": level(f.severity),
        "message": { "text": message(f, title) },
        "locations": [{
            "physicalLocation": physical(f, root),
            "logicalLocations": [{ "fullyQualifiedName": f.resource.id, "kind": "resource" }]
        }],
        "partialFingerprints": { "ailint/v1": f.fingerprint },
        "properties": {
            "resourceType": f.resource.type_name,
            "account": f.resource.account,
            "region": f.resource.region,
            "evidence": evidence,
        }
    });
    // Suppressed findings stay in the log; GitHub shows them as dismissed.
    if let Some(s) = &f.suppression {
        let mut suppression = json!({
            "kind": s.kind,
            "status": "accepted",
            "justification": s.justification,
        });
        if s.location.line > 0 {
            suppression["location"] = json!({ "physicalLocation": {
                "artifactLocation": { "uri": artifact_uri(&s.location.file, root) },
                "region": { "startLine": s.location.line }
            }});
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

fn rule_index(report: &AuditReport, id: &str) -> Option<usize> {
    report.rules.iter().position(|r| r.id == id)
}

fn not_assessed_notification(report: &AuditReport, f: &Finding, root: &Path) -> Value {
    json!({
        "level": "warning",
        "message": { "text": format!(
            "{} not assessed on {} `{}`: {}",
            f.rule_id, f.resource.type_name, f.resource.name,
            f.reason.as_deref().unwrap_or("unknown")
        ) },
        "associatedRule": { "id": f.rule_id, "index": rule_index(report, &f.rule_id) },
        "locations": [{
            "physicalLocation": physical(f, root),
            "logicalLocations": [{ "fullyQualifiedName": f.resource.id, "kind": "resource" }]
        }]
    })
}

fn tool_notification(e: &ToolError, level: &str, root: &Path) -> Value {
    let mut n = json!({
        "level": level,
        "message": { "text": e.message },
    });
    let mut loc = json!({ "artifactLocation": { "uri": artifact_uri(&e.path, root) } });
    if let Some(line) = e.line {
        loc["region"] = json!({ "startLine": line });
    }
    n["locations"] = json!([{ "physicalLocation": loc }]);
    n
}

/// A JSON array serialized one element at a time: a run can have a result per resource,
/// and the log is streamed rather than built.
struct Streamed<F>(F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator<Item = Value>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct Log<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [R; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<N: Serialize, R: Serialize> {
    tool: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<Value>,
    invocations: [Invocation<N>; 1],
    results: R,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<N: Serialize> {
    execution_successful: bool,
    tool_execution_notifications: N,
}

pub fn write(
    report: &AuditReport,
    root: Option<&Path>,
    category: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let root = match root {
        Some(r) if r.is_relative() => std::env::current_dir()
            .map(|cwd| lexical(&cwd.join(r)))
            .unwrap_or_else(|_| r.to_path_buf()),
        Some(r) => lexical(r),
        None => std::env::current_dir().unwrap_or_default(),
    };
    let root = root.as_path();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": {
                "name": "ailint",
                "semanticVersion": report.version,
                "rules": report.rules.iter().map(descriptor).collect::<Vec<_>>(),
            }}),
            // Everything up to the last `/` is the category; the trailing `/` leaves the
            // run id empty, so each run replaces the category's previous one.
            automation_details: category
                .map(|c| json!({ "id": format!("{}/", c.trim_end_matches('/')) })),
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: Streamed(|| {
                    report
                        .not_assessed()
                        .map(|f| not_assessed_notification(report, f, root))
                        .chain(
                            report
                                .errors
                                .iter()
                                .map(|e| tool_notification(e, "error", root)),
                        )
                        .chain(
                            report
                                .warnings
                                .iter()
                                .map(|e| tool_notification(e, "warning", root)),
                        )
                }),
            }],
            results: Streamed(|| {
                report
                    .findings
                    .iter()
                    .filter(|f| f.status == Status::Fail)
                    .map(|f| result(report, f, root))
            }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
