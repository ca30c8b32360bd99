//! Inventory → Cedar entities; one request per resource against the rules of its type;
//! each satisfied forbid is a finding. Unknown evidence and evaluation errors are "not
//! assessed", never a pass.

pub mod baseline;
pub mod catalog;
pub mod context;
pub mod entities;
pub mod intent;
pub mod rules;
pub mod score;
pub mod suppress;
pub mod trend;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use cedar_policy::{AuthorizationError, Authorizer, Context, Entities, PolicySet, Request};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::schema::ModelSchema;
use crate::model::{AttrType, Location, Model, Resource, Value};
pub use rules::{Rule, RuleError, RuleMeta, RuleSet, Severity};

/// What the run found about one rule on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fail,
    NotAssessed,
}

/// The resource a finding is about, as reporters see it. Its strings are shared with the
/// model: a run can have a finding for most resources.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub type_name: Arc<str>,
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub account: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub location: Location,
}

impl ResourceRef {
    fn of(r: &Resource, type_name: Arc<str>) -> ResourceRef {
        ResourceRef {
            type_name,
            id: r.id.clone(),
            name: r.name.clone().unwrap_or_else(|| r.id.clone()),
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
    pub value: Json,
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
    /// Set when the finding is accepted; it then does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<suppress::Suppressed>,
    /// New since the previous run, or already failing then (`--compare`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<trend::Trend>,
}

/// Pass / fail / not-assessed counts.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub pass: u64,
    /// Failures not suppressed.
    pub fail: u64,
    /// Not assessed, not suppressed.
    pub not_assessed: u64,
    /// Failures and not-assessed verdicts that are suppressed.
    pub suppressed: u64,
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
    /// Problems that do not stop the run: suppressions without a reason, expired ignores.
    pub warnings: Vec<ToolError>,
    /// What a baseline held back, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<baseline::Summary>,
    /// When the audit ran, RFC 3339 in UTC (`SOURCE_DATE_EPOCH` when set, for reproducible
    /// reports).
    pub generated_at: String,
    /// A digest of the rules that judged (ids, severities and policy text): two reports
    /// with the same digest were judged by the same rules.
    pub rules_digest: String,
    /// The trend against a previous report, when one was given (`--compare`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<trend::Comparison>,
    /// Every passing verdict, when asked for (JUnit lists a test case per rule and
    /// resource); never serialized.
    #[serde(skip)]
    pub passed: Vec<Passed>,
}

/// A rule a resource passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passed {
    pub rule_id: Arc<str>,
    pub resource: ResourceRef,
}

impl AuditReport {
    /// Failures that are not suppressed: what fails the run.
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.suppression.is_none())
    }

    /// Not-assessed verdicts that are not suppressed.
    pub fn not_assessed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.status == Status::NotAssessed && f.suppression.is_none())
    }

    /// Suppressed findings, of either status.
    pub fn suppressed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_some())
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

/// Resources per batch. Each batch builds a Cedar entity store of its resources and the
/// resources they refer to, evaluates, and frees it: the whole model is never held as
/// Cedar entities at once (about 3-6 KB each), and batches run in parallel.
const BATCH: usize = 2048;

/// What one batch found.
#[derive(Default)]
struct BatchResult {
    findings: Vec<Finding>,
    passed: Vec<Passed>,
    /// Per rule index.
    counts: Vec<Counts>,
    errors: Vec<String>,
}

/// What every batch shares.
struct Evaluation<'a> {
    model: &'a Model,
    rules: &'a RuleSet,
    schema: &'a ModelSchema,
    by_type: HashMap<&'a str, TypeRules>,
    names: entities::TypeNames,
    context: Context,
    /// What entities carry: what the rules read.
    reads: entities::Reads,
    /// Ids of resources with unknown facts: resources referring to them are evaluated
    /// partially.
    uncertain: HashSet<&'a str>,
    /// Type names as findings carry them.
    type_names: HashMap<&'static str, Arc<str>>,
    config: &'a Config,
    today: i64,
    record_passes: bool,
}

