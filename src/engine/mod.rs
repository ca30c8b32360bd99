//! Inventory → Cedar entities; one request per resource against the rules of its type;
//! each satisfied forbid is a finding. Unknown evidence and evaluation errors are "not
//! assessed", never a pass.

pub mod context;
pub mod entities;
pub mod rules;

use std::collections::{BTreeMap, HashMap};

use cedar_policy::{AuthorizationError, Authorizer, EntityUid, PolicySet, Request};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::schema::ModelSchema;
use crate::model::{AttrType, Location, Model, Resource};
pub use rules::{Rule, RuleError, RuleMeta, RuleSet, Severity};

/// What the run found about one rule on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fail,
    NotAssessed,
}

/// The resource a finding is about, as reporters see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub type_name: String,
    pub id: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub location: Location,
}

impl ResourceRef {
    fn of(r: &Resource) -> ResourceRef {
        ResourceRef {
            type_name: r.type_name.clone(),
            id: r.id.clone(),
            name: r.display_name().to_string(),
            account: r.account.clone(),
            region: r.region.clone(),
            location: r.location.clone(),
        }
    }
}

/// One attribute value that made the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub path: String,
    /// `null` when the attribute is absent.
    pub value: Value,
}

/// A failed or not-assessed rule on a resource.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub status: Status,
    pub resource: ResourceRef,
    pub message: String,
    /// Why the rule could not be assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Stable across runs and unrelated edits: rule, account, region, type and id.
    pub fingerprint: String,
}

/// Pass / fail / not-assessed counts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub pass: u64,
    pub fail: u64,
    pub not_assessed: u64,
}

/// A problem that kept ailint from doing part of its job (exit 2).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ToolError {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Everything reporters need; they never see the input kind.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub inputs: Vec<String>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub resources: usize,
    pub rules: Vec<RuleMeta>,
    /// Sorted: severity (highest first), rule, location, resource.
    pub findings: Vec<Finding>,
    pub per_rule: BTreeMap<String, Counts>,
    pub totals: Counts,
    pub errors: Vec<ToolError>,
}

impl AuditReport {
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.status == Status::Fail)
    }

    pub fn not_assessed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.status == Status::NotAssessed)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// The rules of one resource type, as one policy set (measured ~3x faster than one set).
pub struct TypeRules {
    pub set: PolicySet,
    /// Indices into the rule set's rules.
    pub rules: Vec<usize>,
}

enum Verdict {
    Pass,
    Fail,
    NotAssessed(String),
}

