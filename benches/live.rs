//! The live benchmark: ailint and Prowler reading the same account of the AWS API emulator.
//! Run it with `scripts/bench-live.sh`, which starts and seeds the emulator (as the tests
//! do) and then runs `cargo bench --bench live`.
//!
//! Both tools read the seeded non-compliant member account, assuming the same role, in
//! `us-east-1` and `eu-west-1`, through `AWS_ENDPOINT_URL`, with their default retry
//! settings:
//!
//! - `ailint audit --role-arn R --region us-east-1 --region eu-west-1 --format json`
//!   (every collector: the services below plus EC2, IAM, Lake Formation, OpenSearch
//!   Serverless, Bedrock Agents);
//! - `prowler aws --role R -f us-east-1 eu-west-1 --services sagemaker s3 kms cloudtrail
//!   opensearch bedrock --output-formats json-ocsf`: the services both tools check.
//!
//! One untimed run of each checks it works, then timed runs alternate (`measure` module:
//! wall time, CPU, peak RSS by `wait4`). The emulator's request log gives the HTTP requests
//! each run made, retries included.
//!
//! The emulator answers the operations it lacks with HTTP 500, which both tools retry with
//! backoff by default; `AILINT_BENCH_MAX_ATTEMPTS=1` gives both one attempt per call
//! (`AWS_MAX_ATTEMPTS` for ailint, `--aws-retries-max-attempts` for Prowler), to measure
//! the collection itself.
//!
//! Environment: `AILINT_BENCH_RUNS` (ailint runs, default 5), `AILINT_BENCH_PROWLER_RUNS`
//! (default 2), `AILINT_BENCH_PROWLER` (the prowler binary; else `prowler` on `PATH`;
//! without it only ailint runs), and the emulator's `AILINT_EMULATOR_URL`,
//! `AILINT_EMULATOR_SEED`, `AILINT_EMULATOR_LOG`.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "measure/mod.rs"]
mod measure;
use measure::{binary, mb, measure, Summary};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const PROWLER_SERVICES: [&str; 6] = [
    "sagemaker",
    "s3",
    "kms",
    "cloudtrail",
    "opensearch",
    "bedrock",
];

fn main() {
    if measure::is_measure_role() {
        return measure::measure_role();
    }
    let env = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: run the live benchmark with scripts/bench-live.sh")
        })
    };
    let url = env("AILINT_EMULATOR_URL");
    let seed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env("AILINT_EMULATOR_SEED")).unwrap())
            .unwrap();
    let log = PathBuf::from(env("AILINT_EMULATOR_LOG"));
    let account = seed["noncompliant"].as_str().unwrap().to_string();
    let role = format!("arn:aws:iam::{account}:role/AilintAudit");
    let runs = |k: &str, default: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
            .max(1)
    };
    let (ailint_runs, prowler_runs) = (
        runs("AILINT_BENCH_RUNS", 5),
        runs("AILINT_BENCH_PROWLER_RUNS", 2),
    );

    let tmp = tempfile::tempdir().unwrap();
    let ailint = ailint_command(&binary(), &url, &role, tmp.path());
    let prowler = find_prowler().map(|p| prowler_command(&p, &url, &role, tmp.path()));
    println!("# ailint and Prowler on an emulated account\n");
    println!(
        "account {account} (the seeded non-compliant member), regions {}; emulator {url}",
        REGIONS.join(", ")
    );
    println!("ailint: {}", binary().display());
    match &prowler {
        Some(p) => println!(
            "prowler: {} ({}), services {}",
            p.get_program().to_string_lossy(),
            prowler_version(Path::new(p.get_program())),
            PROWLER_SERVICES.join(" ")
        ),
        None => println!("prowler: not found (set AILINT_BENCH_PROWLER); ailint only"),
    }
    match max_attempts() {
        Some(n) => println!("attempts per call: {n} (both tools)"),
        None => println!("attempts per call: each tool's default retries"),
    }

    // Untimed: each works, and what it found.
    let inventory = tmp.path().join("inventory.json");
    let check = measure(&ailint, tmp.path(), false);
    let inv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    println!(
        "\nailint check run: {:.2} s, {} resources collected, {} not collected",
        check.wall.as_secs_f64(),
        inv["resources"].as_array().map_or(0, Vec::len),
        inv["notCollected"].as_array().map_or(0, Vec::len)
    );
    if let Some(p) = &prowler {
        let run = measure(p, tmp.path(), false);
        println!("prowler check run: {:.2} s", run.wall.as_secs_f64());
    }

    println!("\n## Timed runs (alternating)\n");
    let (mut a, mut p, mut a_requests, mut p_requests) = (vec![], vec![], vec![], vec![]);
    for i in 0..ailint_runs.max(prowler_runs) {
        if i < ailint_runs {
            let before = requests(&log);
            let run = measure(&ailint, tmp.path(), false);
            let n = requests(&log) - before;
            println!(
                "ailint  run {}: {:.3} s wall, {:.3} s CPU, {:.0} MB, {n} HTTP requests",
                i + 1,
                run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                mb(run.max_rss_kb)
            );
            a.push(run);
            a_requests.push(n);
        }
        if let Some(cmd) = prowler.as_ref().filter(|_| i < prowler_runs) {
            let before = requests(&log);
            let run = measure(cmd, tmp.path(), false);
            let n = requests(&log) - before;
            println!(
                "prowler run {}: {:.3} s wall, {:.3} s CPU, {:.0} MB, {n} HTTP requests",
                i + 1,
                run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                mb(run.max_rss_kb)
            );
            p.push(run);
            p_requests.push(n);
        }
    }

    println!("\n## Results\n");
    println!("| tool | runs | wall min | wall median | wall max | CPU median | peak RSS | HTTP requests (median) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let median = |v: &mut Vec<usize>| {
        v.sort();
        v[v.len() / 2]
    };
    let sa = Summary::of(&a);
    row("ailint", &sa, median(&mut a_requests));
    if !p.is_empty() {
        let sp = Summary::of(&p);
        row("prowler", &sp, median(&mut p_requests));
        println!(
            "\nmedian wall ratio (prowler / ailint): {:.1}x; CPU ratio: {:.1}x; peak RSS ratio: {:.1}x",
            sp.median.as_secs_f64() / sa.median.as_secs_f64(),
            sp.cpu.as_secs_f64() / sa.cpu.as_secs_f64(),
            sp.peak_kb as f64 / sa.peak_kb as f64
        );
    }
}