/// How an evaluation runs.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    /// Resources per batch; the report does not depend on it (tested).
    pub batch_size: usize,
    /// Keep every passing verdict in [`AuditReport::passed`].
    pub record_passes: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            batch_size: BATCH,
            record_passes: false,
        }
    }
}

/// Evaluates every rule on every resource of the model.
pub fn evaluate(
    model: &Model,
    rules: &RuleSet,
    config: &Config,
    schema: &ModelSchema,
    inputs: Vec<String>,
    errors: Vec<ToolError>,
) -> AuditReport {
    evaluate_with(
        model,
        rules,
        config,
        schema,
        inputs,
        errors,
        EvalOptions::default(),
    )
}

/// [`evaluate`] with another batch size; the report does not depend on it (tested).
pub fn evaluate_in_batches(
    model: &Model,
    rules: &RuleSet,
    config: &Config,
    schema: &ModelSchema,
    inputs: Vec<String>,
    errors: Vec<ToolError>,
    batch_size: usize,
) -> AuditReport {
    let options = EvalOptions {
        batch_size,
        ..EvalOptions::default()
    };
    evaluate_with(model, rules, config, schema, inputs, errors, options)
}

/// [`evaluate`] with options.
pub fn evaluate_with(
    model: &Model,
    rules: &RuleSet,
    config: &Config,
    schema: &ModelSchema,
    inputs: Vec<String>,
    mut errors: Vec<ToolError>,
    options: EvalOptions,
) -> AuditReport {
    let batch_size = options.batch_size;
    let eval = Evaluation {
        record_passes: options.record_passes,
        model,
        rules,
        schema,
        by_type: split_by_type(rules, schema),
        names: entities::TypeNames::new(schema),
        context: context::build(config),
        reads: entities::Reads::of(rules),
        uncertain: model
            .resources
            .iter()
            .filter(|r| has_unknown(r))
            .map(|r| &*r.id)
            .collect(),
        type_names: model
            .resources
            .iter()
            .map(|r| (r.type_name, Arc::from(r.type_name)))
            .collect(),
        config,
        today: suppress::today(),
    };
    let indices: Vec<usize> = (0..model.resources.len()).collect();
    let results: Vec<BatchResult> = indices
        .par_chunks(batch_size.max(1))
        .map(|batch| eval.batch(batch))
        .collect();

    let mut per_rule: BTreeMap<String, Counts> = rules
        .rules
        .iter()
        .map(|r| (r.meta.id.clone(), Counts::default()))
        .collect();
    let mut findings = Vec::with_capacity(results.iter().map(|b| b.findings.len()).sum());
    let mut passed = Vec::new();
    for mut batch in results {
        passed.append(&mut batch.passed);
        for (rule_index, c) in batch.counts.into_iter().enumerate() {
            let counts = per_rule
                .entry(rules.rules[rule_index].meta.id.clone())
                .or_default();
            counts.pass += c.pass;
            counts.fail += c.fail;
            counts.not_assessed += c.not_assessed;
            counts.suppressed += c.suppressed;
        }
        findings.extend(batch.findings);
        errors.extend(batch.errors.into_iter().map(|message| ToolError {
            path: "<model>".into(),
            line: None,
            column: None,
            message,
        }));
    }
    findings.extend(not_collected_findings(model, rules, schema, &mut per_rule));
    findings.par_sort_by(|a, b| {
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
        suppressed: t.suppressed + c.suppressed,
    });
    errors.sort();
    errors.dedup();
    let warnings = suppress::warnings(model, rules, &config.ignore, &config.source, eval.today);
    AuditReport {
        tool: "ailint",
        version: crate::VERSION,
        inputs,
        accounts: model.accounts().into_iter().map(str::to_string).collect(),
        regions: model.regions().into_iter().map(str::to_string).collect(),
        resources: model
            .resources
            .iter()
            .filter(|r| !crate::model::schema::is_synthesized(r.type_name))
            .count(),
        rules: rules.rules.iter().map(|r| r.meta.clone()).collect(),
        findings,
        per_rule,
        totals,
        errors,
        warnings,
        baseline: None,
        generated_at: trend::now_rfc3339(),
        rules_digest: rules_digest(rules),
        comparison: None,
        passed: {
            passed.sort_by(|a, b| {
                (&a.rule_id, &a.resource.location, &a.resource.id).cmp(&(
                    &b.rule_id,
                    &b.resource.location,
                    &b.resource.id,
                ))
            });
            passed
        },
    }
}

