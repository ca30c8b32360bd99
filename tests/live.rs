//! The live path against a real AWS API emulator (moto's server on 127.0.0.1, started and
//! seeded by `scripts/test.sh`), and the SDK's test clients where the emulator lacks an
//! API.
//!
//! The emulator holds an organization (management account `123456789012`) with two member
//! accounts seeded by `tests/live/seed.py` in `us-east-1` and `eu-west-1`: one where every
//! setting is compliant, one where none is.

#[path = "common/mod.rs"]
mod common;

#[path = "live/account.rs"]
mod account;
#[path = "live/faults.rs"]
mod faults;
#[path = "live/organization.rs"]
mod organization;
#[path = "live/proxy.rs"]
mod proxy;
#[path = "live/replay.rs"]
mod replay;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The seeded emulator.
pub struct Emulator {
    pub url: String,
    pub management: String,
    pub compliant: String,
    pub noncompliant: String,
}

/// The emulator `scripts/test.sh` started; a test that needs it fails (never skips) when
/// it is not there.
pub fn emulator() -> Emulator {
    let (Ok(url), Ok(seed)) = (
        std::env::var("AILINT_EMULATOR_URL"),
        std::env::var("AILINT_EMULATOR_SEED"),
    ) else {
        panic!(
            "the live tests need the AWS API emulator: run `scripts/test.sh` (it starts and \
             seeds moto's server and sets AILINT_EMULATOR_URL and AILINT_EMULATOR_SEED)"
        );
    };
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(&seed).unwrap_or_else(|e| panic!("{seed}: {e}")),
    )
    .unwrap();
    let field = |k: &str| seed[k].as_str().unwrap().to_string();
    Emulator {
        url,
        management: field("management"),
        compliant: field("compliant"),
        noncompliant: field("noncompliant"),
    }
}

impl Emulator {
    /// The role the tests assume in a member account.
    pub fn role(&self, account: &str) -> String {
        format!("arn:aws:iam::{account}:role/AilintAudit")
    }
}

/// Runs ailint in `dir` against an endpoint (the emulator, or a proxy in front of it),
/// with the emulator's credentials and nothing of the machine's AWS configuration.
pub fn ailint_at(endpoint: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ailint"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // The emulator answers the APIs it lacks with HTTP 500, which the SDK retries;
        // two attempts keep those short. Tests of retries set their own.
        .env("AWS_MAX_ATTEMPTS", "2")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ailint")
}

/// The live-audit arguments for one member account in the two seeded regions.
pub fn account_args(e: &Emulator, account: &str) -> Vec<String> {
    [
        "--config",
        &config_path(),
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--role-arn",
        &e.role(account),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The organisation's choices for the seeded accounts.
pub fn config_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/live/ailint.toml")
        .display()
        .to_string()
}

/// A JSON report's findings as `(status, rule, resource name, region)`, sorted.
pub fn verdicts(report: &Value) -> Vec<(String, String, String, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap_or("").to_string(),
                f["resource"]["region"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn args_ref(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