/// Evaluates every rule on every resource of the model.
pub fn evaluate(
    model: &Model,
    rules: &RuleSet,
    config: &Config,
    schema: &ModelSchema,
    inputs: Vec<String>,
    mut errors: Vec<ToolError>,
) -> AuditReport {
    let (entities, entity_errors) = entities::build(model, schema, rules.read_tags());
    errors.extend(entity_errors.into_iter().map(|message| ToolError {
        path: "<model>".into(),
        line: None,
        column: None,
        message,
    }));
    let context = context::build(config);
    let by_type = split_by_type(rules, schema);

    let names = entities::TypeNames::new(schema);
    let principal = names.uid("Ailint::Auditor", "ailint");
    let action = names.uid("Ailint::Action", "audit");
    let (Ok(principal), Ok(action)) = (principal, action) else {
        unreachable!("fixed entity type names parse")
    };
    let uids: Vec<Option<EntityUid>> = model
        .resources
        .iter()
        .map(|r| names.uid(&r.type_name, &r.id).ok())
        .collect();

    let partial = needs_partial_evaluation(model);
    let authorizer = Authorizer::new();
    let verdicts: Vec<(usize, usize, Verdict)> = model
        .resources
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .flat_map_iter(|(ri, r)| {
            let mut out = Vec::new();
            let (Some(type_rules), Some(uid)) = (by_type.get(r.type_name.as_str()), &uids[ri])
            else {
                return out.into_iter();
            };
            let request = Request::new(
                principal.clone(),
                action.clone(),
                uid.clone(),
                context.clone(),
                None,
            );
            let outcome = match request {
                Ok(req) if partial[ri] => partial_outcome(
                    authorizer.is_authorized_partial(&req, &type_rules.set, &entities),
                    model,
                    r,
                ),
                Ok(req) => {
                    concrete_outcome(&authorizer.is_authorized(&req, &type_rules.set, &entities))
                }
                Err(e) => Outcome {
                    errored: type_rules
                        .rules
                        .iter()
                        .map(|&i| (rules.rules[i].meta.id.clone(), e.to_string()))
                        .collect(),
                    ..Outcome::default()
                },
            };
            for &rule_index in &type_rules.rules {
                let id = &rules.rules[rule_index].meta.id;
                let verdict = if let Some(reason) = outcome.residual.get(id) {
                    Verdict::NotAssessed(reason.clone())
                } else if let Some(e) = outcome.errored.get(id) {
                    Verdict::NotAssessed(format!("evaluation error: {e}"))
                } else if outcome.satisfied.contains(id) {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                out.push((rule_index, ri, verdict));
            }
            out.into_iter()
        })
        .collect();

    // Freeing a large entity store takes a noticeable share of a run; let it overlap
    // with building the report.
    std::thread::spawn(move || drop(entities));

    let mut per_rule: BTreeMap<String, Counts> = rules
        .rules
        .iter()
        .map(|r| (r.meta.id.clone(), Counts::default()))
        .collect();
    let mut findings = Vec::new();
    for (rule_index, ri, verdict) in verdicts {
        let meta = &rules.rules[rule_index].meta;
        let counts = per_rule.entry(meta.id.clone()).or_default();
        let resource = &model.resources[ri];
        let (status, reason) = match verdict {
            Verdict::Pass => {
                counts.pass += 1;
                continue;
            }
            Verdict::Fail => {
                counts.fail += 1;
                (Status::Fail, None)
            }
            Verdict::NotAssessed(reason) => {
                counts.not_assessed += 1;
                (Status::NotAssessed, Some(reason))
            }
        };
        findings.push(finding(meta, resource, model, schema, status, reason));
    }
    findings.extend(not_collected_findings(model, rules, &mut per_rule));
    findings.sort_by(|a, b| {
        (
            b.status == Status::Fail,
            b.severity,
            &a.rule_id,
            &a.resource.location,
            &a.resource.type_name,
            &a.resource.id,
        )
            .cmp(&(
                a.status == Status::Fail,
                a.severity,
                &b.rule_id,
                &b.resource.location,
                &b.resource.type_name,
                &b.resource.id,
            ))
    });
    let totals = per_rule.values().fold(Counts::default(), |t, c| Counts {
        pass: t.pass + c.pass,
        fail: t.fail + c.fail,
        not_assessed: t.not_assessed + c.not_assessed,
    });
    errors.sort();
    AuditReport {
        tool: "ailint",
        version: crate::VERSION,
        inputs,
        accounts: model.accounts().into_iter().map(str::to_string).collect(),
        regions: model.regions().into_iter().map(str::to_string).collect(),
        resources: model
            .resources
            .iter()
            .filter(|r| !crate::model::schema::is_synthesized(&r.type_name))
            .count(),
        rules: rules.rules.iter().map(|r| r.meta.clone()).collect(),
        findings,
        per_rule,
        totals,
        errors,
    }
}

/// The rules that apply to each resource type: those scoped to it and the unscoped ones.
pub fn split_by_type<'a>(rules: &RuleSet, schema: &'a ModelSchema) -> HashMap<&'a str, TypeRules> {
    let mut by_type: HashMap<&str, TypeRules> = HashMap::new();
    for t in &schema.resource_types {
        for (i, rule) in rules.rules.iter().enumerate() {
            let applies = rule.meta.resource_type.as_deref().is_none_or(|rt| rt == t);
            if !applies {
                continue;
            }
            let entry = by_type.entry(t.as_str()).or_insert_with(|| TypeRules {
                set: PolicySet::new(),
                rules: Vec::new(),
            });
            if entry.set.add(rule.policy.clone()).is_ok() {
                entry.rules.push(i);
            }
        }
    }
    by_type
}