/// `sha256:` and the first 16 hex digits of a digest of every rule's id, severity and
/// policy text, in id order.
fn rules_digest(rules: &RuleSet) -> String {
    let mut parts: Vec<(&str, String, String)> = rules
        .rules
        .iter()
        .map(|r| {
            (
                r.meta.id.as_str(),
                r.meta.severity.to_string(),
                r.policy.to_string(),
            )
        })
        .collect();
    parts.sort();
    let mut h = Sha256::new();
    for (id, severity, text) in parts {
        for part in [id, severity.as_str(), text.as_str()] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
    }
    let digest = h.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Evaluation<'_> {
    /// Evaluates the resources at `batch` (positions in the model) against an entity store
    /// of them and of everything they refer to, directly or through other references.
    fn batch(&self, batch: &[usize]) -> BatchResult {
        let model = self.model;
        let mut result = BatchResult {
            counts: vec![Counts::default(); self.rules.rules.len()],
            ..BatchResult::default()
        };
        let mut members: Vec<usize> = batch.to_vec();
        let mut seen: HashSet<usize> = batch.iter().copied().collect();
        let mut next = 0;
        let mut refs = Vec::new();
        while next < members.len() {
            refs.clear();
            entities::references(
                model,
                self.schema,
                &self.reads,
                &model.resources[members[next]],
                &mut refs,
            );
            for &i in &refs {
                if seen.insert(i) {
                    members.push(i);
                }
            }
            next += 1;
        }
        let built: Vec<cedar_policy::Entity> = members
            .iter()
            .filter_map(|&i| {
                match entities::entity(&model.resources[i], self.schema, &self.names, &self.reads) {
                    Ok(e) => Some(e),
                    Err(e) => {
                        result.errors.push(e);
                        None
                    }
                }
            })
            .collect();
        let store = match Entities::from_entities(built, None) {
            Ok(store) => store,
            Err(e) => {
                result.errors.push(e.to_string());
                Entities::empty()
            }
        };
        let (Ok(principal), Ok(action)) = (
            self.names.uid("Ailint::Auditor", "ailint"),
            self.names.uid("Ailint::Action", "audit"),
        ) else {
            unreachable!("fixed entity type names parse")
        };
        let authorizer = Authorizer::new();
        for &ri in batch {
            let r = &model.resources[ri];
            let Some(type_rules) = self.by_type.get(r.type_name) else {
                continue;
            };
            let request = self.names.uid(r.type_name, &r.id).and_then(|uid| {
                Request::new(
                    principal.clone(),
                    action.clone(),
                    uid,
                    self.context.clone(),
                    None,
                )
                .map_err(|e| e.to_string())
            });
            let outcome = match request {
                Ok(req) if self.needs_partial(r) => partial_outcome(
                    authorizer.is_authorized_partial(&req, &type_rules.set, &store),
                    model,
                    r,
                ),
                Ok(req) => {
                    concrete_outcome(&authorizer.is_authorized(&req, &type_rules.set, &store))
                }
                Err(e) => Outcome {
                    errored: type_rules
                        .rules
                        .iter()
                        .map(|&i| (self.rules.rules[i].meta.id.clone(), e.clone()))
                        .collect(),
                    ..Outcome::default()
                },
            };
            for &rule_index in &type_rules.rules {
                let meta = &self.rules.rules[rule_index].meta;
                let id = &meta.id;
                let unknown_tags = self.rules.rules[rule_index]
                    .reads_tags
                    .then(|| r.unknown_for("tags"))
                    .flatten();
                let unset = meta
                    .requires
                    .iter()
                    .find(|k| self.config.is_set(k) != Some(true));
                let verdict = if let Some(key) = unset {
                    Verdict::NotAssessed(format!(
                        "`{key}` is not set in ailint.toml: the rule has nothing to judge against"
                    ))
                } else if let Some(u) = unknown_tags {
                    Verdict::NotAssessed(format!("`tags` is unknown: {}", u.reason))
                } else if let Some(reason) = outcome.residual.get(id) {
                    Verdict::NotAssessed(reason.clone())
                } else if let Some(e) = outcome.errored.get(id) {
                    Verdict::NotAssessed(format!("evaluation error: {e}"))
                } else if outcome.satisfied.iter().any(|s| s == id) {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                let counts = &mut result.counts[rule_index];
                let (status, reason) = match verdict {
                    Verdict::Pass => {
                        counts.pass += 1;
                        if self.record_passes {
                            let type_name = self
                                .type_names
                                .get(r.type_name)
                                .cloned()
                                .unwrap_or_else(|| Arc::from(r.type_name));
                            result.passed.push(Passed {
                                rule_id: Arc::from(id.as_str()),
                                resource: ResourceRef::of(r, type_name),
                            });
                        }
                        continue;
                    }
                    Verdict::Fail => (Status::Fail, None),
                    Verdict::NotAssessed(reason) => (Status::NotAssessed, Some(reason)),
                };
                let suppression =
                    suppress::find(r, id, &self.config.ignore, &self.config.source, self.today);
                match (&suppression, status) {
                    (Some(_), _) => counts.suppressed += 1,
                    (None, Status::Fail) => counts.fail += 1,
                    (None, Status::NotAssessed) => counts.not_assessed += 1,
                }
                let type_name = self
                    .type_names
                    .get(r.type_name)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(r.type_name));
                let mut f = finding(meta, r, type_name, model, self.schema, status, reason);
                f.suppression = suppression;
                result.findings.push(f);
            }
        }
        // Entity stores free slowly; the batch's own thread does it while others work.
        drop(store);
        result
    }

    /// Whether evaluating `r` can meet an unknown value: its own unknown attributes, or a
    /// reference to a resource with one. The rest are evaluated concretely (faster); an
    /// unknown met there anyway is an evaluation error, which is also "not assessed".
    fn needs_partial(&self, r: &Resource) -> bool {
        fn mentions(v: &Value, ids: &HashSet<&str>) -> bool {
            match v {
                Value::String(s) => ids.contains(&**s),
                Value::Set(items) => items.iter().any(|i| mentions(i, ids)),
                Value::Record(rec) => rec.iter().any(|(_, i)| mentions(i, ids)),
                _ => false,
            }
        }
        has_unknown(r)
            || (!self.uncertain.is_empty()
                && (r
                    .attributes
                    .iter()
                    .any(|(_, v)| mentions(v, &self.uncertain))
                    || r.account
                        .as_deref()
                        .is_some_and(|a| self.uncertain.contains(a))))
    }
}

