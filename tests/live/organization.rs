//! Organizations and the read-only proof: `--org --role-name` reads every member account,
//! `--shard` splits them, and every call of a run is a read named in docs/iam-policy.json.

use std::collections::BTreeSet;

use ailint::sources::aws::{collect_with, Call, LiveOptions};
use serde_json::Value;

use super::{ailint_at, args_ref, common, config_path, emulator, verdicts};

/// The calls a read may make: reads, by their names.
fn is_read(operation: &str) -> bool {
    ["Get", "List", "Describe", "BatchGet"]
        .iter()
        .any(|p| operation.starts_with(p))
}

fn policy_actions() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/iam-policy.json");
    let policy: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "one read-only statement");
    assert_eq!(statements[0]["Effect"], "Allow");
    statements[0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

async fn emulator_config(url: &str) -> aws_config::SdkConfig {
    use aws_config::retry::RetryConfig;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_credential_types::Credentials;
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(url)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "test",
        )))
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .load()
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_call_is_a_read_and_the_shipped_policy_names_exactly_those() {
    let e = emulator();
    let config = emulator_config(&e.url).await;
    let mut calls: Vec<Call> = Vec::new();
    // The whole organization in the seeded regions...
    let org = LiveOptions {
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        org_role_name: Some("AilintAudit".into()),
        max_attempts: 2,
        ..LiveOptions::default()
    };
    let run = collect_with(config.clone(), &org).await.unwrap();
    assert_eq!(run.collections.len(), 3);
    calls.extend(run.calls);
    // ... every enabled region of the (empty) management account...
    let all = LiveOptions {
        all_regions: true,
        max_attempts: 2,
        ..LiveOptions::default()
    };
    let run = collect_with(config, &all).await.unwrap();
    assert!(run.collections[0].regions.len() > 10);
    calls.extend(run.calls);
    // ... and the collectors of the APIs the emulator lacks, on the SDK's test client.
    calls.extend(super::replay::calls_of_every_replayed_service().await);

    let writes: Vec<&Call> = calls.iter().filter(|c| !is_read(&c.operation)).collect();
    assert!(writes.is_empty(), "calls that are not reads: {writes:?}");

    let policy = policy_actions();
    let called: BTreeSet<String> = calls.iter().map(|c| c.action.clone()).collect();
    let missing: Vec<&String> = called.difference(&policy).collect();
    assert!(missing.is_empty(), "docs/iam-policy.json lacks {missing:?}");
    // Least privilege: nothing in the policy that no collector calls, nothing but reads.
    let unused: Vec<&String> = policy.difference(&called).collect();
    assert!(
        unused.is_empty(),
        "docs/iam-policy.json grants unused {unused:?}"
    );
    for action in &policy {
        let (_, name) = action.split_once(':').unwrap();
        assert!(
            is_read(name) && !name.contains('*'),
            "{action} is not a read"
        );
    }
}

fn org_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--org",
        "--role-name",
        "AilintAudit",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn an_organization_is_audited_account_by_account_and_shards_add_up_to_it() {
    let e = emulator();
    let dir = tempfile::tempdir().unwrap();
    let config = config_path();
    let mut args = vec!["audit".to_string()];
    args.extend(org_args(&[
        "--config",
        &config,
        "--format",
        "json",
        "-o",
        "org.json",
        "--fail-on",
        "none",
    ]));
    let out = ailint_at(&e.url, dir.path(), &args_ref(&args), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("from 3 accounts"));
    let org: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("org.json")).unwrap())
            .unwrap();
    let inventory = dir.path().join("ailint-inventory-organization.json");
    assert!(inventory.is_file(), "the organization's inventory is kept");
    let accounts: BTreeSet<String> = org["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .filter_map(|f| f["resource"]["account"].as_str().map(str::to_string))
        .collect();
    assert!(accounts.contains(&e.noncompliant) && accounts.contains(&e.compliant));

    // Two shards are disjoint and together the organization.
    let mut shard_accounts = Vec::new();
    for shard in ["1/2", "2/2"] {
        let file = format!("shard-{}.json", &shard[..1]);
        let mut args = vec!["collect".to_string()];
        args.extend(org_args(&["--shard", shard, "-o", &file]));
        let out = ailint_at(&e.url, dir.path(), &args_ref(&args), &[]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let inv: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(&file)).unwrap())
                .unwrap();
        let ids: BTreeSet<String> = inv["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!ids.is_empty(), "shard {shard} is empty");
        shard_accounts.push(ids);
    }
    assert!(shard_accounts[0].is_disjoint(&shard_accounts[1]));
    let union: BTreeSet<&String> = shard_accounts.iter().flatten().collect();
    assert_eq!(union.len(), 3);
    assert!(union.contains(&e.management));

    // Their inventories, audited together, give the organization's findings.
    let out = common::ailint(&[
        "audit",
        dir.path().join("shard-1.json").to_str().unwrap(),
        dir.path().join("shard-2.json").to_str().unwrap(),
        "--config",
        &config,
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let merged: Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    assert_eq!(verdicts(&merged), verdicts(&org));
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_not_assessed() {
    let e = emulator();
    let dir = tempfile::tempdir().unwrap();
    let proxy = super::proxy::Proxy::start(
        &e.url,
        super::proxy::Plan {
            deny_assume: Some(e.compliant.clone()),
            ..super::proxy::Plan::default()
        },
    );
    let mut args = vec!["audit".to_string()];
    args.extend(org_args(&[
        "--config",
        &config_path(),
        "--format",
        "json",
        "-o",
        "org.json",
    ]));
    let out = ailint_at(&proxy.url, dir.path(), &args_ref(&args), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let org: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("org.json")).unwrap())
            .unwrap();
    let findings = org["findings"].as_array().unwrap();
    // The other member is audited as ever...
    assert!(findings
        .iter()
        .any(|f| f["resource"]["account"] == e.noncompliant.as_str() && f["status"] == "fail"));
    // ... and the unreachable one is "not assessed" throughout, saying why.
    let theirs: Vec<&Value> = findings
        .iter()
        .filter(|f| f["resource"]["account"] == e.compliant.as_str())
        .collect();
    assert!(theirs.len() > 20, "{}", theirs.len());
    for f in theirs {
        assert_eq!(f["status"], "not_assessed", "{f}");
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains("sts:AssumeRole") && reason.contains("AccessDenied"),
            "{reason}"
        );
    }
}