/// Follows a dotted evidence path through records and references: the value, or why it is
/// unknown.
fn evidence_value(
    model: &Model,
    schema: &ModelSchema,
    r: &Resource,
    path: &str,
) -> Result<Option<Value>, String> {
    if let Some(u) = r.unknown_for(path) {
        return Err(format!("`{}` is unknown: {}", u.path, u.reason));
    }
    let parts: Vec<&str> = path.split('.').collect();
    let head = parts[0];
    let mut value = match head {
        "name" => r.name.clone().map(Value::String),
        "region" => r.region.clone().map(Value::String),
        "account" if r.type_name != "AWS::Region" => r.account.clone().map(Value::String),
        _ => r.attributes.get(head).cloned(),
    };
    let mut ty = schema
        .entity_type(&r.type_name)
        .and_then(|s| s.attrs.get(head))
        .map(|a| &a.ty);
    for (i, part) in parts.iter().enumerate().skip(1) {
        match (ty, value) {
            (Some(AttrType::Record(fields)), Some(Value::Object(mut obj))) => {
                value = obj.remove(*part);
                ty = fields.get(*part).map(|f| &f.ty);
            }
            (Some(AttrType::Entity(target)), Some(Value::String(id))) => {
                return match model.get(target, &id) {
                    Some(next) => evidence_value(model, schema, next, &parts[i..].join(".")),
                    None => Ok(None),
                };
            }
            _ => return Ok(None),
        }
    }
    Ok(value)
}

/// What Cedar said of one request, by rule id.
#[derive(Default)]
struct Outcome {
    satisfied: Vec<String>,
    errored: HashMap<String, String>,
    /// Rules whose result depends on unknown facts, with the facts.
    residual: HashMap<String, String>,
}

fn concrete_outcome(resp: &cedar_policy::Response) -> Outcome {
    Outcome {
        satisfied: resp.diagnostics().reason().map(|p| p.to_string()).collect(),
        errored: resp
            .diagnostics()
            .errors()
            .map(|e| {
                let AuthorizationError::PolicyEvaluationError(pe) = e;
                (pe.policy_id().to_string(), pe.inner().to_string())
            })
            .collect(),
        residual: HashMap::new(),
    }
}

/// Three-valued verdicts: a rule that is decided whatever the unknown facts are is a pass
/// or a fail; one whose residual still mentions an unknown is "not assessed", with the
/// unknown facts it depends on.
fn partial_outcome(
    resp: cedar_policy::PartialResponse,
    model: &Model,
    subject: &Resource,
) -> Outcome {
    let residual = resp
        .nontrivial_residuals()
        .map(|p| {
            (
                p.id().to_string(),
                unknown_reasons(&p.to_string(), model, subject),
            )
        })
        .collect();
    let satisfied = resp
        .definitely_satisfied()
        .map(|p| p.id().to_string())
        .collect();
    let errored_ids: Vec<String> = resp.definitely_errored().map(|p| p.to_string()).collect();
    let messages = concrete_outcome(&resp.concretize()).errored;
    let errored = errored_ids
        .into_iter()
        .map(|id| {
            let msg = messages
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "unknown error".into());
            (id, msg)
        })
        .collect();
    Outcome {
        satisfied,
        errored,
        residual,
    }
}

