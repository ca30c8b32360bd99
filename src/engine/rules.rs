//! Rules: `forbid` policies in `rules/<area>/<name>.cedar`, their metadata in annotations.
//!
//! Every rule is validated against the schema in strict mode when it is loaded; a typo is an
//! error with a span into the `.cedar` file. `@id` becomes the Cedar policy id, so the
//! reasons of a Cedar response are the ids of the violated rules.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{
    Effect, Policy, PolicyId, PolicySet, ResourceConstraint, ValidationMode, Validator,
};
use include_dir::{include_dir, Dir};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::model::schema::{AttrType, ModelSchema};

static BUILTIN_RULES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// How bad a violation is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity`, inside its bands (critical > 9.0).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(()),
        }
    }
}

/// Annotations every rule must carry.
pub const REQUIRED_ANNOTATIONS: [&str; 8] = [
    "id",
    "title",
    "severity",
    "remediation",
    "rationale",
    "docs",
    "control",
    "evidence",
];

/// Equivalent checks in other frameworks and tools, by annotation key.
pub const MAPPING_ANNOTATIONS: [(&str, &str); 9] = [
    ("securityhub", "AWS Security Hub"),
    ("config", "AWS Config rules"),
    ("cis", "CIS AWS Foundations"),
    ("checkov", "Checkov"),
    ("prowler", "Prowler"),
    ("cfnguard", "cfn-guard rules registry"),
    ("trivy", "Trivy"),
    ("steampipe", "Steampipe"),
    ("kics", "KICS"),
];

const OPTIONAL_ANNOTATIONS: [&str; 3] = ["area", "section", "requires"];

/// What a rule says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The control area: the rule's directory under `rules/`, or `@area`.
    pub area: String,
    /// The catalog control the rule implements (`AIL-KMS-002` for `AIL-KMS-002B`).
    pub control: String,
    pub section: Option<String>,
    pub rationale: String,
    pub remediation: String,
    pub docs: String,
    /// Attribute paths the rule judges, e.g. `kmsKey.keyManager`.
    pub evidence: Vec<String>,
    /// Framework annotation key → equivalent ids.
    pub mappings: BTreeMap<String, Vec<String>>,
    /// The resource type in the rule's scope (`resource is T`); `None` for any.
    pub resource_type: Option<String>,
    /// Where the rule is defined, e.g. `rules/network/notebook-direct-internet.cedar`.
    pub file: String,
    pub builtin: bool,
    /// `ailint.toml` settings the rule judges against and that have no default (`@requires`):
    /// while one is unset the rule reports "not assessed", never a pass.
    pub requires: Vec<String>,
    /// The policy text, for `ailint explain`.
    #[serde(skip)]
    pub source: String,
}

/// A loaded rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub policy: Policy,
    /// Whether the policy reads the resource's tags (`hasTag`, `getTag`): unknown tags
    /// leave it "not assessed".
    pub reads_tags: bool,
}

/// A rule file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", self.line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RuleError {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
    pub help: Option<String>,
    pub src: Option<NamedSource<Arc<str>>>,
    pub labels: Vec<LabeledSpan>,
}

impl Diagnostic for RuleError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

struct RuleFile {
    /// Display path, e.g. `rules/network/x.cedar`.
    path: String,
    /// Directory under the rules root: the default area.
    area: String,
    text: Arc<str>,
    builtin: bool,
}

impl RuleFile {
    fn error(&self, message: impl Into<String>, span: Option<SourceSpan>) -> RuleError {
        let line = span.map(|s| self.line_of(s.offset()));
        RuleError {
            file: self.path.clone(),
            line,
            message: message.into(),
            help: None,
            src: Some(NamedSource::new(self.path.clone(), self.text.clone())),
            labels: span
                .map(|s| LabeledSpan::new_with_span(None, s))
                .into_iter()
                .collect(),
        }
    }

    /// Wraps a Cedar diagnostic, keeping its spans into this file.
    fn diagnostic(&self, d: &dyn Diagnostic, context: &str) -> RuleError {
        let labels: Vec<LabeledSpan> = d.labels().map(|l| l.collect()).unwrap_or_default();
        let line = labels.first().map(|l| self.line_of(l.offset()));
        RuleError {
            file: self.path.clone(),
            line,
            message: format!("{context}{d}"),
            help: d.help().map(|h| h.to_string()),
            src: Some(NamedSource::new(self.path.clone(), self.text.clone())),
            labels,
        }
    }

