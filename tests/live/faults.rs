//! What real accounts do to a scanner, injected by the proxy: throttling, server errors and
//! slow answers are retried to the same findings; a denied service is "not assessed";
//! expired credentials stop the run with a clear error.

use std::time::Duration;

use serde_json::Value;

use super::proxy::{Plan, Proxy};
use super::{account_args, ailint_at, args_ref, common, emulator, verdicts, Emulator};

fn audit_through(e: &Emulator, endpoint: &str, attempts: &str) -> (Option<i32>, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["audit".to_string()];
    args.extend(account_args(e, &e.noncompliant));
    args.extend(["--format", "json", "-o", "report.json"].map(String::from));
    let out = ailint_at(
        endpoint,
        dir.path(),
        &args_ref(&args),
        &[("AWS_MAX_ATTEMPTS", attempts)],
    );
    let report = std::fs::read_to_string(dir.path().join("report.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null);
    (out.status.code(), report, common::stderr(&out))
}

#[test]
fn throttling_server_errors_and_slow_answers_are_retried_to_the_same_findings() {
    let e = emulator();
    let (_, clean, _) = audit_through(&e, &e.url, "5");
    let proxy = Proxy::start(
        &e.url,
        Plan {
            throttle: 150,
            server_error: 80,
            slow: 20,
            slow_for: Duration::from_millis(1500),
            ..Plan::default()
        },
    );
    let (code, faulty, stderr) = audit_through(&e, &proxy.url, "5");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(proxy.count(|s| &s.throttled) > 5, "too few faults injected");
    assert!(
        proxy.count(|s| &s.server_errors) > 2,
        "too few faults injected"
    );
    assert!(proxy.count(|s| &s.slowed) > 0, "no slow answer injected");

    // Every verdict is the clean run's, except "not assessed" where a call ran out of
    // retries, which says so. Nothing becomes a pass.
    let clean_verdicts = verdicts(&clean);
    let faulty_verdicts = verdicts(&faulty);
    for v in &faulty_verdicts {
        if clean_verdicts.contains(v) {
            continue;
        }
        assert_eq!(v.0, "not_assessed", "{v:?} is not in the clean run");
    }
    let exhausted: Vec<&Value> = faulty["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let key = (
                f["status"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap_or("").to_string(),
                f["resource"]["region"].as_str().unwrap_or("").to_string(),
            );
            !clean_verdicts.contains(&key)
        })
        .collect();
    for f in &exhausted {
        let reason = f["reason"].as_str().unwrap_or("");
        assert!(
            reason.contains("throttled after retries") || reason.contains("HTTP 500"),
            "{f}"
        );
    }
    let clean_fails = clean_verdicts.iter().filter(|v| v.0 == "fail").count();
    let faulty_fails = faulty_verdicts.iter().filter(|v| v.0 == "fail").count();
    assert!(
        faulty_fails * 10 >= clean_fails * 9,
        "retries recovered too little: {faulty_fails} of {clean_fails} failures"
    );
    assert!(faulty["totals"]["pass"].as_u64() <= clean["totals"]["pass"].as_u64());
}

#[test]
fn a_denied_service_is_not_assessed_and_the_rest_is_reported() {
    let e = emulator();
    let (_, clean, _) = audit_through(&e, &e.url, "2");
    let proxy = Proxy::start(
        &e.url,
        Plan {
            deny: vec!["sagemaker".into()],
            ..Plan::default()
        },
    );
    let (code, denied, stderr) = audit_through(&e, &proxy.url, "2");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("reads failed"), "{stderr}");
    assert!(proxy.count(|s| &s.denied) > 0);

    let findings = denied["findings"].as_array().unwrap();
    for f in findings {
        let rule_type = f["resource"]["type"].as_str().unwrap();
        if rule_type.starts_with("AWS::SageMaker::") {
            assert_eq!(f["status"], "not_assessed", "{f}");
            let reason = f["reason"].as_str().unwrap();
            assert!(
                reason.contains("access denied (AccessDeniedException)"),
                "{reason}"
            );
        }
    }
    // SageMaker rules in both regions are listed as not assessed...
    for rule in ["AIL-NET-001", "AIL-KMS-002", "AIL-NET-003"] {
        for region in ["us-east-1", "eu-west-1"] {
            assert!(
                findings.iter().any(|f| f["rule_id"] == rule
                    && f["status"] == "not_assessed"
                    && f["resource"]["region"] == region),
                "{rule} in {region} is not listed as not assessed"
            );
        }
    }
    // ... and every other verdict is the clean run's, or, where a SageMaker fact decides
    // it (a bucket is AI data when a model reads it), "not assessed" saying why.
    let clean_verdicts = verdicts(&clean);
    let denied_verdicts = verdicts(&denied);
    for f in findings {
        let v = (
            f["status"].as_str().unwrap().to_string(),
            f["rule_id"].as_str().unwrap().to_string(),
            f["resource"]["name"].as_str().unwrap_or("").to_string(),
            f["resource"]["region"].as_str().unwrap_or("").to_string(),
        );
        if !clean_verdicts.contains(&v) {
            assert_eq!(v.0, "not_assessed", "{f}");
            assert!(f["reason"].as_str().unwrap().contains("sagemaker:"), "{f}");
        }
    }
    for v in &clean_verdicts {
        assert!(
            denied_verdicts.contains(v)
                || denied_verdicts
                    .iter()
                    .any(|d| d.0 == "not_assessed" && d.1 == v.1 && (d.2 == v.2 || d.3 == v.3)),
            "{v:?} vanished"
        );
    }
    // A bucket used by a model the scan could not see is not silently "not AI data".
    assert!(findings.iter().any(|f| f["rule_id"] == "AIL-TLS-001"
        && f["status"] == "not_assessed"
        && f["reason"]
            .as_str()
            .unwrap()
            .contains("whether an AI resource stores data in the bucket is unknown")));
}

#[test]
fn expired_credentials_stop_the_run_with_a_clear_error() {
    let e = emulator();
    let proxy = Proxy::start(
        &e.url,
        Plan {
            expired: true,
            ..Plan::default()
        },
    );
    let (code, report, stderr) = audit_through(&e, &proxy.url, "2");
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report, Value::Null, "no report is written");
    assert!(
        stderr.contains("ExpiredToken") && stderr.contains("expired"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