/// The unknown facts a residual policy mentions, with their reasons.
fn unknown_reasons(residual: &str, model: &Model, subject: &Resource) -> String {
    let mut reasons = Vec::new();
    let mut rest = residual;
    while let Some(i) = rest.find("unknown(\"") {
        rest = &rest[i + 9..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        rest = &rest[end..];
        let mut parts = name.splitn(3, '|');
        let (Some(t), Some(id), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let owner = model.get(t, id);
        let reason = match owner.and_then(|r| r.unknown_for(path).map(|u| (r, u))) {
            Some((r, u)) if r.type_name == subject.type_name && r.id == subject.id => {
                format!("`{}` is unknown: {}", u.path, u.reason)
            }
            Some((r, u)) => format!(
                "`{}` of `{}` is unknown: {}",
                u.path,
                r.display_name(),
                u.reason
            ),
            None => format!("`{path}` is unknown"),
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if reasons.is_empty() {
        "the verdict depends on unknown facts".into()
    } else {
        reasons.join("; ")
    }
}

/// Resources whose evaluation can meet an unknown value: their own unknown attributes, or
/// a reference to a resource with one. The rest are evaluated concretely (faster); an
/// unknown met there anyway is an evaluation error, which is also "not assessed".
fn needs_partial_evaluation(model: &Model) -> Vec<bool> {
    let has_unknown = |r: &Resource| r.unknown.iter().any(|u| !u.path.starts_with("documents."));
    let uncertain: std::collections::HashSet<&str> = model
        .resources
        .iter()
        .filter(|r| has_unknown(r))
        .map(|r| r.id.as_str())
        .collect();
    fn mentions(v: &Value, ids: &std::collections::HashSet<&str>) -> bool {
        match v {
            Value::String(s) => ids.contains(s.as_str()),
            Value::Array(items) => items.iter().any(|i| mentions(i, ids)),
            Value::Object(obj) => obj.values().any(|i| mentions(i, ids)),
            _ => false,
        }
    }
    model
        .resources
        .iter()
        .map(|r| {
            has_unknown(r)
                || (!uncertain.is_empty() && r.attributes.values().any(|v| mentions(v, &uncertain)))
        })
        .collect()
}

fn fingerprint(rule: &str, r: &ResourceRef) -> String {
    let mut h = Sha256::new();
    for part in [
        "ailint/v1",
        rule,
        r.account.as_deref().unwrap_or(""),
        r.region.as_deref().unwrap_or(""),
        &r.type_name,
        &r.id,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn finding(
    meta: &RuleMeta,
    r: &Resource,
    model: &Model,
    schema: &ModelSchema,
    status: Status,
    reason: Option<String>,
) -> Finding {
    let evidence = meta
        .evidence
        .iter()
        .map(|p| Evidence {
            path: p.clone(),
            value: evidence_value(model, schema, r, p)
                .ok()
                .flatten()
                .unwrap_or(Value::Null),
        })
        .collect();
    let resource = ResourceRef::of(r);
    Finding {
        rule_id: meta.id.clone(),
        severity: meta.severity,
        status,
        message: format!("{}: `{}`", meta.title, resource.name),
        fingerprint: fingerprint(&meta.id, &resource),
        resource,
        reason,
        evidence,
    }
}

/// A service the input could not collect makes every rule on its resource types "not
/// assessed" in that scope, so a denied call never reads as a pass.
fn not_collected_findings(
    model: &Model,
    rules: &RuleSet,
    per_rule: &mut BTreeMap<String, Counts>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for n in &model.not_collected {
        let scope = format!(
            "{}/{}",
            n.account.as_deref().unwrap_or("*"),
            n.region.as_deref().unwrap_or("*")
        );
        for rule in &rules.rules {
            let meta = &rule.meta;
            let Some(t) = &meta.resource_type else {
                continue;
            };
            if !n.types.contains(t) {
                continue;
            }
            per_rule.entry(meta.id.clone()).or_default().not_assessed += 1;
            let resource = ResourceRef {
                type_name: t.clone(),
                id: format!("{scope}/{t}"),
                name: scope.clone(),
                account: n.account.clone(),
                region: n.region.clone(),
                location: n.location.clone(),
            };
            out.push(Finding {
                rule_id: meta.id.clone(),
                severity: meta.severity,
                status: Status::NotAssessed,
                message: format!("{}: not assessed in `{scope}`", meta.title),
                reason: Some(format!("{} was not collected: {}", n.operation, n.reason)),
                evidence: vec![],
                fingerprint: fingerprint(&meta.id, &resource),
                resource,
            });
        }
    }
    out
}