fn has_unknown(r: &Resource) -> bool {
    // Unknown documents and tags are not attributes: Cedar never meets them.
    r.unknown
        .iter()
        .any(|u| !u.path.starts_with("documents.") && u.path != "tags")
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
) -> Result<Option<Json>, String> {
    if let Some(u) = r.unknown_for(path) {
        return Err(format!("`{}` is unknown: {}", u.path, u.reason));
    }
    if path == "tags" {
        return Ok(Some(serde_json::to_value(&r.tags).unwrap_or(Json::Null)));
    }
    let parts: Vec<&str> = path.split('.').collect();
    let head = parts[0];
    let envelope = match head {
        "name" => Some(r.name.as_deref().map(Value::from)),
        "region" => Some(r.region.as_deref().map(Value::from)),
        "account" if r.type_name != "AWS::Region" => Some(r.account.as_deref().map(Value::from)),
        _ => None,
    };
    let mut value = match &envelope {
        Some(v) => v.as_ref(),
        None => r.attributes.get(head),
    };
    let mut ty = schema
        .entity_type(r.type_name)
        .and_then(|s| s.attrs.get(head))
        .map(|a| &a.ty);
    for (i, part) in parts.iter().enumerate().skip(1) {
        match (ty, value) {
            (Some(AttrType::Record(fields)), Some(Value::Record(record))) => {
                value = record.get(part);
                ty = fields.get(*part).map(|f| &f.ty);
            }
            (Some(AttrType::Entity(target)), Some(Value::String(id))) => {
                return match model.get(target, id) {
                    Some(next) => evidence_value(model, schema, next, &parts[i..].join(".")),
                    None => Ok(None),
                };
            }
            _ => return Ok(None),
        }
    }
    Ok(value.map(Value::to_json))
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
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

fn finding(
    meta: &RuleMeta,
    r: &Resource,
    type_name: Arc<str>,
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
                .unwrap_or(Json::Null),
        })
        .collect();
    let mut resource = ResourceRef::of(r, type_name);
    // The line of the property that decides, where the input wrote it.
    if let Some(line) = meta
        .evidence
        .iter()
        .find_map(|p| r.details.as_ref().and_then(|d| d.line_of(p)))
    {
        resource.location.line = line;
    }
    Finding {
        rule_id: meta.id.clone(),
        severity: meta.severity,
        status,
        message: format!("{}: `{}`", meta.title, resource.name),
        fingerprint: fingerprint(&meta.id, &resource),
        resource,
        reason,
        evidence,
        suppression: None,
        trend: None,
    }
}

