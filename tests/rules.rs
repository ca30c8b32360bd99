//! The rule harness: walks `rules/`, and for every rule requires both fixtures, a clean
//! pass, at least one failure of that rule on `fail.json`, zero evaluation errors, and
//! an accepted snapshot of its text report. Its rendered docs are `docs/rules/<id>.md`,
//! checked by `tests/docs.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ailint::config::Config;
use ailint::engine::{RuleSet, Status};
use ailint::model::ModelSchema;
use ailint::report::{self, Format};

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rule_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "cedar") {
            out.push(p);
        }
    }
}

/// Fixture files of a rule, by input kind: the inventory (`json`), a CloudFormation
/// template, a Terraform configuration, a Terraform plan.
const FIXTURE_SUFFIXES: [&str; 4] = ["json", "cfn.yaml", "tf", "tfplan.json"];

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"ailint \d+\.\d+\.\d+\S*", "ailint [VERSION]");
    s
}

#[test]
fn every_rule_has_fixtures_passes_fails_and_snapshots() {
    let schema = ModelSchema::builtin();
    let all = RuleSet::load(&[], schema).unwrap_or_else(|errs| {
        panic!(
            "built-in rules do not load:\n{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let mut files = Vec::new();
    rule_files(Path::new("rules"), &mut files);
    assert!(!files.is_empty(), "no rules found");
    let mut problems = Vec::new();
    let mut seen_files = BTreeSet::new();
    for file in &files {
        let shown = file.to_string_lossy().replace('\\', "/");
        let stem = shown
            .trim_start_matches("rules/")
            .trim_end_matches(".cedar")
            .to_string();
        let in_file: Vec<_> = all.rules.iter().filter(|r| r.meta.file == shown).collect();
        if in_file.len() != 1 {
            problems.push(format!(
                "{shown}: holds {} rules; a rule file holds exactly one forbid",
                in_file.len()
            ));
            continue;
        }
        let rule = in_file[0];
        seen_files.insert(shown.clone());
        let id = rule.meta.id.clone();
        let mut only = all.clone();
        only.filter(std::slice::from_ref(&id), &[]);
        only.rules.retain(|r| r.meta.id == id);
        // A rule judged against ailint.toml values may carry its own configuration.
        let config_path = PathBuf::from(format!("fixtures/rules/{stem}/ailint.toml"));
        let config = if config_path.is_file() {
            let text = std::fs::read_to_string(&config_path).unwrap();
            Config::parse(&config_path.to_string_lossy(), &text).unwrap()
        } else {
            Config::default()
        };
        for (kind, suffix) in FIXTURE_SUFFIXES
            .iter()
            .flat_map(|s| [("pass", *s), ("fail", *s)])
        {
            let fixture = PathBuf::from(format!("fixtures/rules/{stem}/{kind}.{suffix}"));
            if !fixture.is_file() {
                // The inventory pair is required; the others where the fact exists
                // (`every_rule_is_proven_on_every_input_kind_that_carries_its_facts`).
                if suffix == "json" {
                    problems.push(format!("{shown}: missing {}", fixture.display()));
                }
                continue;
            }
            let report = ailint::audit_paths(std::slice::from_ref(&fixture), &config, &only);
            if !report.errors.is_empty() {
                problems.push(format!(
                    "{}: input errors: {:?}",
                    fixture.display(),
                    report.errors
                ));
            }
            let failures = report
                .findings
                .iter()
                .filter(|f| f.status == Status::Fail && f.rule_id == id)
                .count();
            let not_assessed: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.status == Status::NotAssessed)
                .collect();
            if !not_assessed.is_empty() {
                problems.push(format!(
                    "{}: {id} not assessed: {:?}",
                    fixture.display(),
                    not_assessed.iter().map(|f| &f.reason).collect::<Vec<_>>()
                ));
            }
            match kind {
                "pass" if failures > 0 => problems.push(format!(
                    "{}: {id} fails {failures} time(s) on its pass fixture",
                    fixture.display()
                )),
                "fail" if failures == 0 => problems.push(format!(
                    "{}: {id} finds nothing on its fail fixture",
                    fixture.display()
                )),
                _ => {}
            }
            if kind == "pass" {
                let passes = report.per_rule.get(&id).map_or(0, |c| c.pass);
                if passes == 0 {
                    problems.push(format!(
                        "{}: {id} is never evaluated on its pass fixture",
                        fixture.display()
                    ));
                }
            }
            if kind == "fail" && suffix == "json" {
                settings().bind(|| {
                    insta::assert_snapshot!(
                        format!("rule-text@{id}"),
                        report::render(&report, Format::Text, false)
                    );
                });
            }
        }
    }
    // Every loaded built-in rule comes from a walked file.
    for r in all.rules.iter().filter(|r| r.meta.builtin) {
        if !seen_files.contains(&r.meta.file) {
            problems.push(format!(
                "{}: rule {} was not walked",
                r.meta.file, r.meta.id
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "rule harness problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn rule_metadata_is_complete_and_consistent() {
    let all = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    let mut by_id = BTreeMap::new();
    for r in &all.rules {
        let m = &r.meta;
        assert!(
            by_id.insert(m.id.clone(), m.file.clone()).is_none(),
            "duplicate id {}",
            m.id
        );
        assert!(
            m.docs.starts_with("https://"),
            "{}: @docs must be a URL",
            m.id
        );
        assert!(
            m.id.starts_with(&m.control),
            "{}: id must extend its @control {}",
            m.id,
            m.control
        );
        assert!(
            // Residency and required tags judge every AI type with one check.
            m.resource_type.is_some() || m.id.starts_with("AIL-RES-") || m.id == "AIL-TAG-001",
            "{}: scope the rule with `resource is T`",
            m.id
        );
        let area_prefix = m.id.split('-').nth(1).unwrap_or("");
        let expected_area = match area_prefix {
            "KMS" => "kms",
            "TLS" => "tls",
            "NET" => "network",
            "RES" => "residency",
            "LOG" => "logging",
            "LF" => "lakeformation",
            "IAM" => "iam",
            "GR" => "guardrails",
            "GOV" => "governance",
            "MON" => "monitoring",
            "VEC" => "vectorstores",
            "S3" => "s3",
            "TAG" => "tags",
            other => panic!("{}: unknown id area {other}", m.id),
        };
        assert_eq!(
            m.area, expected_area,
            "{} lives in rules/{expected_area}/",
            m.id
        );
        assert!(m.title.len() <= 120, "{}: title too long", m.id);
        assert!(
            !m.title.ends_with('.'),
            "{}: titles do not end with a period",
            m.id
        );
    }
    // The six areas of the reference are all covered.
    let areas: BTreeSet<&str> = all.rules.iter().map(|r| r.meta.area.as_str()).collect();
    for area in [
        "kms",
        "tls",
        "network",
        "residency",
        "logging",
        "lakeformation",
    ] {
        assert!(areas.contains(area), "no rule in area {area}");
    }
}

#[test]
fn every_rule_implements_a_catalog_control_of_its_area() {
    use ailint::engine::catalog::Catalog;
    let all = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    let catalog = Catalog::builtin();
    let mut problems = Vec::new();
    for r in all.rules.iter().filter(|r| r.meta.builtin) {
        let m = &r.meta;
        match catalog.get(&m.control) {
            None => problems.push(format!(
                "{}: @control {} is not in rules/catalog.toml",
                m.id, m.control
            )),
            Some(c) => {
                if c.area != m.area {
                    problems.push(format!(
                        "{}: control {} belongs to area {}, the rule is in {}",
                        m.id, c.id, c.area, m.area
                    ));
                }
                if c.declined.is_some() {
                    problems.push(format!(
                        "{}: control {} is declined in the catalog but has a rule",
                        m.id, c.id
                    ));
                }
                if m.section.as_deref() != Some(c.section.as_str()) {
                    problems.push(format!(
                        "{}: @section must be the catalog's `{}`",
                        m.id, c.section
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Rules where the presence of a setting is the fact, whatever its value: a notebook with a
/// `SubnetId` runs in a VPC even when a template's subnet id is known only after
/// deployment. (A denied DescribeNotebookInstance also leaves it present and unknown, so
/// this rule cannot tell that apart; it is the one known exception.)
const PRESENCE_IS_THE_FACT: [(&str, &str); 1] =
    [("rules/network/notebook-not-in-vpc.cedar", "subnetId")];

#[test]
fn every_has_test_is_followed_by_reading_the_value() {
    // An unknown fact is present to Cedar (`has` is true) and only its value is unknown, so
    // a rule that tests `has x` without reading `x` would judge an unknown fact as known:
    // `!(resource has x)` passes it. Every `has` must come with a read of the same path.
    let mut files = Vec::new();
    rule_files(Path::new("rules"), &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with('@'))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = code.as_str();
        while let Some(i) = rest.find(" has ") {
            let before = rest[..i].rsplit(|c: char| c.is_whitespace() || c == '(' || c == '!');
            let subject = before.clone().next().unwrap_or_default();
            let after = &rest[i + 5..];
            let attr: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let read = format!("{subject}.{attr}");
            if !code.contains(&read)
                && !PRESENCE_IS_THE_FACT.contains(&(f.to_str().unwrap(), attr.as_str()))
            {
                problems.push(format!(
                    "{}: `{subject} has {attr}` without reading `{read}`",
                    f.display()
                ));
            }
            rest = &after[attr.len()..];
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The model types whose resources a derived attribute is computed from, where those are
/// other resources: a source carries the fact only if it has one of them (no template
/// type configures Bedrock model invocation logging, so no template bucket receives it).
fn fed(entity: &str, attr: &str) -> Option<&'static [&'static str]> {
    match (entity, attr) {
        ("AWS::S3::Bucket", "invocationLogs") => Some(&["AWS::Bedrock::ModelInvocationLogging"]),
        ("AWS::S3::Bucket", "blocksPublicAccess") => Some(&["AWS::S3::AccountPublicAccessBlock"]),
        ("AWS::S3::Bucket", "aiData") => Some(&[
            "AWS::SageMaker::Model",
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::TrainingJob",
            "AWS::Bedrock::ModelInvocationLogging",
        ]),
        _ => None,
    }
}

/// Facts that only an account seen whole can make false: no trail of the account records
/// a bucket's object events. A template or plan shows part of an account (a trail may be
/// declared elsewhere), so there they are true or unknown, never false, and a failing
/// fixture cannot exist.
fn account_wide(entity: &str, attr: &str) -> bool {
    matches!(
        (entity, attr),
        (
            "AWS::S3::Bucket",
            "objectReadsRecorded" | "objectWritesRecorded"
        )
    )
}

/// A rule whose resource type and evidence a source kind carries is proven on that kind:
/// its fixture directory holds a failing and a passing file of it. A fact derived from the
/// resource's account is not carried by Terraform, whose inputs do not say which account
/// they deploy to (only CloudFormation's `[cloudformation] account` does). Nor is a fact
/// derived from a resource type the kind has no mapping for: a bucket blocks public access
/// through its account's settings too, and CloudFormation has no type for those.
#[test]
fn every_rule_is_proven_on_every_input_kind_that_carries_its_facts() {
    use ailint::sources::{cloudformation, terraform};
    let schema = ModelSchema::builtin();
    let all = RuleSet::load(&[], schema).unwrap();
    let mut missing = Vec::new();
    for r in all.rules.iter().filter(|r| r.meta.builtin) {
        let m = &r.meta;
        let Some(t) = m.resource_type.as_deref() else {
            continue;
        };
        let stem = m
            .file
            .trim_start_matches("rules/")
            .trim_end_matches(".cedar");
        // `knows_region`: a template does not fix its region; `[cloudformation] region`
        // does, for every template of a fixture directory alike, so a pass and a fail
        // template cannot differ by it. A Terraform provider block fixes it per file.
        for (kind, mappings, suffix, knows_account, knows_region) in [
            (
                "CloudFormation",
                &cloudformation::types::MAPPINGS,
                "cfn.yaml",
                true,
                false,
            ),
            ("Terraform", &terraform::types::MAPPINGS, "tf", false, true),
        ] {
            let mapped: Vec<&str> = mappings
                .types
                .iter()
                .filter(|tm| tm.model == t)
                .flat_map(|tm| tm.attributes.iter().map(|(a, _)| *a))
                .chain(
                    mappings
                        .attachments
                        .iter()
                        .filter(|a| a.model == t)
                        .flat_map(|a| a.attributes.iter().map(|(a, _)| *a)),
                )
                .collect();
            let has_type = mappings.types.iter().any(|tm| tm.model == t);
            let carried = has_type
                && !m.evidence.iter().any(|path| account_wide(t, path))
                && m.evidence.iter().all(|path| {
                    let attr = path.split('.').next().unwrap_or(path);
                    mapped.contains(&attr)
                        || schema
                            .entity_type(t)
                            .and_then(|e| e.attrs.get(attr))
                            .and_then(|a| a.derived.as_deref())
                            .is_some_and(|from| knows_account || !from.contains("account"))
                            && fed(t, attr).is_none_or(|types| {
                                types
                                    .iter()
                                    .any(|f| mappings.types.iter().any(|tm| tm.model == *f))
                            })
                        || attr == "tags"
                        || (attr == "region" && knows_region)
                        || attr == "name"
                });
            if !carried {
                continue;
            }
            for v in ["fail", "pass"] {
                let f = format!("fixtures/rules/{stem}/{v}.{suffix}");
                if !Path::new(&f).is_file() {
                    missing.push(format!("{}: {kind} carries its facts; add {f}", m.id));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} missing fixtures:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// A rule that judges against a setting with no default is "not assessed" while the
/// setting is unset, and names it; every `@requires` is a setting the configuration knows.
#[test]
fn a_rule_whose_setting_is_unset_is_not_assessed() {
    let all = RuleSet::load(&[], ModelSchema::builtin()).unwrap();
    for r in &all.rules {
        for key in &r.meta.requires {
            assert!(
                ailint::config::REQUIRABLE.contains(&key.as_str())
                    && Config::default().is_set(key).is_some(),
                "{}: @requires names `{key}`, which is not a requirable setting",
                r.meta.id
            );
        }
    }
    let mut only = all.clone();
    only.rules.retain(|r| r.meta.id == "AIL-LF-003");
    let fixture = PathBuf::from("fixtures/rules/lakeformation/admin-not-allow-listed/fail.json");
    let report = ailint::audit_paths(std::slice::from_ref(&fixture), &Config::default(), &only);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(f.status, Status::NotAssessed, "{f:?}");
        assert!(
            f.reason
                .as_deref()
                .is_some_and(|r| r.contains("`lakeformation.admins` is not set")),
            "{f:?}"
        );
    }
    assert_eq!(report.per_rule["AIL-LF-003"].pass, 0);
}