    /// The span of `@id("<id>")`, to point errors about a rule at it.
    fn id_span(&self, id: &str) -> Option<SourceSpan> {
        let needle = format!("@id(\"{id}\")");
        self.text
            .find(&needle)
            .map(|o| SourceSpan::from((o, needle.len())))
    }

    fn line_of(&self, offset: usize) -> u32 {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count() as u32
            + 1
    }
}

/// The rules of one run.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in rules plus every `.cedar` file under `extra_dirs`.
    pub fn load(extra_dirs: &[PathBuf], schema: &ModelSchema) -> Result<RuleSet, Vec<RuleError>> {
        let mut files = Vec::new();
        collect_builtin(&BUILTIN_RULES, &mut files);
        let mut errors = Vec::new();
        for dir in extra_dirs {
            if let Err(e) = collect_dir(dir, dir, &mut files) {
                errors.push(*e);
            }
        }
        let (set, mut errs) = RuleSet::from_files(files, schema);
        errors.append(&mut errs);
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// Loads rules from in-memory `(display path, area, text)` triples (used by tests).
    pub fn from_sources(
        sources: &[(&str, &str, &str)],
        schema: &ModelSchema,
    ) -> Result<RuleSet, Vec<RuleError>> {
        let files = sources
            .iter()
            .map(|(path, area, text)| RuleFile {
                path: path.to_string(),
                area: area.to_string(),
                text: Arc::from(*text),
                builtin: false,
            })
            .collect();
        let (set, errors) = RuleSet::from_files(files, schema);
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    fn from_files(mut files: Vec<RuleFile>, schema: &ModelSchema) -> (RuleSet, Vec<RuleError>) {
        files.sort_by(|a, b| (!a.builtin, &a.path).cmp(&(!b.builtin, &b.path)));
        let validator = Validator::new(schema.cedar.clone());
        let mut rules: Vec<Rule> = Vec::new();
        let mut errors = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for file in &files {
            let parsed = match PolicySet::from_str(&file.text) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(file.diagnostic(&e, "cannot parse: "));
                    continue;
                }
            };
            if parsed.templates().next().is_some() {
                errors.push(file.error("rule files cannot hold templates", None));
                continue;
            }
            let mut file_set = PolicySet::new();
            let mut file_rules = Vec::new();
            let mut policies: Vec<&Policy> = parsed.policies().collect();
            policies.sort_by_key(|p| p.id().to_string());
            for policy in policies {
                match rule_from_policy(file, policy, schema) {
                    Ok(rule) => {
                        if !seen.insert(rule.meta.id.clone()) {
                            errors.push(file.error(
                                format!("duplicate rule id `{}`", rule.meta.id),
                                file.id_span(&rule.meta.id),
                            ));
                            continue;
                        }
                        if let Err(e) = file_set.add(rule.policy.clone()) {
                            errors.push(file.error(e.to_string(), None));
                            continue;
                        }
                        file_rules.push(rule);
                    }
                    Err(e) => errors.push(*e),
                }
            }
            let result = validator.validate(&file_set, ValidationMode::Strict);
            let mut valid = true;
            for e in result.validation_errors() {
                valid = false;
                errors.push(
                    file.diagnostic(e, &format!("rule `{}` does not validate: ", e.policy_id())),
                );
            }
            for w in result.validation_warnings() {
                valid = false;
                errors.push(file.diagnostic(w, "rule has a validation warning: "));
            }
            if valid {
                rules.extend(file_rules);
            }
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        (RuleSet { rules }, errors)
    }

    /// Keeps the rules whose id starts with one of `select` (all when empty) and with none
    /// of `ignore`.
    pub fn filter(&mut self, select: &[String], ignore: &[String]) {
        let matches = |id: &str, pats: &[String]| pats.iter().any(|p| id.starts_with(p.as_str()));
        self.rules.retain(|r| {
            (select.is_empty() || matches(&r.meta.id, select)) && !matches(&r.meta.id, ignore)
        });
    }

    /// Whether any rule reads entity tags (`hasTag`/`getTag` are the only ways to).
    pub fn read_tags(&self) -> bool {
        self.rules.iter().any(|r| r.reads_tags)
    }

    /// The attribute names any rule reads (`e.name`, `e has name`), on any entity or
    /// record; `None` when a rule cannot be inspected, which keeps every attribute. An
    /// attribute no rule names cannot change a verdict, so entities leave it out.
    pub fn read_attributes(&self) -> Option<HashSet<String>> {
        fn walk(v: &serde_json::Value, out: &mut HashSet<String>) {
            match v {
                serde_json::Value::Object(obj) => {
                    for (k, inner) in obj {
                        match (k.as_str(), inner) {
                            ("attr", serde_json::Value::String(name)) => {
                                out.insert(name.clone());
                            }
                            // `e has a.b` lists the path.
                            ("attr", serde_json::Value::Array(names)) => out.extend(
                                names.iter().filter_map(|n| n.as_str().map(str::to_string)),
                            ),
                            _ => walk(inner, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
        let mut out = HashSet::new();
        for rule in &self.rules {
            walk(&rule.policy.to_json().ok()?, &mut out);
        }
        Some(out)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.meta.id.eq_ignore_ascii_case(id))
    }
}

fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<RuleFile>) {
    for file in dir.files() {
        let path = file.path();
        if path.extension().and_then(|e| e.to_str()) != Some("cedar") {
            continue;
        }
        let Some(text) = file.contents_utf8() else {
            continue;
        };
        out.push(RuleFile {
            path: format!("rules/{}", path.to_string_lossy().replace('\\', "/")),
            area: area_of(path),
            text: Arc::from(text),
            builtin: true,
        });
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

fn area_of(relative: &Path) -> String {
    relative
        .parent()
        .and_then(|p| p.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_else(|| "custom".into())
}

fn collect_dir(root: &Path, dir: &Path, out: &mut Vec<RuleFile>) -> Result<(), Box<RuleError>> {
    let io_error = |e: std::io::Error| {
        Box::new(RuleError {
            file: dir.display().to_string(),
            line: None,
            message: format!("cannot read rules: {e}"),
            help: None,
            src: None,
            labels: vec![],
        })
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_error)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_dir(root, &path, out)?;
        } else if path.extension().and_then(|e| e.to_str()) == Some("cedar") {
            let text = std::fs::read_to_string(&path).map_err(io_error)?;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push(RuleFile {
                path: path.display().to_string(),
                area: area_of(relative),
                text: Arc::from(text),
                builtin: false,
            });
        }
    }
    Ok(())
}

/// Whether a policy (its JSON form) tests or reads tags.
fn mentions_tag_operator(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(obj) => obj
            .iter()
            .any(|(k, inner)| k == "hasTag" || k == "getTag" || mentions_tag_operator(inner)),
        serde_json::Value::Array(items) => items.iter().any(mentions_tag_operator),
        _ => false,
    }
}

fn rule_from_policy(
    file: &RuleFile,
    policy: &Policy,
    schema: &ModelSchema,
) -> Result<Rule, Box<RuleError>> {
    let ann = |k: &str| policy.annotation(k).map(str::to_string);
    let Some(id) = ann("id") else {
        return Err(Box::new(
            file.error("a rule needs an `@id` annotation", None),
        ));
    };
    let err = |msg: String| Box::new(file.error(format!("rule `{id}`: {msg}"), file.id_span(&id)));
    if policy.effect() != Effect::Forbid {
        return Err(err(
            "rules are `forbid` policies: each satisfied forbid is a finding".into(),
        ));
    }
    if !valid_id(&id, file.builtin) {
        return Err(err(if file.builtin {
            "built-in rule ids look like `AIL-AREA-000` with an optional letter".into()
        } else {
            "rule ids use letters, digits, `.`, `_` and `-`".into()
        }));
    }
    for (key, _) in policy.annotations() {
        let known = REQUIRED_ANNOTATIONS.contains(&key)
            || OPTIONAL_ANNOTATIONS.contains(&key)
            || MAPPING_ANNOTATIONS.iter().any(|(k, _)| *k == key);
        if !known {
            return Err(err(format!("unknown annotation `@{key}`")));
        }
    }
    let mut missing = REQUIRED_ANNOTATIONS
        .iter()
        .filter(|k| ann(k).is_none_or(|v| v.trim().is_empty()));
    if let Some(k) = missing.next() {
        return Err(err(format!("missing the required annotation `@{k}`")));
    }
    let severity_text = ann("severity").unwrap_or_default();
    let severity = Severity::from_str(&severity_text).map_err(|_| {
        err(format!(
            "`@severity` is `{severity_text}`; use one of `critical`, `high`, `medium`, `low`"
        ))
    })?;
    let resource_type = match policy.resource_constraint() {
        ResourceConstraint::Is(t) | ResourceConstraint::IsIn(t, _) => Some(t.to_string()),
        _ => None,
    };
    let evidence: Vec<String> = split_list(&ann("evidence").unwrap_or_default());
    for path in &evidence {
        let ok = match &resource_type {
            Some(t) => evidence_path_exists(schema, t, path),
            None => schema
                .resource_types
                .iter()
                .any(|t| evidence_path_exists(schema, t, path)),
        };
        if !ok {
            return Err(err(format!(
                "`@evidence` names `{path}`, which is not an attribute of `{}`",
                resource_type.as_deref().unwrap_or("any resource type")
            )));
        }
    }
    let mappings = MAPPING_ANNOTATIONS
        .iter()
        .filter_map(|(k, _)| ann(k).map(|v| (k.to_string(), split_list(&v))))
        .collect();
    let reads_tags = policy
        .to_json()
        .is_ok_and(|est| mentions_tag_operator(&est));
    let control = ann("control").unwrap_or_default();
    // The catalog's section name unless the rule says otherwise (user rules may).
    let section = ann("section").or_else(|| {
        super::catalog::Catalog::builtin()
            .get(&control)
            .map(|c| c.section.clone())
    });
    Ok(Rule {
        reads_tags,
        meta: RuleMeta {
            title: ann("title").unwrap_or_default(),
            severity,
            area: ann("area").unwrap_or_else(|| file.area.clone()),
            requires: ann("requires").map(|v| split_list(&v)).unwrap_or_default(),
            control,
            section,
            rationale: ann("rationale").unwrap_or_default(),
            remediation: ann("remediation").unwrap_or_default(),
            docs: ann("docs").unwrap_or_default(),
            evidence,
            mappings,
            resource_type,
            file: file.path.clone(),
            builtin: file.builtin,
            source: policy.to_string(),
            id: id.clone(),
        },
        policy: policy.new_id(PolicyId::new(&id)),
    })
}

fn split_list(v: &str) -> Vec<String> {
    v.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn valid_id(id: &str, builtin: bool) -> bool {
    if builtin {
        let parts: Vec<&str> = id.split('-').collect();
        return parts.len() == 3
            && parts[0] == "AIL"
            && parts[1].bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            // Areas are upper-case words, digits allowed after the first letter (S3).
            && parts[1]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && parts[2].len() >= 3
            && parts[2][..3].bytes().all(|b| b.is_ascii_digit())
            && parts[2][3..].bytes().all(|b| b.is_ascii_uppercase())
            && parts[2].len() <= 4;
    }
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Whether a dotted path names an attribute of `type_name`, following references.
pub fn evidence_path_exists(schema: &ModelSchema, type_name: &str, path: &str) -> bool {
    let Some(spec) = schema.entity_type(type_name) else {
        return false;
    };
    if path == "tags" {
        return spec.has_tags;
    }
    let mut fields = &spec.attrs;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(attr) = fields.get(part) else {
            return false;
        };
        if parts.peek().is_none() {
            return true;
        }
        match &attr.ty {
            AttrType::Record(inner) => fields = inner,
            AttrType::Entity(target) => match schema.entity_type(target) {
                Some(t) => fields = &t.attrs,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_attributes_are_the_names_rules_access_or_test() {
        let set = RuleSet::from_sources(
            &[(
                "x.cedar",
                "x",
                r#"
@id("X-2")
@title("t") @severity("high") @remediation("r") @rationale("why") @docs("https://x")
@control("AIL-KMS-001") @evidence("kmsKey")
forbid (principal, action, resource is AWS::SageMaker::NotebookInstance)
when { resource has kmsKey && resource.kmsKey has keyManager && resource.kmsKey.keyManager != "CUSTOMER" };
"#,
            )],
            ModelSchema::builtin(),
        )
        .unwrap();
        let read = set.read_attributes().unwrap();
        let mut names: Vec<&str> = read.iter().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, vec!["keyManager", "kmsKey"]);
    }

    const GOOD: &str = r#"
@id("X-1")
@title("t") @severity("high") @remediation("r") @rationale("why") @docs("https://x")
@control("AIL-NET-001") @evidence("directInternetAccess")
forbid (principal, action, resource is AWS::SageMaker::NotebookInstance)
when { resource has directInternetAccess && resource.directInternetAccess == "Enabled" };
"#;

    #[test]
    fn a_good_rule_loads_with_its_metadata() {
        let set = RuleSet::from_sources(&[("my/x.cedar", "custom", GOOD)], ModelSchema::builtin())
            .unwrap();
        let r = &set.rules[0];
        assert_eq!(r.meta.id, "X-1");
        assert_eq!(r.policy.id().to_string(), "X-1");
        assert_eq!(
            r.meta.resource_type.as_deref(),
            Some("AWS::SageMaker::NotebookInstance")
        );
    }

    #[test]
    fn an_attribute_typo_is_an_error_with_a_span() {
        let bad = GOOD.replace(
            "resource.directInternetAccess ==",
            "resource.directInternetAcess ==",
        );
        let errs = RuleSet::from_sources(&[("my/x.cedar", "custom", &bad)], ModelSchema::builtin())
            .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("X-1"), "{}", errs[0]);
        assert_eq!(errs[0].line, Some(6), "{}", errs[0]);
        assert!(!errs[0].labels.is_empty());
    }

    #[test]
    fn metadata_problems_are_errors() {
        let cases = [
            (
                GOOD.replace("@severity(\"high\")", "@severity(\"urgent\")"),
                "`@severity` is `urgent`",
            ),
            (
                GOOD.replace("@docs(\"https://x\")", ""),
                "missing the required annotation `@docs`",
            ),
            (
                GOOD.replace("forbid", "permit"),
                "rules are `forbid` policies",
            ),
            (
                GOOD.replace(
                    "@evidence(\"directInternetAccess\")",
                    "@evidence(\"internet\")",
                ),
                "`@evidence` names `internet`",
            ),
            (
                GOOD.replace("@control", "@contrl"),
                "unknown annotation `@contrl`",
            ),
        ];
        for (text, expected) in cases {
            let errs =
                RuleSet::from_sources(&[("x.cedar", "custom", &text)], ModelSchema::builtin())
                    .unwrap_err();
            assert!(
                errs[0].message.contains(expected),
                "{} lacks {expected}",
                errs[0]
            );
        }
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let errs = RuleSet::from_sources(
            &[("a.cedar", "custom", GOOD), ("b.cedar", "custom", GOOD)],
            ModelSchema::builtin(),
        )
        .unwrap_err();
        assert!(errs[0].message.contains("duplicate rule id `X-1`"));
    }

    #[test]
    fn parse_errors_point_into_the_file() {
        let errs = RuleSet::from_sources(
            &[(
                "x.cedar",
                "custom",
                "forbid (principal, action, resource) when { ;",
            )],
            ModelSchema::builtin(),
        )
        .unwrap_err();
        assert!(errs[0].message.starts_with("cannot parse"), "{}", errs[0]);
        assert_eq!(errs[0].line, Some(1));
    }

    #[test]
    fn builtin_ids_follow_the_catalog_shape() {
        assert!(valid_id("AIL-KMS-001", true));
        assert!(valid_id("AIL-TLS-001B", true));
        assert!(valid_id("AIL-S3-001B", true));
        assert!(!valid_id("AIL-3S-001", true));
        assert!(!valid_id("AIL-KMS-1", true));
        assert!(!valid_id("ail-kms-001", true));
        assert!(valid_id("acme.custom-1", false));
    }
}