/// A service the input could not collect makes every rule on its resource types "not
/// assessed" in that scope, so a denied call never reads as a pass.
/// The types a rule judges: its scope, or, for a rule over several types (`resource` with
/// no `is`), every type that has the attributes its evidence names.
fn judged_types<'a>(meta: &'a RuleMeta, schema: &'a ModelSchema) -> Vec<&'a str> {
    if let Some(t) = &meta.resource_type {
        return vec![t.as_str()];
    }
    schema
        .entity_types
        .values()
        .filter(|t| {
            meta.evidence.iter().all(|path| {
                let attr = path.split('.').next().unwrap_or(path);
                t.attrs.contains_key(attr)
            })
        })
        .map(|t| t.name.as_str())
        .collect()
}

fn not_collected_findings(
    model: &Model,
    rules: &RuleSet,
    schema: &ModelSchema,
    per_rule: &mut BTreeMap<String, Counts>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for n in &model.not_collected {
        let scope = format!(
            "{}/{}",
            n.account.as_deref().unwrap_or("*"),
            n.region.as_deref().unwrap_or("*")
        );
        for (meta, t) in rules.rules.iter().flat_map(|rule| {
            judged_types(&rule.meta, schema)
                .into_iter()
                .filter(|t| n.types.iter().any(|n| n == t))
                .map(move |t| (&rule.meta, t))
        }) {
            per_rule.entry(meta.id.clone()).or_default().not_assessed += 1;
            let resource = ResourceRef {
                type_name: t.into(),
                id: format!("{scope}/{t}").into(),
                name: scope.as_str().into(),
                account: n.account.as_deref().map(Into::into),
                region: n.region.as_deref().map(Into::into),
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
                suppression: None,
                trend: None,
            });
        }
    }
    out
}