fn row(tool: &str, s: &Summary, requests: usize) {
    println!(
        "| {tool} | {} | {:.2} s | {:.2} s | {:.2} s | {:.2} s | {:.0} MB | {requests} |",
        s.runs,
        s.min.as_secs_f64(),
        s.median.as_secs_f64(),
        s.max.as_secs_f64(),
        s.cpu.as_secs_f64(),
        mb(s.peak_kb)
    );
}

/// The requests the emulator has logged so far (one line each).
fn requests(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\" 200 ") || l.contains("\" 4") || l.contains("\" 5"))
        .count()
}

/// The emulator's credentials and endpoint, and nothing of the machine's AWS configuration.
fn aws_env(cmd: &mut Command, url: &str, dir: &Path) {
    cmd.env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
}

fn ailint_command(bin: &Path, url: &str, role: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["audit", "--role-arn", role])
        .args(REGIONS.iter().flat_map(|r| ["--region", r]))
        .args(["--format", "json", "-o", "/dev/null", "--inventory"])
        .arg(dir.join("inventory.json"));
    aws_env(&mut cmd, url, dir);
    if let Some(n) = max_attempts() {
        cmd.env("AWS_MAX_ATTEMPTS", n);
    }
    cmd
}

/// `AILINT_BENCH_MAX_ATTEMPTS`: attempts per call for both tools, when set.
fn max_attempts() -> Option<String> {
    std::env::var("AILINT_BENCH_MAX_ATTEMPTS")
        .ok()
        .filter(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
}

fn find_prowler() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AILINT_BENCH_PROWLER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("prowler"))
        .find(|p| p.is_file())
}

fn prowler_version(bin: &Path) -> String {
    Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn prowler_command(bin: &Path, url: &str, role: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["aws", "--role", role, "-f"])
        .args(REGIONS)
        .arg("--services")
        .args(PROWLER_SERVICES)
        .args(["--output-formats", "json-ocsf", "--no-banner", "-o"])
        .arg(dir.join("prowler"))
        .args(
            max_attempts()
                .map(|n| vec!["--aws-retries-max-attempts".to_string(), n])
                .unwrap_or_default(),
        )
        // Prowler exits 3 when checks fail.
        .env(measure::OK_CODES, "0,3");
    aws_env(&mut cmd, url, dir);
    cmd
}
