//! The infrastructure-as-code benchmark: `cargo bench --bench iac`, ailint and checkov side
//! by side on the same directory of templates.
//!
//! 1. Generates a corpus with a seeded generator (SplitMix64, seed 2026) into a temporary
//!    directory: about 60 projects, about 300 files. CloudFormation projects hold YAML
//!    templates of 50 to 800 lines with Parameters, Mappings, Conditions and short-form
//!    intrinsics (`!Ref`, `!GetAtt`, `!Sub`, `!If`, `!Select`, `!FindInMap`, ...); CDK projects
//!    hold `cdk.out/*.template.json` (long-form intrinsics, `Fn::Join`, CDK metadata) with
//!    `manifest.json` and `cdk.json`; Terraform projects hold `versions.tf`, `variables.tf`,
//!    `main.tf` (locals, data sources, `jsonencode` policies, `count`, `for_each`),
//!    sometimes `outputs.tf`, and one or two local modules under `modules/` called with
//!    `source = "./modules/x"`. The resources mix the AI/ML types ailint maps (SageMaker,
//!    Bedrock, OpenSearch, VPC endpoints, CloudTrail, KMS, S3, Lake Formation, IAM policies)
//!    with ordinary infrastructure (Lambda, DynamoDB, SQS, IAM roles, security groups, API
//!    Gateway), each setting compliant or not at random.
//! 2. Runs `ailint audit DIR --format json -o /dev/null` and, when found, `checkov -d DIR
//!    --quiet --compact -o json --framework cloudformation terraform --skip-download` (output
//!    to /dev/null, `BC_SKIP_MAPPING=TRUE`, `CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE`, so nothing
//!    is fetched from the network). One untimed run of each checks the output: ailint must
//!    exit 0 or 1 with no errors in its report, or the bench fails. Then the timed runs
//!    alternate between the tools.
//! 3. Each timed run is started by a fresh, small copy of this bench in the "measure" role,
//!    which spawns the tool and reaps it with `wait4`: wall time, user + system CPU (of the
//!    tool and the children it waited for) and `ru_maxrss`. Linux charges a child with the
//!    peak RSS of the process it was forked from, hence the small copy. `ru_maxrss` is the
//!    largest single process: checkov forks worker processes, so one more untimed run per
//!    tool samples the summed PSS of the whole process tree every 10 ms.
//!
//! The ailint binary is the one Cargo builds for this bench (`CARGO_BIN_EXE_ailint`), else
//! `$CARGO_TARGET_DIR/release/ailint`, else `target/release/ailint`. checkov is the binary
//! named by `AILINT_BENCH_CHECKOV`, else `checkov` on `PATH`; without it only ailint runs.
//!
//! Environment: `AILINT_BENCH_RUNS` (ailint runs, default 5), `AILINT_BENCH_CHECKOV_RUNS`
//! (default 3), `AILINT_BENCH_SEED` (default 2026), `AILINT_BENCH_CORPUS` (write the corpus
//! to this directory and keep it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Map, Value};

#[path = "measure/mod.rs"]
mod measure;
use measure::{binary, mb, measure, Summary};

/// `g.add(...)` with the properties built first (they may borrow `g` mutably).
macro_rules! add {
    ($g:expr, $base:expr, $ty:expr, $props:expr $(,)?) => {{
        let props = $props;
        $g.add($base, $ty, props)
    }};
}

/// `t.res(...)` with the body built first (it may borrow `t` mutably).
macro_rules! res {
    ($t:expr, $ty:expr, $label:expr, $body:expr $(,)?) => {{
        let body = $body;
        $t.res($ty, $label, body)
    }};
}

const DEFAULT_SEED: u64 = 2026;
const PROJECTS: usize = 60;

fn main() {
    if measure::is_measure_role() {
        return measure::measure_role();
    }
    let env_num = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let seed = env_num("AILINT_BENCH_SEED", DEFAULT_SEED);
    let ailint_runs = env_num("AILINT_BENCH_RUNS", 5).max(1) as usize;
    let checkov_runs = env_num("AILINT_BENCH_CHECKOV_RUNS", 3).max(1) as usize;

    let tmp = tempfile::tempdir().expect("a temporary directory");
    let corpus_dir = match std::env::var_os("AILINT_BENCH_CORPUS") {
        Some(p) => {
            let p = PathBuf::from(p);
            if p.exists() {
                std::fs::remove_dir_all(&p).expect("clear AILINT_BENCH_CORPUS");
            }
            p
        }
        None => tmp.path().join("corpus"),
    };
    std::fs::create_dir_all(&corpus_dir).expect("create the corpus directory");

    machine();
    let t = Instant::now();
    let stats = generate_corpus(&corpus_dir, seed);
    println!(
        "\n## Corpus (seed {seed}, generated in {:.2} s): {}\n",
        t.elapsed().as_secs_f64(),
        corpus_dir.display()
    );
    stats.print();

    let ailint = binary();
    let checkov = find_checkov();
    println!("\nailint: {}", ailint.display());
    match &checkov {
        Some(c) => println!("checkov: {} ({})", c.display(), checkov_version(c)),
        None => println!(
            "checkov: not found (set AILINT_BENCH_CHECKOV or put checkov on PATH); ailint only"
        ),
    }

    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("create the output directory");
    let ailint_check = check_ailint(&ailint, &corpus_dir, &out_dir);
    let checkov_check = checkov
        .as_ref()
        .map(|c| check_checkov(c, &corpus_dir, &out_dir));

    let ailint_cmd = ailint_command(&ailint, &corpus_dir, Path::new("/dev/null"));
    let checkov_cmd = checkov.as_ref().map(|c| checkov_command(c, &corpus_dir));

    println!("\n## Process-tree memory (one sampled run each, PSS summed every 10 ms)\n");
    let ailint_tree = measure(&ailint_cmd, &out_dir, true);
    println!(
        "ailint: tree PSS peak {:.0} MB ({} processes at most), ru_maxrss {:.0} MB",
        mb(ailint_tree.tree_pss_kb),
        ailint_tree.tree_procs,
        mb(ailint_tree.max_rss_kb)
    );
    let checkov_tree = checkov_cmd.as_ref().map(|c| {
        let run = measure(c, &out_dir, true);
        println!(
            "checkov: tree PSS peak {:.0} MB ({} processes at most), ru_maxrss {:.0} MB",
            mb(run.tree_pss_kb),
            run.tree_procs,
            mb(run.max_rss_kb)
        );
        run
    });

    println!(
        "\n## Timed runs (alternating; ailint {ailint_runs}, checkov {})\n",
        if checkov.is_some() { checkov_runs } else { 0 }
    );
    let mut ailint_timed = Vec::new();
    let mut checkov_timed = Vec::new();
    for i in 0..ailint_runs.max(checkov_runs) {
        if i < ailint_runs {
            let run = measure(&ailint_cmd, &out_dir, false);
            println!(
                "ailint  run {}: {:.3} s wall, {:.3} s CPU, {:.0} MB",
                i + 1,
                run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                mb(run.max_rss_kb)
            );
            ailint_timed.push(run);
        }
        if let Some(cmd) = checkov_cmd.as_ref().filter(|_| i < checkov_runs) {
            let run = measure(cmd, &out_dir, false);
            println!(
                "checkov run {}: {:.3} s wall, {:.3} s CPU, {:.0} MB",
                i + 1,
                run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                mb(run.max_rss_kb)
            );
            checkov_timed.push(run);
        }
    }

    println!("\n## Results\n");
    println!(
        "| tool | runs | resources | checks reported | wall min | wall median | wall max | CPU median | peak RSS (wait4, max of runs) | peak tree PSS (sampled run) |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    let a = Summary::of(&ailint_timed);
    a.row(
        "ailint",
        &ailint_check.resources.to_string(),
        &ailint_check.checks,
        &ailint_tree,
    );
    if let (Some(check), Some(tree)) = (&checkov_check, &checkov_tree) {
        let c = Summary::of(&checkov_timed);
        c.row(
            "checkov 3",
            &check.resources.to_string(),
            &check.checks,
            tree,
        );
        println!(
            "\nmedian wall ratio (checkov / ailint): {:.1}x; CPU ratio: {:.1}x; peak RSS ratio: {:.1}x; tree PSS ratio: {:.1}x",
            c.median.as_secs_f64() / a.median.as_secs_f64(),
            c.cpu.as_secs_f64() / a.cpu.as_secs_f64(),
            c.peak_kb as f64 / a.peak_kb as f64,
            tree.tree_pss_kb as f64 / ailint_tree.tree_pss_kb as f64
        );
    } else {
        println!("\ncheckov was not found: no comparison.");
    }
}

// ---------------------------------------------------------------------------------------
// The tools

fn find_checkov() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AILINT_BENCH_CHECKOV").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "AILINT_BENCH_CHECKOV names {}, which does not exist",
            p.display()
        );
        return Some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("checkov"))
        .find(|p| p.is_file())
}

fn checkov_version(bin: &Path) -> String {
    Command::new(bin)
        .arg("--version")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "TRUE")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|e| format!("version unknown: {e}"))
}

fn ailint_command(bin: &Path, dir: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("audit")
        .arg(dir)
        .args(["--format", "json", "-o"])
        .arg(output);
    cmd
}

fn checkov_command(bin: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("-d")
        .arg(dir)
        .args(["--quiet", "--compact", "-o", "json"])
        .args(["--framework", "cloudformation", "terraform"])
        .arg("--skip-download")
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "TRUE");
    cmd
}

struct Checked {
    resources: u64,
    checks: String,
}

/// One untimed ailint run that keeps its report: it must exit 0 or 1 with no errors.
fn check_ailint(bin: &Path, dir: &Path, out_dir: &Path) -> Checked {
    let report_path = out_dir.join("ailint.json");
    let t = Instant::now();
    let out = ailint_command(bin, dir, &report_path)
        .current_dir(out_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let wall = t.elapsed();
    let code = out.status.code();
    if !matches!(code, Some(0) | Some(1)) {
        panic!(
            "ailint exited with {code:?} on the corpus:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report_path).expect("ailint wrote its report"))
            .expect("ailint's report is JSON");
    let errors = report["errors"].as_array().cloned().unwrap_or_default();
    if !errors.is_empty() {
        for e in errors.iter().take(10) {
            eprintln!("{e}");
        }
        panic!("ailint reported {} errors on the corpus", errors.len());
    }
    let resources = report["resources"].as_u64().unwrap_or(0);
    let t_ = &report["totals"];
    let (pass, fail, na) = (
        t_["pass"].as_u64().unwrap_or(0),
        t_["fail"].as_u64().unwrap_or(0),
        t_["not_assessed"].as_u64().unwrap_or(0),
    );
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    println!(
        "\ncheck ailint (untimed, {:.3} s, exit {}): {resources} resources, {} verdicts: pass {pass}, fail {fail}, not assessed {na}; {findings} findings; 0 errors",
        wall.as_secs_f64(),
        code.unwrap_or(-1),
        pass + fail + na
    );
    Checked {
        resources,
        checks: format!(
            "{} verdicts (pass {pass}, fail {fail}, n/a {na})",
            pass + fail + na
        ),
    }
}

/// One untimed checkov run that keeps its JSON: it must exit 0 or 1.
fn check_checkov(bin: &Path, dir: &Path, out_dir: &Path) -> Checked {
    let t = Instant::now();
    let out = checkov_command(bin, dir)
        .current_dir(out_dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let wall = t.elapsed();
    let code = out.status.code();
    if !matches!(code, Some(0) | Some(1)) {
        panic!(
            "checkov exited with {code:?}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: Value = serde_json::from_slice(&out.stdout).expect("checkov prints JSON");
    let reports = match report {
        Value::Array(a) => a,
        other => vec![other],
    };
    let (mut resources, mut passed, mut failed, mut skipped, mut parse_errors) = (0, 0, 0, 0, 0);
    let mut parts = Vec::new();
    for r in &reports {
        let s = &r["summary"];
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        resources += n("resource_count");
        passed += n("passed");
        failed += n("failed");
        skipped += n("skipped");
        parse_errors += n("parsing_errors");
        parts.push(format!(
            "{}: {} resources, passed {}, failed {}, parsing errors {}",
            r["check_type"].as_str().unwrap_or("?"),
            n("resource_count"),
            n("passed"),
            n("failed"),
            n("parsing_errors")
        ));
    }
    println!(
        "check checkov (untimed, {:.3} s, exit {}): {}",
        wall.as_secs_f64(),
        code.unwrap_or(-1),
        parts.join("; ")
    );
    Checked {
        resources,
        checks: format!(
            "{} checks (passed {passed}, failed {failed}, skipped {skipped}); {parse_errors} parsing errors",
            passed + failed + skipped
        ),
    }
}

/// The machine, for the record.
fn machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown", |(_, v)| v.trim());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .map_or("unknown", |l| l.trim_start_matches("MemTotal:").trim());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# ailint and checkov on infrastructure as code\n");
    println!(
        "machine: {cpus} CPUs ({model}), {mem} memory; load average at start: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

// ---------------------------------------------------------------------------------------
// The generator

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn hex(&mut self, n: usize) -> String {
        format!("{:016x}", self.next())[..n].to_string()
    }
}

/// How often a setting is the compliant one.
const COMPLIANT: f64 = 0.65;

const WORKLOADS: &[&str] = &[
    "fraud-scoring",
    "support-assistant",
    "doc-search",
    "churn-model",
    "forecasting",
    "recsys",
    "claims-triage",
    "code-review-bot",
    "vision-qa",
    "feature-store",
    "ml-platform",
    "rag-chat",
    "pricing",
    "kyc-extract",
    "log-insights",
];
const NOTEBOOK_TYPES: &[&str] = &[
    "ml.t3.medium",
    "ml.t3.large",
    "ml.m5.xlarge",
    "ml.g4dn.xlarge",
];
const ENDPOINT_TYPES: &[&str] = &[
    "ml.m5.large",
    "ml.c5.xlarge",
    "ml.g5.xlarge",
    "ml.inf2.xlarge",
];
const FOUNDATION_MODELS: &[&str] = &[
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.titan-text-premier-v1:0",
    "meta.llama3-70b-instruct-v1:0",
];
const PII_TYPES: &[&str] = &[
    "EMAIL",
    "PHONE",
    "NAME",
    "US_SOCIAL_SECURITY_NUMBER",
    "CREDIT_DEBIT_CARD_NUMBER",
    "AWS_ACCESS_KEY",
    "PASSWORD",
    "ADDRESS",
];
const FILTER_TYPES: &[&str] = &["SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT"];
const STRENGTHS: &[&str] = &["NONE", "LOW", "MEDIUM", "HIGH"];
const INTERFACE_SERVICES: &[&str] = &[
    "sagemaker.api",
    "sagemaker.runtime",
    "bedrock-runtime",
    "bedrock-agent-runtime",
    "kms",
    "logs",
    "sts",
];
const RUNTIMES: &[&str] = &["python3.12", "python3.11", "nodejs20.x", "java21"];
const PURPOSES: &[&str] = &[
    "Artifacts",
    "Datasets",
    "Features",
    "Exports",
    "Documents",
    "Models",
];
const INSTRUCTIONS: &[&str] = &[
    "You are a support assistant. Answer only from the knowledge base, cite the source document, and hand over to a human agent when the customer asks for one.",
    "Classify the incoming claim, extract the policy number and the incident date, and never reveal personal data of other customers.",
    "Summarize the code change, point out risky patterns, and refuse requests unrelated to code review.",
];

#[derive(Default)]
struct Stats {
    projects: [usize; 3],
    files: [usize; 3],
    lines: [usize; 3],
    other_files: usize,
    bytes: u64,
}

impl Stats {
    fn write(&mut self, path: &Path, text: &str, kind: Option<usize>) {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a directory");
        std::fs::write(path, text).expect("write a corpus file");
        self.bytes += text.len() as u64;
        match kind {
            Some(k) => {
                self.files[k] += 1;
                self.lines[k] += text.lines().count();
            }
            None => self.other_files += 1,
        }
    }

    fn print(&self) {
        let names = [
            "CloudFormation YAML templates",
            "CDK templates (cdk.out/*.template.json)",
            "Terraform .tf files (incl. local modules)",
        ];
        println!("| kind | projects | files | lines |");
        println!("|---|---:|---:|---:|");
        for (k, name) in names.iter().enumerate() {
            println!(
                "| {name} | {} | {} | {} |",
                self.projects[k], self.files[k], self.lines[k]
            );
        }
        println!(
            "| total | {} | {} (+{} CDK manifest.json/cdk.json) | {} |",
            self.projects.iter().sum::<usize>(),
            self.files.iter().sum::<usize>(),
            self.other_files,
            self.lines.iter().sum::<usize>()
        );
        println!("\n{:.1} MB on disk", self.bytes as f64 / 1e6);
    }
}

fn generate_corpus(dir: &Path, seed: u64) -> Stats {
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    // 22 CloudFormation, 13 CDK and 25 Terraform projects, in a seeded order.
    let mut kinds: Vec<usize> = (0..PROJECTS)
        .map(|i| match i * 60 / PROJECTS {
            0..=21 => 0,
            22..=34 => 1,
            _ => 2,
        })
        .collect();
    for i in (1..kinds.len()).rev() {
        let j = rng.below(i + 1);
        kinds.swap(i, j);
    }
    for (i, kind) in kinds.into_iter().enumerate() {
        let workload = *rng.pick(WORKLOADS);
        let suffix = ["cfn", "cdk", "tf"][kind];
        let project = dir.join(format!("p{i:02}-{workload}-{suffix}"));
        stats.projects[kind] += 1;
        match kind {
            0 => cfn_project(&mut rng, &project, workload, &mut stats),
            1 => cdk_project(&mut rng, &project, workload, &mut stats),
            _ => tf_project(&mut rng, &project, workload, &mut stats),
        }
    }
    stats
}

// ---------------------------------------------------------------------------------------
// CloudFormation: templates are built as JSON values with long-form intrinsics, written as
// YAML with short forms, or as CDK-style JSON.

fn r(name: &str) -> Value {
    json!({ "Ref": name })
}

fn att(id: &str, attribute: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attribute] })
}

fn if_(cond: &str, yes: Value, no: Value) -> Value {
    json!({ "Fn::If": [cond, yes, no] })
}

fn policy(statements: Vec<Value>) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// A `Fn::Sub` string as CDK writes it: `Fn::Join` of literals, `Ref`s and `Fn::GetAtt`s.
fn cdk_join(s: &str) -> Value {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if i > 0 {
            parts.push(json!(&rest[..i]));
        }
        let j = i + rest[i..].find('}').expect("a closing brace");
        let name = &rest[i + 2..j];
        parts.push(match name.split_once('.') {
            Some((id, attribute)) => att(id, attribute),
            None => r(name),
        });
        rest = &rest[j + 1..];
    }
    if !rest.is_empty() {
        parts.push(json!(rest));
    }
    match parts.len() {
        0 => json!(""),
        1 if parts[0].is_string() => parts.remove(0),
        _ => json!({ "Fn::Join": ["", parts] }),
    }
}

struct Cfn<'r> {
    rng: &'r mut Rng,
    cdk: bool,
    stack: String,
    env: &'static str,
    vpc_id: String,
    subnet_ids: [String; 2],
    resources: Map<String, Value>,
    outputs: Map<String, Value>,
    key: Option<String>,
    role: Option<String>,
    sg: Option<String>,
    n: usize,
}

impl Cfn<'_> {
    fn ok(&mut self) -> bool {
        self.rng.chance(COMPLIANT)
    }

    fn add(&mut self, base: &str, ty: &str, props: Value) -> String {
        self.n += 1;
        let id = if self.cdk {
            format!("{base}{}", self.rng.hex(8).to_uppercase())
        } else {
            format!("{base}{}", self.n)
        };
        let mut res = json!({ "Type": ty, "Properties": props });
        if self.cdk {
            res["Metadata"] = json!({ "aws:cdk:path": format!("{}/{base}/Resource", self.stack) });
        }
        self.resources.insert(id.clone(), res);
        id
    }

    fn set(&mut self, id: &str, attribute: &str, value: Value) {
        self.resources[id][attribute] = value;
    }

    fn retain(&mut self, id: &str) {
        self.set(id, "DeletionPolicy", json!("Retain"));
        self.set(id, "UpdateReplacePolicy", json!("Retain"));
    }

    /// A string with `${...}` substitutions: `!Sub` in YAML, `Fn::Join` in CDK output.
    fn sub(&self, s: &str) -> Value {
        if self.cdk {
            cdk_join(s)
        } else if s.contains("${") {
            json!({ "Fn::Sub": s })
        } else {
            json!(s)
        }
    }

    /// A physical name.
    fn name(&mut self, what: &str) -> Value {
        let what = format!("{}-{}", what.to_lowercase(), self.n + 1);
        if self.cdk {
            json!(format!("{}-{what}", self.stack.to_lowercase()))
        } else {
            json!({ "Fn::Sub": format!("${{AWS::StackName}}-{what}") })
        }
    }

    fn env_ref(&self) -> Value {
        if self.cdk {
            json!(self.env)
        } else {
            r("Environment")
        }
    }

    fn vpc(&self) -> Value {
        if self.cdk {
            json!(self.vpc_id)
        } else {
            r("VpcId")
        }
    }

    fn subnets(&self) -> Value {
        if self.cdk {
            json!(self.subnet_ids)
        } else {
            r("SubnetIds")
        }
    }

    fn subnet0(&self) -> Value {
        if self.cdk {
            json!(self.subnet_ids[0])
        } else {
            json!({ "Fn::Select": [0, r("SubnetIds")] })
        }
    }

    fn instance_type(&mut self, which: &str, choices: &[&str]) -> Value {
        if !self.cdk && self.rng.chance(0.5) {
            json!({ "Fn::FindInMap": ["InstanceTypes", r("Environment"), which] })
        } else {
            json!(*self.rng.pick(choices))
        }
    }

    fn account_root(&self) -> Value {
        self.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
    }

    fn key(&mut self) -> String {
        if let Some(k) = &self.key {
            return k.clone();
        }
        let rotation = self.ok();
        let root = self.account_root();
        let logs = self.sub("logs.${AWS::Region}.amazonaws.com");
        let props = json!({
            "Description": "Encrypts the workload's data, models and logs",
            "EnableKeyRotation": rotation,
            "PendingWindowInDays": 30,
            "KeyPolicy": policy(vec![
                json!({
                    "Sid": "EnableRootPermissions",
                    "Effect": "Allow",
                    "Principal": { "AWS": root },
                    "Action": "kms:*",
                    "Resource": "*"
                }),
                json!({
                    "Sid": "AllowServiceUse",
                    "Effect": "Allow",
                    "Principal": { "Service": ["cloudtrail.amazonaws.com", logs] },
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    "Resource": "*"
                })
            ])
        });
        let id = self.add("DataKey", "AWS::KMS::Key", props);
        self.retain(&id);
        self.key = Some(id.clone());
        let alias = self.sub("alias/${AWS::StackName}-data");
        let alias = if self.cdk {
            json!(format!("alias/{}-data", self.stack.to_lowercase()))
        } else {
            alias
        };
        self.add(
            "DataKeyAlias",
            "AWS::KMS::Alias",
            json!({ "AliasName": alias, "TargetKeyId": r(&id) }),
        );
        self.output("DataKeyArn", att(&id, "Arn"));
        id
    }

    fn key_arn(&mut self) -> Value {
        let k = self.key();
        if !self.cdk && self.rng.chance(0.3) {
            if_("UseCustomKey", r("KmsKeyArn"), att(&k, "Arn"))
        } else {
            att(&k, "Arn")
        }
    }

    fn role(&mut self) -> String {
        if let Some(id) = &self.role {
            return id.clone();
        }
        let scoped = self.ok();
        let bucket_arn = self.sub("arn:${AWS::Partition}:s3:::${AWS::StackName}-*");
        let bucket_objects = self.sub("arn:${AWS::Partition}:s3:::${AWS::StackName}-*/*");
        let mut props = json!({
            "AssumeRolePolicyDocument": policy(vec![json!({
                "Effect": "Allow",
                "Principal": { "Service": ["sagemaker.amazonaws.com", "bedrock.amazonaws.com", "lambda.amazonaws.com"] },
                "Action": "sts:AssumeRole"
            })]),
            "Path": "/service-role/",
            "Policies": [{
                "PolicyName": "data-access",
                "PolicyDocument": policy(vec![json!({
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "Resource": [bucket_arn, bucket_objects]
                })])
            }]
        });
        if !scoped {
            props["ManagedPolicyArns"] = json!([
                "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
                "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"
            ]);
        }
        let id = self.add("ExecutionRole", "AWS::IAM::Role", props);
        self.role = Some(id.clone());
        id
    }

    fn role_arn(&mut self) -> Value {
        let id = self.role();
        att(&id, "Arn")
    }

    fn sg(&mut self) -> Value {
        if self.sg.is_none() {
            let id = cfn_security_group(self);
            self.sg = Some(id);
        }
        att(self.sg.as_deref().expect("set above"), "GroupId")
    }

    fn output(&mut self, name: &str, value: Value) {
        let mut out = json!({ "Value": value });
        if !self.cdk {
            out["Export"] = json!({ "Name": { "Fn::Sub": format!("${{AWS::StackName}}-{name}") } });
        }
        self.outputs
            .insert(format!("{name}{}", self.outputs.len() + 1), out);
    }

    fn lines(&self) -> usize {
        if self.cdk {
            serde_json::to_string_pretty(&self.resources)
                .expect("JSON")
                .lines()
                .count()
        } else {
            yaml(&json!({ "Resources": self.resources }))
                .lines()
                .count()
        }
    }
}

type CfnComponent = fn(&mut Cfn);

/// The building blocks of a template, with weights: AI/ML first, then the ordinary ones.
const CFN_COMPONENTS: &[(usize, CfnComponent)] = &[
    (3, |g| {
        let purpose = *g.rng.pick(PURPOSES);
        cfn_bucket(g, purpose);
    }),
    (2, cfn_notebook),
    (1, cfn_studio_domain),
    (3, cfn_inference),
    (2, cfn_genai),
    (2, cfn_knowledge_base),
    (2, cfn_opensearch),
    (2, cfn_network),
    (1, cfn_trail),
    (1, cfn_lake_formation),
    (2, cfn_iam_policy),
    (3, |g| {
        cfn_lambda(g);
    }),
    (2, cfn_dynamodb),
    (2, cfn_sqs),
    (1, |g| {
        cfn_security_group(g);
    }),
    (1, cfn_api),
];

fn cfn_bucket(g: &mut Cfn, purpose: &str) -> String {
    let (enc, block, versioned) = (g.ok(), g.ok(), g.ok());
    let mut props = json!({ "BucketName": g.name(purpose) });
    if enc {
        let key = g.key_arn();
        props["BucketEncryption"] = json!({ "ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": { "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key },
            "BucketKeyEnabled": true
        }] });
    } else if g.rng.chance(0.5) {
        props["BucketEncryption"] = json!({ "ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" }
        }] });
    }
    props["PublicAccessBlockConfiguration"] = json!({
        "BlockPublicAcls": true,
        "BlockPublicPolicy": block,
        "IgnorePublicAcls": true,
        "RestrictPublicBuckets": block
    });
    props["VersioningConfiguration"] =
        json!({ "Status": if versioned { "Enabled" } else { "Suspended" } });
    if g.rng.chance(0.5) {
        props["LifecycleConfiguration"] = json!({ "Rules": [
            { "Id": "expire-temporary", "Status": "Enabled", "Prefix": "tmp/", "ExpirationInDays": 7 },
            { "Id": "archive", "Status": "Enabled", "Transitions": [
                { "StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 30 }
            ] }
        ] });
    }
    props["Tags"] = json!([
        { "Key": "Purpose", "Value": purpose.to_lowercase() },
        { "Key": "Environment", "Value": g.env_ref() }
    ]);
    let id = add!(g, &format!("{purpose}Bucket"), "AWS::S3::Bucket", props);
    g.retain(&id);
    if g.rng.chance(0.7) {
        let objects = g.sub(&format!("${{{id}.Arn}}/*"));
        let statement = if g.ok() {
            json!({
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [att(&id, "Arn"), objects],
                "Condition": { "Bool": { "aws:SecureTransport": "false" } }
            })
        } else {
            json!({
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": objects
            })
        };
        add!(
            g,
            &format!("{purpose}BucketPolicy"),
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": r(&id), "PolicyDocument": policy(vec![statement]) }),
        );
    }
    if g.rng.chance(0.3) {
        g.output(&format!("{purpose}BucketName"), r(&id));
    }
    id
}

fn cfn_notebook(g: &mut Cfn) {
    let (private, no_root, kms) = (g.ok(), g.ok(), g.ok());
    let mut props = json!({
        "NotebookInstanceName": g.name("notebook"),
        "InstanceType": g.instance_type("Notebook", NOTEBOOK_TYPES),
        "RoleArn": g.role_arn(),
        "DirectInternetAccess": if private { "Disabled" } else { "Enabled" },
        "RootAccess": if no_root { "Disabled" } else { "Enabled" },
        "VolumeSizeInGB": *g.rng.pick(&[5, 20, 50, 100]),
        "PlatformIdentifier": "notebook-al2-v2"
    });
    if kms {
        props["KmsKeyId"] = g.key_arn();
    }
    if private || g.rng.chance(0.5) {
        props["SubnetId"] = g.subnet0();
        props["SecurityGroupIds"] = json!([g.sg()]);
    }
    if g.rng.chance(0.4) {
        let script = "#!/bin/bash\nset -e\nsudo -u ec2-user -i <<'EOF'\nsource activate python3\npip install --quiet -r /home/ec2-user/SageMaker/requirements.txt\nEOF\n";
        let lc = add!(
            g,
            "NotebookLifecycle",
            "AWS::SageMaker::NotebookInstanceLifecycleConfig",
            json!({ "OnStart": [{ "Content": { "Fn::Base64": script } }] }),
        );
        props["LifecycleConfigName"] = att(&lc, "NotebookInstanceLifecycleConfigName");
    }
    add!(g, "Notebook", "AWS::SageMaker::NotebookInstance", props);
}

fn cfn_studio_domain(g: &mut Cfn) {
    let (vpc_only, kms) = (g.ok(), g.ok());
    let mut props = json!({
        "DomainName": g.name("studio"),
        "AuthMode": "IAM",
        "DefaultUserSettings": { "ExecutionRole": g.role_arn(), "SecurityGroups": [g.sg()] },
        "SubnetIds": g.subnets(),
        "VpcId": g.vpc(),
        "AppNetworkAccessType": if vpc_only { "VpcOnly" } else { "PublicInternetOnly" }
    });
    if kms {
        props["KmsKeyId"] = g.key_arn();
    }
    let domain = add!(g, "StudioDomain", "AWS::SageMaker::Domain", props);
    for user in ["data-scientist", "ml-engineer"]
        .iter()
        .take(g.rng.range(1, 2))
    {
        add!(
            g,
            "UserProfile",
            "AWS::SageMaker::UserProfile",
            json!({ "DomainId": att(&domain, "DomainId"), "UserProfileName": user }),
        );
    }
}

fn cfn_inference(g: &mut Cfn) {
    let bucket = if g.rng.chance(0.5) {
        cfn_bucket(g, "Models")
    } else {
        String::new()
    };
    let bucket_ref = if bucket.is_empty() {
        "${AWS::StackName}-models".to_string()
    } else {
        format!("${{{bucket}}}")
    };
    let (isolated, vpc, kms, capture, capture_kms) = (g.ok(), g.ok(), g.ok(), g.ok(), g.ok());
    let version = g.rng.range(1, 9);
    let mut model = json!({
        "ExecutionRoleArn": g.role_arn(),
        "PrimaryContainer": {
            "Image": g.sub("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/inference:1.4.2"),
            "ModelDataUrl": g.sub(&format!("s3://{bucket_ref}/models/v{version}/model.tar.gz")),
            "Environment": { "SAGEMAKER_PROGRAM": "inference.py", "LOG_LEVEL": "INFO" }
        },
        "EnableNetworkIsolation": isolated
    });
    if vpc {
        model["VpcConfig"] = json!({ "Subnets": g.subnets(), "SecurityGroupIds": [g.sg()] });
    }
    let model = add!(g, "Model", "AWS::SageMaker::Model", model);
    let mut config = json!({
        "ProductionVariants": [{
            "VariantName": "AllTraffic",
            "ModelName": att(&model, "ModelName"),
            "InitialInstanceCount": g.rng.range(1, 4),
            "InstanceType": g.instance_type("Endpoint", ENDPOINT_TYPES),
            "InitialVariantWeight": 1.0
        }]
    });
    if kms {
        config["KmsKeyId"] = g.key_arn();
    }
    if capture || g.rng.chance(0.5) {
        let mut dc = json!({
            "EnableCapture": capture,
            "InitialSamplingPercentage": *g.rng.pick(&[5, 20, 100]),
            "DestinationS3Uri": g.sub(&format!("s3://{bucket_ref}/capture")),
            "CaptureOptions": [{ "CaptureMode": "Input" }, { "CaptureMode": "Output" }]
        });
        if capture_kms {
            dc["KmsKeyId"] = g.key_arn();
        }
        config["DataCaptureConfig"] = dc;
    }
    let config = add!(
        g,
        "EndpointConfig",
        "AWS::SageMaker::EndpointConfig",
        config
    );
    let endpoint = add!(
        g,
        "Endpoint",
        "AWS::SageMaker::Endpoint",
        json!({ "EndpointConfigName": att(&config, "EndpointConfigName") }),
    );
    if !g.cdk && g.rng.chance(0.3) {
        g.set(&endpoint, "Condition", json!("IsProd"));
    } else {
        g.output("EndpointName", att(&endpoint, "EndpointName"));
    }
}

fn cfn_genai(g: &mut Cfn) {
    let (strong, pii, words, grounding, kms, attach, agent_kms) =
        (g.ok(), g.ok(), g.ok(), g.ok(), g.ok(), g.ok(), g.ok());
    let filters: Vec<Value> = FILTER_TYPES
        .iter()
        .take(if strong { 5 } else { g.rng.range(1, 4) })
        .map(|t| {
            let s = if strong { "HIGH" } else { *g.rng.pick(STRENGTHS) };
            json!({ "Type": t, "InputStrength": s, "OutputStrength": s })
        })
        .chain(strong.then(|| {
            json!({ "Type": "PROMPT_ATTACK", "InputStrength": "HIGH", "OutputStrength": "NONE" })
        }))
        .collect();
    let mut props = json!({
        "Name": g.name("guardrail"),
        "Description": "Blocks harmful content and personal data",
        "BlockedInputMessaging": "Sorry, I cannot help with that request.",
        "BlockedOutputsMessaging": "Sorry, I cannot provide that answer.",
        "ContentPolicyConfig": { "FiltersConfig": filters }
    });
    if pii {
        let n = g.rng.range(2, PII_TYPES.len());
        let entities: Vec<Value> = PII_TYPES[..n]
            .iter()
            .map(|t| json!({ "Type": t, "Action": if t.contains("NUMBER") || t.contains("KEY") || *t == "PASSWORD" { "BLOCK" } else { "ANONYMIZE" } }))
            .collect();
        props["SensitiveInformationPolicyConfig"] = json!({ "PiiEntitiesConfig": entities });
    }
    if words {
        props["WordPolicyConfig"] = json!({
            "ManagedWordListsConfig": [{ "Type": "PROFANITY" }],
            "WordsConfig": [{ "Text": "internal-codename" }]
        });
    }
    if grounding {
        props["ContextualGroundingPolicyConfig"] = json!({ "FiltersConfig": [
            { "Type": "GROUNDING", "Threshold": 0.75 },
            { "Type": "RELEVANCE", "Threshold": 0.5 }
        ] });
    }
    if kms {
        props["KmsKeyArn"] = g.key_arn();
    }
    let guardrail = add!(g, "Guardrail", "AWS::Bedrock::Guardrail", props);
    let version = add!(
        g,
        "GuardrailVersion",
        "AWS::Bedrock::GuardrailVersion",
        json!({ "GuardrailIdentifier": att(&guardrail, "GuardrailId"), "Description": "Pinned for the agent" }),
    );
    let instruction = *g.rng.pick(INSTRUCTIONS);
    let mut agent = json!({
        "AgentName": g.name("agent"),
        "AgentResourceRoleArn": g.role_arn(),
        "FoundationModel": *g.rng.pick(FOUNDATION_MODELS),
        "Instruction": instruction,
        "IdleSessionTTLInSeconds": 600,
        "AutoPrepare": true
    });
    if agent_kms {
        agent["CustomerEncryptionKeyArn"] = g.key_arn();
    }
    if attach {
        agent["GuardrailConfiguration"] = json!({
            "GuardrailIdentifier": att(&guardrail, "GuardrailId"),
            "GuardrailVersion": att(&version, "Version")
        });
    }
    if g.rng.chance(0.5) {
        let function = cfn_lambda(g);
        agent["ActionGroups"] = json!([{
            "ActionGroupName": "lookup",
            "ActionGroupExecutor": { "Lambda": att(&function, "Arn") },
            "FunctionSchema": { "Functions": [{
                "Name": "get_record",
                "Description": "Looks a record up by its id",
                "Parameters": { "record_id": { "Type": "string", "Required": true } }
            }] }
        }]);
    }
    let agent = add!(g, "Agent", "AWS::Bedrock::Agent", agent);
    add!(
        g,
        "AgentAlias",
        "AWS::Bedrock::AgentAlias",
        json!({ "AgentId": att(&agent, "AgentId"), "AgentAliasName": "live" }),
    );
    g.output("AgentId", att(&agent, "AgentId"));
}

fn cfn_knowledge_base(g: &mut Cfn) {
    let collection_name = format!("kb-{}", g.rng.hex(6));
    let security = json!({ "Rules": [{ "ResourceType": "collection", "Resource": [format!("collection/{collection_name}")] }], "AWSOwnedKey": true });
    add!(
        g,
        "CollectionEncryption",
        "AWS::OpenSearchServerless::SecurityPolicy",
        json!({ "Name": format!("{collection_name}-enc"), "Type": "encryption", "Policy": security.to_string() }),
    );
    let collection = add!(
        g,
        "VectorCollection",
        "AWS::OpenSearchServerless::Collection",
        json!({ "Name": collection_name, "Type": "VECTORSEARCH", "StandbyReplicas": "DISABLED" }),
    );
    let kb = add!(
        g,
        "KnowledgeBase",
        "AWS::Bedrock::KnowledgeBase",
        json!({
            "Name": g.name("kb"),
            "RoleArn": g.role_arn(),
            "KnowledgeBaseConfiguration": {
                "Type": "VECTOR",
                "VectorKnowledgeBaseConfiguration": {
                    "EmbeddingModelArn": g.sub("arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.titan-embed-text-v2:0")
                }
            },
            "StorageConfiguration": {
                "Type": "OPENSEARCH_SERVERLESS",
                "OpensearchServerlessConfiguration": {
                    "CollectionArn": att(&collection, "Arn"),
                    "VectorIndexName": "documents",
                    "FieldMapping": { "VectorField": "embedding", "TextField": "text", "MetadataField": "metadata" }
                }
            }
        }),
    );
    let docs = cfn_bucket(g, "Documents");
    let mut source = json!({
        "KnowledgeBaseId": att(&kb, "KnowledgeBaseId"),
        "Name": "documents",
        "DataSourceConfiguration": { "Type": "S3", "S3Configuration": { "BucketArn": att(&docs, "Arn") } }
    });
    if g.ok() {
        source["ServerSideEncryptionConfiguration"] = json!({ "KmsKeyArn": g.key_arn() });
    }
    add!(g, "DataSource", "AWS::Bedrock::DataSource", source);
}

fn cfn_opensearch(g: &mut Cfn) {
    let (rest, n2n, https, tls, vpc) = (g.ok(), g.ok(), g.ok(), g.ok(), g.ok());
    let count = g.rng.range(1, 3) * 2;
    let mut encryption = json!({ "Enabled": rest });
    if rest && g.rng.chance(0.7) {
        encryption["KmsKeyId"] = g.key_arn();
    }
    let mut props = json!({
        "DomainName": format!("search-{}", g.rng.hex(8)),
        "EngineVersion": *g.rng.pick(&["OpenSearch_2.13", "OpenSearch_2.11", "OpenSearch_1.3"]),
        "ClusterConfig": {
            "InstanceType": "r6g.large.search",
            "InstanceCount": count,
            "ZoneAwarenessEnabled": true,
            "ZoneAwarenessConfig": { "AvailabilityZoneCount": 2 },
            "DedicatedMasterEnabled": count > 2
        },
        "EBSOptions": { "EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 100 },
        "EncryptionAtRestOptions": encryption,
        "NodeToNodeEncryptionOptions": { "Enabled": n2n },
        "DomainEndpointOptions": {
            "EnforceHTTPS": https,
            "TLSSecurityPolicy": if tls { "Policy-Min-TLS-1-2-PFS-2023-10" } else { "Policy-Min-TLS-1-0-2019-07" }
        },
        "AccessPolicies": policy(vec![json!({
            "Effect": "Allow",
            "Principal": { "AWS": g.role_arn() },
            "Action": "es:ESHttp*",
            "Resource": g.sub("arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/*")
        })])
    });
    if vpc {
        props["VPCOptions"] = json!({ "SubnetIds": g.subnets(), "SecurityGroupIds": [g.sg()] });
    }
    let id = add!(g, "SearchDomain", "AWS::OpenSearchService::Domain", props);
    g.retain(&id);
    g.output("SearchEndpoint", att(&id, "DomainEndpoint"));
}

fn cfn_network(g: &mut Cfn) {
    let octet = g.rng.range(0, 200);
    let vpc = add!(
        g,
        "Vpc",
        "AWS::EC2::VPC",
        json!({
            "CidrBlock": format!("10.{octet}.0.0/16"),
            "EnableDnsSupport": true,
            "EnableDnsHostnames": true,
            "Tags": [{ "Key": "Name", "Value": g.sub("${AWS::StackName}-vpc") }]
        }),
    );
    let mut subnets = Vec::new();
    for i in 0..2 {
        let azs = if g.cdk {
            json!(["us-east-1a", "us-east-1b"][i])
        } else {
            json!({ "Fn::Select": [i, { "Fn::GetAZs": "" }] })
        };
        subnets.push(r(&add!(
            g,
            "PrivateSubnet",
            "AWS::EC2::Subnet",
            json!({
                "VpcId": r(&vpc),
                "CidrBlock": format!("10.{octet}.{}.0/20", i * 16),
                "AvailabilityZone": azs,
                "MapPublicIpOnLaunch": false
            }),
        )));
    }
    let table = add!(
        g,
        "PrivateRouteTable",
        "AWS::EC2::RouteTable",
        json!({ "VpcId": r(&vpc) }),
    );
    let private_dns = g.ok();
    let sg = g.sg();
    let n = g.rng.range(2, 5);
    for &service in INTERFACE_SERVICES.iter().skip(g.rng.below(3)).take(n) {
        add!(
            g,
            "InterfaceEndpoint",
            "AWS::EC2::VPCEndpoint",
            json!({
                "ServiceName": g.sub(&format!("com.amazonaws.${{AWS::Region}}.{service}")),
                "VpcEndpointType": "Interface",
                "VpcId": r(&vpc),
                "SubnetIds": subnets,
                "SecurityGroupIds": [sg],
                "PrivateDnsEnabled": private_dns
            }),
        );
    }
    add!(
        g,
        "S3GatewayEndpoint",
        "AWS::EC2::VPCEndpoint",
        json!({
            "ServiceName": g.sub("com.amazonaws.${AWS::Region}.s3"),
            "VpcEndpointType": "Gateway",
            "VpcId": r(&vpc),
            "RouteTableIds": [r(&table)]
        }),
    );
    g.output("VpcId", r(&vpc));
}

fn cfn_trail(g: &mut Cfn) {
    let bucket = cfn_bucket(g, "Trail");
    let acl_resource = att(&bucket, "Arn");
    let objects = g.sub(&format!("${{{bucket}.Arn}}/AWSLogs/${{AWS::AccountId}}/*"));
    let trail_policy = add!(
        g,
        "TrailBucketPolicy",
        "AWS::S3::BucketPolicy",
        json!({
            "Bucket": r(&bucket),
            "PolicyDocument": policy(vec![
                json!({ "Sid": "AclCheck", "Effect": "Allow", "Principal": { "Service": "cloudtrail.amazonaws.com" }, "Action": "s3:GetBucketAcl", "Resource": acl_resource }),
                json!({ "Sid": "Write", "Effect": "Allow", "Principal": { "Service": "cloudtrail.amazonaws.com" }, "Action": "s3:PutObject", "Resource": objects,
                        "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control" } } })
            ])
        }),
    );
    let (multi, validation, kms, logging) = (g.ok(), g.ok(), g.ok(), g.rng.chance(0.9));
    let mut props = json!({
        "TrailName": g.name("trail"),
        "S3BucketName": r(&bucket),
        "IsLogging": logging,
        "IsMultiRegionTrail": multi,
        "IncludeGlobalServiceEvents": true,
        "EnableLogFileValidation": validation
    });
    if kms {
        props["KMSKeyId"] = g.key_arn();
    }
    if g.rng.chance(0.5) {
        props["EventSelectors"] = json!([{
            "ReadWriteType": "All",
            "IncludeManagementEvents": true,
            "DataResources": [{ "Type": "AWS::S3::Object", "Values": [g.sub("arn:${AWS::Partition}:s3")] }]
        }]);
    } else {
        props["AdvancedEventSelectors"] = json!([{
            "Name": "SageMaker and Bedrock data events",
            "FieldSelectors": [
                { "Field": "eventCategory", "Equals": ["Data"] },
                { "Field": "resources.type", "Equals": ["AWS::SageMaker::Endpoint", "AWS::Bedrock::AgentAlias"] }
            ]
        }]);
    }
    let trail = add!(g, "Trail", "AWS::CloudTrail::Trail", props);
    g.set(&trail, "DependsOn", json!([trail_policy]));
}

fn cfn_lake_formation(g: &mut Cfn) {
    let (no_defaults, no_grant) = (g.ok(), g.ok());
    let role = g.role_arn();
    let defaults = if no_defaults {
        json!([])
    } else {
        json!([{ "Principal": { "DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS" }, "Permissions": ["ALL"] }])
    };
    add!(
        g,
        "DataLakeSettings",
        "AWS::LakeFormation::DataLakeSettings",
        json!({
            "Admins": [{ "DataLakePrincipalIdentifier": role.clone() }],
            "CreateDatabaseDefaultPermissions": defaults.clone(),
            "CreateTableDefaultPermissions": defaults
        }),
    );
    let db_name = format!("features_{}", g.rng.hex(4));
    let db = add!(
        g,
        "FeatureDatabase",
        "AWS::Glue::Database",
        json!({ "CatalogId": r("AWS::AccountId"), "DatabaseInput": { "Name": db_name, "Description": "Curated features" } }),
    );
    add!(
        g,
        "DatabasePermissions",
        "AWS::LakeFormation::Permissions",
        json!({
            "DataLakePrincipal": { "DataLakePrincipalIdentifier": role },
            "Resource": { "DatabaseResource": { "CatalogId": r("AWS::AccountId"), "Name": r(&db) } },
            "Permissions": if no_grant { json!(["DESCRIBE", "CREATE_TABLE"]) } else { json!(["ALL"]) },
            "PermissionsWithGrantOption": if no_grant { json!([]) } else { json!(["ALL"]) }
        }),
    );
}

fn cfn_iam_policy(g: &mut Cfn) {
    let role = g.role();
    let scoped = g.ok();
    let statements = if scoped {
        vec![
            json!({ "Sid": "Invoke", "Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"],
                    "Resource": g.sub("arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/${AWS::StackName}-*") }),
            json!({ "Sid": "Models", "Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                    "Resource": g.sub("arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*") }),
        ]
    } else {
        vec![
            json!({ "Effect": "Allow", "Action": *g.rng.pick(&["*", "s3:*", "sagemaker:*"]), "Resource": "*" }),
        ]
    };
    if g.rng.chance(0.5) {
        add!(
            g,
            "ManagedPolicy",
            "AWS::IAM::ManagedPolicy",
            json!({ "Description": "Workload access", "Roles": [r(&role)], "PolicyDocument": policy(statements) }),
        );
    } else {
        add!(
            g,
            "InlinePolicy",
            "AWS::IAM::Policy",
            json!({ "PolicyName": "workload-access", "Roles": [r(&role)], "PolicyDocument": policy(statements) }),
        );
    }
}

fn cfn_lambda(g: &mut Cfn) -> String {
    let (retention, log_kms, vpc, env_kms) = (g.ok(), g.ok(), g.ok(), g.ok());
    let n = g.n + 1;
    let mut log =
        json!({ "LogGroupName": g.sub(&format!("/aws/lambda/${{AWS::StackName}}-fn-{n}")) });
    if retention {
        log["RetentionInDays"] = json!(*g.rng.pick(&[30, 90, 365]));
    }
    if log_kms {
        log["KmsKeyId"] = g.key_arn();
    }
    add!(g, "FunctionLogs", "AWS::Logs::LogGroup", log);
    let runtime = *g.rng.pick(RUNTIMES);
    let code = if runtime.starts_with("python") && g.rng.chance(0.5) {
        json!({ "ZipFile": "import json\nimport os\n\n\ndef handler(event, context):\n    table = os.environ[\"TABLE_NAME\"]\n    return {\"statusCode\": 200, \"body\": json.dumps({\"table\": table})}\n" })
    } else {
        json!({ "S3Bucket": g.sub("${AWS::StackName}-artifacts"), "S3Key": format!("lambda/fn-{n}.zip") })
    };
    let mut props = json!({
        "FunctionName": g.sub(&format!("${{AWS::StackName}}-fn-{n}")),
        "Runtime": runtime,
        "Handler": if runtime.starts_with("python") { "index.handler" } else if runtime.starts_with("java") { "com.example.Handler::handleRequest" } else { "index.handler" },
        "Role": g.role_arn(),
        "Code": code,
        "MemorySize": *g.rng.pick(&[128, 256, 512, 1024]),
        "Timeout": *g.rng.pick(&[10, 30, 60, 300]),
        "Environment": { "Variables": { "TABLE_NAME": g.sub("${AWS::StackName}-items"), "STAGE": g.env_ref(), "LOG_LEVEL": "INFO" } },
        "TracingConfig": { "Mode": if g.ok() { "Active" } else { "PassThrough" } }
    });
    if vpc {
        props["VpcConfig"] = json!({ "SubnetIds": g.subnets(), "SecurityGroupIds": [g.sg()] });
    }
    if env_kms {
        props["KmsKeyArn"] = g.key_arn();
    }
    if !g.cdk && g.rng.chance(0.3) {
        props["ReservedConcurrentExecutions"] =
            if_("IsProd", json!(50), json!({ "Ref": "AWS::NoValue" }));
    }
    add!(g, "Function", "AWS::Lambda::Function", props)
}

fn cfn_dynamodb(g: &mut Cfn) {
    let (sse, pitr) = (g.ok(), g.ok());
    let mut props = json!({
        "TableName": g.name("items"),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            { "AttributeName": "pk", "AttributeType": "S" },
            { "AttributeName": "sk", "AttributeType": "S" },
            { "AttributeName": "gsi1pk", "AttributeType": "S" }
        ],
        "KeySchema": [{ "AttributeName": "pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }],
        "GlobalSecondaryIndexes": [{
            "IndexName": "gsi1",
            "KeySchema": [{ "AttributeName": "gsi1pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }],
            "Projection": { "ProjectionType": "ALL" }
        }],
        "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": pitr },
        "TimeToLiveSpecification": { "AttributeName": "expires_at", "Enabled": true }
    });
    if sse {
        props["SSESpecification"] =
            json!({ "SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": g.key_arn() });
    }
    let id = add!(g, "Table", "AWS::DynamoDB::Table", props);
    g.retain(&id);
}

fn cfn_sqs(g: &mut Cfn) {
    let kms = g.ok();
    let dlq = add!(
        g,
        "DeadLetterQueue",
        "AWS::SQS::Queue",
        json!({ "MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true }),
    );
    let mut props = json!({
        "VisibilityTimeout": 300,
        "MessageRetentionPeriod": 345_600,
        "RedrivePolicy": { "deadLetterTargetArn": att(&dlq, "Arn"), "maxReceiveCount": 5 }
    });
    if kms {
        props["KmsMasterKeyId"] = g.key_arn();
        props["KmsDataKeyReusePeriodSeconds"] = json!(300);
    }
    add!(g, "Queue", "AWS::SQS::Queue", props);
}

fn cfn_security_group(g: &mut Cfn) -> String {
    let narrow = g.ok();
    let mut ingress = vec![json!({
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "CidrIp": if narrow { "10.0.0.0/8" } else { "0.0.0.0/0" },
        "Description": "HTTPS"
    })];
    if !narrow && g.rng.chance(0.5) {
        ingress.push(json!({ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0", "Description": "SSH" }));
    }
    add!(
        g,
        "WorkloadSecurityGroup",
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": "Workload traffic",
            "VpcId": g.vpc(),
            "SecurityGroupIngress": ingress,
            "SecurityGroupEgress": [{ "IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "All outbound" }]
        }),
    )
}

fn cfn_api(g: &mut Cfn) {
    let function = cfn_lambda(g);
    let iam = g.ok();
    let api = add!(
        g,
        "RestApi",
        "AWS::ApiGateway::RestApi",
        json!({ "Name": g.name("api"), "EndpointConfiguration": { "Types": ["REGIONAL"] } }),
    );
    let resource = add!(
        g,
        "PredictResource",
        "AWS::ApiGateway::Resource",
        json!({ "ParentId": att(&api, "RootResourceId"), "PathPart": "predict", "RestApiId": r(&api) }),
    );
    let method = add!(
        g,
        "PredictMethod",
        "AWS::ApiGateway::Method",
        json!({
            "HttpMethod": "POST",
            "AuthorizationType": if iam { "AWS_IAM" } else { "NONE" },
            "ResourceId": r(&resource),
            "RestApiId": r(&api),
            "Integration": {
                "Type": "AWS_PROXY",
                "IntegrationHttpMethod": "POST",
                "Uri": g.sub(&format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations"))
            }
        }),
    );
    let deployment = add!(
        g,
        "Deployment",
        "AWS::ApiGateway::Deployment",
        json!({ "RestApiId": r(&api) }),
    );
    g.set(&deployment, "DependsOn", json!([method]));
    add!(
        g,
        "Stage",
        "AWS::ApiGateway::Stage",
        json!({
            "StageName": "v1",
            "RestApiId": r(&api),
            "DeploymentId": r(&deployment),
            "TracingEnabled": g.ok(),
            "MethodSettings": [{ "ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": true }]
        }),
    );
    add!(
        g,
        "InvokePermission",
        "AWS::Lambda::Permission",
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": r(&function),
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": g.sub(&format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"))
        }),
    );
}

/// Fills a template up to about `target` lines of resources.
fn cfn_fill(g: &mut Cfn, target: usize) {
    let total: usize = CFN_COMPONENTS.iter().map(|(w, _)| w).sum();
    loop {
        let mut pick = g.rng.below(total);
        for (w, component) in CFN_COMPONENTS {
            if pick < *w {
                component(g);
                break;
            }
            pick -= w;
        }
        if g.lines() >= target {
            break;
        }
    }
}

fn new_cfn<'r>(rng: &'r mut Rng, cdk: bool, stack: String) -> Cfn<'r> {
    let env = *rng.pick(&["dev", "staging", "prod"]);
    let vpc_id = format!("vpc-0{}", rng.hex(16));
    let subnet_ids = [
        format!("subnet-0{}", rng.hex(16)),
        format!("subnet-0{}", rng.hex(16)),
    ];
    Cfn {
        rng,
        cdk,
        stack,
        env,
        vpc_id,
        subnet_ids,
        resources: Map::new(),
        outputs: Map::new(),
        key: None,
        role: None,
        sg: None,
        n: 0,
    }
}

fn cfn_project(rng: &mut Rng, dir: &Path, workload: &str, stats: &mut Stats) {
    for t in 0..rng.range(3, 6) {
        let target = rng.range(50, 800);
        let layer = *rng.pick(&["platform", "data", "inference", "genai", "network", "api"]);
        let mut g = new_cfn(rng, false, format!("{workload}-{layer}"));
        cfn_fill(&mut g, target.saturating_sub(30));
        let template = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": format!("{workload}: {layer} resources"),
            "Parameters": {
                "Environment": { "Type": "String", "Default": "dev", "AllowedValues": ["dev", "staging", "prod"], "Description": "Deployment stage" },
                "VpcId": { "Type": "AWS::EC2::VPC::Id", "Description": "VPC for the workload" },
                "SubnetIds": { "Type": "List<AWS::EC2::Subnet::Id>", "Description": "Private subnets" },
                "KmsKeyArn": { "Type": "String", "Default": "", "Description": "Existing key to use instead of the stack's key" }
            },
            "Mappings": { "InstanceTypes": {
                "dev": { "Notebook": "ml.t3.medium", "Endpoint": "ml.m5.large" },
                "staging": { "Notebook": "ml.t3.large", "Endpoint": "ml.m5.xlarge" },
                "prod": { "Notebook": "ml.m5.xlarge", "Endpoint": "ml.g5.xlarge" }
            } },
            "Conditions": {
                "IsProd": { "Fn::Equals": [r("Environment"), "prod"] },
                "UseCustomKey": { "Fn::Not": [{ "Fn::Equals": [r("KmsKeyArn"), ""] }] }
            },
            "Resources": g.resources,
            "Outputs": g.outputs
        });
        let name = format!(
            "{layer}-{t}.{}",
            if rng.chance(0.8) { "yaml" } else { "yml" }
        );
        stats.write(&dir.join("templates").join(name), &yaml(&template), Some(0));
    }
}

fn cdk_project(rng: &mut Rng, dir: &Path, workload: &str, stats: &mut Stats) {
    let out = dir.join("cdk.out");
    let mut artifacts = Map::new();
    let base: String = workload
        .split('-')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect();
    for layer in ["Data", "Inference", "GenAi", "Network", "Api"]
        .iter()
        .take(rng.range(2, 5))
    {
        let stack = format!("{base}{layer}Stack");
        let target = rng.range(50, 800);
        let mut g = new_cfn(rng, true, stack.clone());
        cfn_fill(&mut g, target.saturating_sub(40));
        let mut resources = std::mem::take(&mut g.resources);
        resources.insert(
            "CDKMetadata".into(),
            json!({
                "Type": "AWS::CDK::Metadata",
                "Properties": { "Analytics": format!("v2:deflate64:H4sIAAAAAAAA/{}", g.rng.hex(16)) },
                "Metadata": { "aws:cdk:path": format!("{stack}/CDKMetadata/Default") },
                "Condition": "CDKMetadataAvailable"
            }),
        );
        let template = json!({
            "Description": format!("{workload} {layer} (generated by the AWS CDK)"),
            "Resources": resources,
            "Outputs": g.outputs,
            "Conditions": { "CDKMetadataAvailable": { "Fn::Or": [
                { "Fn::Equals": [r("AWS::Region"), "us-east-1"] },
                { "Fn::Equals": [r("AWS::Region"), "eu-west-1"] }
            ] } },
            "Parameters": { "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
                "Description": "Version of the CDK Bootstrap resources in this environment"
            } },
            "Rules": { "CheckBootstrapVersion": { "Assertions": [{
                "Assert": { "Fn::Not": [{ "Fn::Contains": [["1", "2", "3", "4", "5"], r("BootstrapVersion")] }] },
                "AssertDescription": "CDK bootstrap stack version 6 required."
            }] } }
        });
        let file = format!("{stack}.template.json");
        stats.write(
            &out.join(&file),
            &serde_json::to_string_pretty(&template).expect("JSON"),
            Some(1),
        );
        artifacts.insert(
            stack.clone(),
            json!({ "type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                    "properties": { "templateFile": file, "validateOnSynth": false } }),
        );
    }
    let manifest = json!({ "version": "36.0.0", "artifacts": artifacts });
    stats.write(
        &out.join("manifest.json"),
        &serde_json::to_string_pretty(&manifest).expect("JSON"),
        None,
    );
    stats.write(
        &dir.join("cdk.json"),
        "{\n  \"app\": \"npx ts-node --prefer-ts-exts bin/app.ts\"\n}\n",
        None,
    );
}

// ---------------------------------------------------------------------------------------
// YAML with CloudFormation's short forms

const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "!Ref"),
    ("Fn::GetAtt", "!GetAtt"),
    ("Fn::Sub", "!Sub"),
    ("Fn::If", "!If"),
    ("Fn::Join", "!Join"),
    ("Fn::Select", "!Select"),
    ("Fn::Equals", "!Equals"),
    ("Fn::Not", "!Not"),
    ("Fn::And", "!And"),
    ("Fn::Or", "!Or"),
    ("Fn::GetAZs", "!GetAZs"),
    ("Fn::FindInMap", "!FindInMap"),
    ("Fn::Base64", "!Base64"),
    ("Fn::ImportValue", "!ImportValue"),
];

fn yaml(v: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(m) = v {
        y_map(&mut out, m, 0);
    }
    out
}

fn y_str(s: &str, flow: bool) -> String {
    let reserved = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !s.ends_with([':', ' '])
        && !s.contains(": ")
        && !s.contains(" #")
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:-".contains(c) || (c == ' ' && !flow));
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string")
    }
}

fn y_scalar(v: &Value, flow: bool) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if flow || !s.contains('\n') => Some(y_str(s, flow)),
        _ => None,
    }
}

fn tag_of(v: &Value) -> Option<(&'static str, &Value)> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    let (k, arg) = m.iter().next()?;
    SHORT_FORMS
        .iter()
        .find(|(long, _)| long == k)
        .map(|(_, short)| (*short, arg))
}

fn y_inline(v: &Value, flow: bool) -> Option<String> {
    if let Some(s) = y_scalar(v, flow) {
        return Some(s);
    }
    if let Some((tag, arg)) = tag_of(v) {
        if tag == "!GetAtt" {
            if let Some([Value::String(id), Value::String(a)]) = arg.as_array().map(Vec::as_slice) {
                return Some(format!("!GetAtt {id}.{a}"));
            }
        }
        if let Some(s) = y_scalar(arg, true) {
            return Some(format!("{tag} {s}"));
        }
        let parts: Option<Vec<String>> =
            arg.as_array()?.iter().map(|i| y_inline(i, true)).collect();
        let s = format!("{tag} [{}]", parts?.join(", "));
        return (s.len() <= 100).then_some(s);
    }
    match v {
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn pad(out: &mut String, n: usize) {
    out.push_str(&" ".repeat(n));
}

fn y_map(out: &mut String, m: &Map<String, Value>, indent: usize) {
    for (k, v) in m {
        pad(out, indent);
        out.push_str(&y_str(k, false));
        out.push(':');
        y_value(out, v, indent);
    }
}

/// A value after `key:` or `-`; nested blocks go at `indent + 2`.
fn y_value(out: &mut String, v: &Value, indent: usize) {
    if let Value::String(s) = v {
        if s.contains('\n') {
            out.push_str(if s.ends_with('\n') { " |\n" } else { " |-\n" });
            for line in s.lines() {
                if !line.is_empty() {
                    pad(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
            return;
        }
    }
    if let Some(s) = y_inline(v, false) {
        out.push(' ');
        out.push_str(&s);
        out.push('\n');
    } else if let Some((tag, arg)) = tag_of(v) {
        out.push(' ');
        out.push_str(tag);
        out.push('\n');
        y_block(out, arg, indent + 2);
    } else {
        out.push('\n');
        y_block(out, v, indent + 2);
    }
}

fn y_block(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) => y_map(out, m, indent),
        Value::Array(items) => {
            for item in items {
                pad(out, indent);
                out.push('-');
                match item {
                    Value::Object(m) if tag_of(item).is_none() && !m.is_empty() => {
                        for (i, (k, val)) in m.iter().enumerate() {
                            if i == 0 {
                                out.push(' ');
                            } else {
                                pad(out, indent + 2);
                            }
                            out.push_str(&y_str(k, false));
                            out.push(':');
                            y_value(out, val, indent + 2);
                        }
                    }
                    _ => y_value(out, item, indent),
                }
            }
        }
        other => {
            pad(out, indent);
            out.push_str(&y_scalar(other, false).unwrap_or_default());
            out.push('\n');
        }
    }
}

// ---------------------------------------------------------------------------------------
// Terraform

/// An HCL body item: an attribute (name, expression) or a block (header, body).
enum H {
    A(String, String),
    B(String, Vec<H>),
}

fn a(name: &str, expr: impl Into<String>) -> H {
    H::A(name.to_string(), expr.into())
}

fn b(header: &str, body: Vec<H>) -> H {
    H::B(header.to_string(), body)
}

/// An HCL string literal (`${...}` inside stays an interpolation).
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hcl_body(out: &mut String, body: &[H], indent: usize) {
    let mut i = 0;
    while i < body.len() {
        match &body[i] {
            H::A(..) => {
                let j = body[i..]
                    .iter()
                    .position(|h| matches!(h, H::B(..)))
                    .map_or(body.len(), |p| i + p);
                let width = body[i..j]
                    .iter()
                    .map(|h| match h {
                        H::A(k, _) => k.len(),
                        H::B(..) => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for h in &body[i..j] {
                    if let H::A(k, v) = h {
                        pad(out, indent);
                        let _ = writeln!(
                            out,
                            "{k:width$} = {}",
                            v.replace('\n', &format!("\n{}", " ".repeat(indent)))
                        );
                    }
                }
                i = j;
            }
            H::B(header, inner) => {
                if i > 0 {
                    out.push('\n');
                }
                pad(out, indent);
                out.push_str(header);
                out.push_str(" {\n");
                hcl_body(out, inner, indent + 2);
                pad(out, indent);
                out.push_str("}\n");
                i += 1;
            }
        }
    }
}

/// A JSON value as an HCL expression (for `jsonencode`); strings starting with `=` are
/// raw expressions.
fn hcl_expr(v: &Value, indent: usize) -> String {
    match v {
        Value::String(s) => match s.strip_prefix('=') {
            Some(raw) => raw.to_string(),
            None => q(s),
        },
        Value::Null => "null".into(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(items) => {
            if items.iter().all(|i| !i.is_array() && !i.is_object()) {
                let parts: Vec<String> = items.iter().map(|i| hcl_expr(i, 0)).collect();
                let s = format!("[{}]", parts.join(", "));
                if s.len() <= 80 {
                    return s;
                }
            }
            let mut s = String::from("[\n");
            for item in items {
                pad(&mut s, indent + 2);
                s.push_str(&hcl_expr(item, indent + 2));
                s.push_str(",\n");
            }
            pad(&mut s, indent);
            s.push(']');
            s
        }
        Value::Object(m) => {
            let width = m.keys().map(|k| hcl_key(k).len()).max().unwrap_or(0);
            let mut s = String::from("{\n");
            for (k, val) in m {
                pad(&mut s, indent + 2);
                let _ = writeln!(s, "{:width$} = {}", hcl_key(k), hcl_expr(val, indent + 2));
            }
            pad(&mut s, indent);
            s.push('}');
            s
        }
    }
}

fn hcl_key(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        k.to_string()
    } else {
        q(k)
    }
}

fn jsonencode(v: &Value) -> String {
    format!("jsonencode({})", hcl_expr(v, 0))
}

struct Tf<'r> {
    rng: &'r mut Rng,
    root: bool,
    out: String,
    outputs: Vec<(String, String)>,
    n: usize,
    sg: Option<String>,
}

impl Tf<'_> {
    fn ok(&mut self) -> bool {
        self.rng.chance(COMPLIANT)
    }

    fn label(&mut self, base: &str) -> String {
        self.n += 1;
        format!("{base}_{}", self.n)
    }

    fn res(&mut self, ty: &str, label: &str, body: Vec<H>) {
        hcl_body(
            &mut self.out,
            &[b(&format!("resource {} {}", q(ty), q(label)), body)],
            0,
        );
        self.out.push('\n');
    }

    fn prefix(&self) -> &'static str {
        if self.root {
            "${local.name_prefix}"
        } else {
            "${var.name_prefix}"
        }
    }

    fn name(&self, what: &str) -> String {
        q(&format!("{}-{what}-{}", self.prefix(), self.n + 1))
    }

    fn tags(&self) -> &'static str {
        if self.root {
            "local.tags"
        } else {
            "var.tags"
        }
    }

    fn key_arn(&self) -> String {
        if self.root {
            "aws_kms_key.main.arn".into()
        } else {
            "var.kms_key_arn".into()
        }
    }

    fn role_arn(&self) -> String {
        if self.root {
            "aws_iam_role.execution.arn".into()
        } else {
            "var.role_arn".into()
        }
    }

    fn role_name(&self) -> String {
        if self.root {
            "aws_iam_role.execution.name".into()
        } else {
            "var.role_name".into()
        }
    }

    fn is_prod(&self) -> &'static str {
        if self.root {
            "local.is_prod"
        } else {
            "var.environment == \"prod\""
        }
    }

    fn sg(&mut self) -> String {
        if self.sg.is_none() {
            let l = tf_security_group(self);
            self.sg = Some(l);
        }
        format!(
            "aws_security_group.{}.id",
            self.sg.as_deref().expect("set above")
        )
    }

    fn lines(&self) -> usize {
        self.out.lines().count()
    }
}

type TfComponent = fn(&mut Tf);

const TF_COMPONENTS: &[(usize, TfComponent)] = &[
    (3, |t| {
        let purpose = t.rng.pick(PURPOSES).to_lowercase();
        tf_bucket(t, &purpose);
    }),
    (2, tf_notebook),
    (1, tf_studio_domain),
    (3, tf_inference),
    (2, tf_genai),
    (2, tf_knowledge_base),
    (2, tf_opensearch),
    (2, tf_network),
    (1, tf_trail),
    (1, tf_lake_formation),
    (2, tf_iam_policy),
    (3, |t| {
        tf_lambda(t);
    }),
    (2, tf_dynamodb),
    (2, tf_sqs),
    (1, |t| {
        tf_security_group(t);
    }),
    (1, tf_api),
];

fn tf_bucket(t: &mut Tf, purpose: &str) -> String {
    let l = t.label(purpose);
    let (enc, block, versioned) = (t.ok(), t.ok(), t.ok());
    let name = t.name(purpose);
    let tags = t.tags();
    res!(
        t,
        "aws_s3_bucket",
        &l,
        vec![
            a("bucket", name),
            a("force_destroy", "false"),
            a("tags", tags),
        ],
    );
    let bucket = format!("aws_s3_bucket.{l}.id");
    if enc || t.rng.chance(0.5) {
        let default = if enc {
            vec![
                a("sse_algorithm", q("aws:kms")),
                a("kms_master_key_id", t.key_arn()),
            ]
        } else {
            vec![a("sse_algorithm", q("AES256"))]
        };
        res!(
            t,
            "aws_s3_bucket_server_side_encryption_configuration",
            &l,
            vec![
                a("bucket", &bucket),
                b(
                    "rule",
                    vec![
                        a("bucket_key_enabled", enc.to_string()),
                        b("apply_server_side_encryption_by_default", default),
                    ],
                ),
            ],
        );
    }
    res!(
        t,
        "aws_s3_bucket_public_access_block",
        &l,
        vec![
            a("bucket", &bucket),
            a("block_public_acls", "true"),
            a("block_public_policy", block.to_string()),
            a("ignore_public_acls", "true"),
            a("restrict_public_buckets", block.to_string()),
        ],
    );
    res!(
        t,
        "aws_s3_bucket_versioning",
        &l,
        vec![
            a("bucket", &bucket),
            b(
                "versioning_configuration",
                vec![a(
                    "status",
                    q(if versioned { "Enabled" } else { "Suspended" }),
                )],
            ),
        ],
    );
    if t.rng.chance(0.7) {
        let arn = format!("=aws_s3_bucket.{l}.arn");
        let objects = format!("${{aws_s3_bucket.{l}.arn}}/*");
        let statement = if t.ok() {
            json!({
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, objects],
                "Condition": { "Bool": { "aws:SecureTransport": "false" } }
            })
        } else {
            json!({ "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": objects })
        };
        res!(
            t,
            "aws_s3_bucket_policy",
            &l,
            vec![
                a("bucket", &bucket),
                a("policy", jsonencode(&policy(vec![statement]))),
            ],
        );
    }
    if t.rng.chance(0.3) {
        t.outputs
            .push((format!("{l}_bucket"), format!("aws_s3_bucket.{l}.bucket")));
    }
    l
}

fn tf_notebook(t: &mut Tf) {
    let l = t.label("notebook");
    let (private, no_root, kms) = (t.ok(), t.ok(), t.ok());
    let instance = if t.rng.chance(0.5) {
        format!("{} ? \"ml.m5.xlarge\" : \"ml.t3.medium\"", t.is_prod())
    } else {
        q(t.rng.pick::<&str>(NOTEBOOK_TYPES))
    };
    let mut body = vec![
        a("name", t.name("notebook")),
        a("role_arn", t.role_arn()),
        a("instance_type", instance),
        a(
            "direct_internet_access",
            q(if private { "Disabled" } else { "Enabled" }),
        ),
        a(
            "root_access",
            q(if no_root { "Disabled" } else { "Enabled" }),
        ),
        a(
            "volume_size",
            t.rng.pick(&["5", "20", "50", "100"]).to_string(),
        ),
        a("platform_identifier", q("notebook-al2-v2")),
    ];
    if kms {
        body.push(a("kms_key_id", t.key_arn()));
    }
    if private || t.rng.chance(0.5) {
        body.push(a("subnet_id", "var.subnet_ids[0]"));
        body.push(a("security_groups", format!("[{}]", t.sg())));
    }
    if t.rng.chance(0.4) {
        res!(t,
            "aws_sagemaker_notebook_instance_lifecycle_configuration",
            &l,
            vec![
                a("name", t.name("notebook-lc")),
                a("on_start", "base64encode(<<-EOT\n  #!/bin/bash\n  set -e\n  sudo -u ec2-user -i pip install --quiet -r /home/ec2-user/SageMaker/requirements.txt\nEOT\n)"),
            ],
        );
        body.push(a(
            "lifecycle_config_name",
            format!("aws_sagemaker_notebook_instance_lifecycle_configuration.{l}.name"),
        ));
    }
    body.push(a("tags", t.tags()));
    res!(t, "aws_sagemaker_notebook_instance", &l, body);
}

fn tf_studio_domain(t: &mut Tf) {
    let l = t.label("studio");
    let (vpc_only, kms) = (t.ok(), t.ok());
    let sg = t.sg();
    let mut body = vec![
        a("domain_name", t.name("studio")),
        a("auth_mode", q("IAM")),
        a("vpc_id", "var.vpc_id"),
        a("subnet_ids", "var.subnet_ids"),
        a(
            "app_network_access_type",
            q(if vpc_only {
                "VpcOnly"
            } else {
                "PublicInternetOnly"
            }),
        ),
    ];
    if kms {
        body.push(a("kms_key_id", t.key_arn()));
    }
    body.push(a("tags", t.tags()));
    body.push(b(
        "default_user_settings",
        vec![
            a("execution_role", t.role_arn()),
            a("security_groups", format!("[{sg}]")),
        ],
    ));
    res!(t, "aws_sagemaker_domain", &l, body);
    res!(
        t,
        "aws_sagemaker_user_profile",
        &l,
        vec![
            a("domain_id", format!("aws_sagemaker_domain.{l}.id")),
            a("user_profile_name", q("data-scientist")),
        ],
    );
}

fn tf_inference(t: &mut Tf) {
    let bucket = tf_bucket(t, "models");
    let l = t.label("model");
    let (isolated, vpc, kms, capture, capture_kms) = (t.ok(), t.ok(), t.ok(), t.ok(), t.ok());
    let mut body = vec![
        a("name", t.name("model")),
        a("execution_role_arn", t.role_arn()),
        a("enable_network_isolation", isolated.to_string()),
        b(
            "primary_container",
            vec![
                a("image", q("${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.name}.amazonaws.com/inference:1.4.2")),
                a("model_data_url", q(&format!("s3://${{aws_s3_bucket.{bucket}.bucket}}/models/v{}/model.tar.gz", t.rng.range(1, 9)))),
                a("environment", "{\n  SAGEMAKER_PROGRAM = \"inference.py\"\n  LOG_LEVEL         = \"INFO\"\n}"),
            ],
        ),
    ];
    if vpc {
        let sg = t.sg();
        body.push(b(
            "vpc_config",
            vec![
                a("subnets", "var.subnet_ids"),
                a("security_group_ids", format!("[{sg}]")),
            ],
        ));
    }
    res!(t, "aws_sagemaker_model", &l, body);
    let mut config = vec![a("name", t.name("endpoint-config"))];
    if kms {
        config.push(a("kms_key_arn", t.key_arn()));
    }
    config.push(b(
        "production_variants",
        vec![
            a("variant_name", q("AllTraffic")),
            a("model_name", format!("aws_sagemaker_model.{l}.name")),
            a("initial_instance_count", t.rng.range(1, 4).to_string()),
            a("instance_type", q(t.rng.pick::<&str>(ENDPOINT_TYPES))),
        ],
    ));
    if capture || t.rng.chance(0.5) {
        let enable = if t.root && t.rng.chance(0.5) {
            "var.enable_data_capture".to_string()
        } else {
            capture.to_string()
        };
        let mut dc = vec![
            a("enable_capture", enable),
            a(
                "initial_sampling_percentage",
                t.rng.pick(&["5", "20", "100"]).to_string(),
            ),
            a(
                "destination_s3_uri",
                q(&format!("s3://${{aws_s3_bucket.{bucket}.bucket}}/capture")),
            ),
        ];
        if capture_kms {
            dc.push(a("kms_key_id", t.key_arn()));
        }
        dc.push(b("capture_options", vec![a("capture_mode", q("Input"))]));
        dc.push(b("capture_options", vec![a("capture_mode", q("Output"))]));
        config.push(b("data_capture_config", dc));
    }
    config.push(a("tags", t.tags()));
    res!(t, "aws_sagemaker_endpoint_configuration", &l, config);
    let endpoint = vec![
        a("name", t.name("endpoint")),
        a(
            "endpoint_config_name",
            format!("aws_sagemaker_endpoint_configuration.{l}.name"),
        ),
    ];
    res!(t, "aws_sagemaker_endpoint", &l, endpoint);
    t.outputs.push((
        format!("{l}_endpoint"),
        format!("aws_sagemaker_endpoint.{l}.name"),
    ));
}

fn tf_genai(t: &mut Tf) {
    let l = t.label("assistant");
    let (strong, pii, words, grounding, kms, attach, agent_kms) =
        (t.ok(), t.ok(), t.ok(), t.ok(), t.ok(), t.ok(), t.ok());
    let n_filters = if strong { 5 } else { t.rng.range(1, 4) };
    let mut filters = Vec::new();
    for ty in &FILTER_TYPES[..n_filters] {
        let s = if strong {
            "HIGH"
        } else {
            *t.rng.pick(STRENGTHS)
        };
        filters.push(b(
            "filters_config",
            vec![
                a("type", q(ty)),
                a("input_strength", q(s)),
                a("output_strength", q(s)),
            ],
        ));
    }
    if strong {
        filters.push(b(
            "filters_config",
            vec![
                a("type", q("PROMPT_ATTACK")),
                a("input_strength", q("HIGH")),
                a("output_strength", q("NONE")),
            ],
        ));
    }
    let mut body = vec![
        a("name", t.name("guardrail")),
        a("description", q("Blocks harmful content and personal data")),
        a(
            "blocked_input_messaging",
            q("Sorry, I cannot help with that request."),
        ),
        a(
            "blocked_outputs_messaging",
            q("Sorry, I cannot provide that answer."),
        ),
    ];
    if kms {
        body.push(a("kms_key_arn", t.key_arn()));
    }
    body.push(b("content_policy_config", filters));
    if pii {
        let n = t.rng.range(2, PII_TYPES.len());
        let entities = PII_TYPES[..n]
            .iter()
            .map(|ty| {
                let action = if ty.contains("NUMBER") || ty.contains("KEY") || *ty == "PASSWORD" {
                    "BLOCK"
                } else {
                    "ANONYMIZE"
                };
                b(
                    "pii_entities_config",
                    vec![a("type", q(ty)), a("action", q(action))],
                )
            })
            .collect();
        body.push(b("sensitive_information_policy_config", entities));
    }
    if words {
        body.push(b(
            "word_policy_config",
            vec![
                b("managed_word_lists_config", vec![a("type", q("PROFANITY"))]),
                b("words_config", vec![a("text", q("internal-codename"))]),
            ],
        ));
    }
    if grounding {
        body.push(b(
            "contextual_grounding_policy_config",
            vec![
                b(
                    "filters_config",
                    vec![a("type", q("GROUNDING")), a("threshold", "0.75")],
                ),
                b(
                    "filters_config",
                    vec![a("type", q("RELEVANCE")), a("threshold", "0.5")],
                ),
            ],
        ));
    }
    body.push(a("tags", t.tags()));
    res!(t, "aws_bedrock_guardrail", &l, body);
    res!(
        t,
        "aws_bedrock_guardrail_version",
        &l,
        vec![
            a(
                "guardrail_arn",
                format!("aws_bedrock_guardrail.{l}.guardrail_arn"),
            ),
            a("description", q("Pinned for the agent")),
        ],
    );
    let model = if t.rng.chance(0.5) {
        "var.foundation_model".to_string()
    } else {
        q(t.rng.pick::<&str>(FOUNDATION_MODELS))
    };
    let mut agent = vec![
        a("agent_name", t.name("agent")),
        a("agent_resource_role_arn", t.role_arn()),
        a("foundation_model", model),
        a("instruction", q(t.rng.pick::<&str>(INSTRUCTIONS))),
        a("idle_session_ttl_in_seconds", "600"),
        a("prepare_agent", "true"),
    ];
    if agent_kms {
        agent.push(a("customer_encryption_key_arn", t.key_arn()));
    }
    if attach {
        agent.push(b(
            "guardrail_configuration",
            vec![
                a(
                    "guardrail_identifier",
                    format!("aws_bedrock_guardrail.{l}.guardrail_id"),
                ),
                a(
                    "guardrail_version",
                    format!("aws_bedrock_guardrail_version.{l}.version"),
                ),
            ],
        ));
    }
    res!(t, "aws_bedrockagent_agent", &l, agent);
    if t.rng.chance(0.5) {
        let function = tf_lambda(t);
        res!(
            t,
            "aws_bedrockagent_agent_action_group",
            &l,
            vec![
                a("action_group_name", q("lookup")),
                a("agent_id", format!("aws_bedrockagent_agent.{l}.agent_id")),
                a("agent_version", q("DRAFT")),
                b(
                    "action_group_executor",
                    vec![a("lambda", format!("aws_lambda_function.{function}.arn"))],
                ),
                b(
                    "function_schema",
                    vec![b(
                        "member_functions",
                        vec![b(
                            "functions",
                            vec![
                                a("name", q("get_record")),
                                a("description", q("Looks a record up by its id")),
                                b(
                                    "parameters",
                                    vec![
                                        a("map_block_key", q("record_id")),
                                        a("type", q("string")),
                                        a("required", "true"),
                                    ],
                                ),
                            ],
                        )],
                    )],
                ),
            ],
        );
    }
    res!(
        t,
        "aws_bedrockagent_agent_alias",
        &l,
        vec![
            a("agent_alias_name", q("live")),
            a("agent_id", format!("aws_bedrockagent_agent.{l}.agent_id")),
        ],
    );
    t.outputs.push((
        format!("{l}_agent_id"),
        format!("aws_bedrockagent_agent.{l}.agent_id"),
    ));
}

fn tf_knowledge_base(t: &mut Tf) {
    let l = t.label("kb");
    let collection = format!("kb-{}", t.rng.hex(6));
    let security = json!({
        "Rules": [{ "ResourceType": "collection", "Resource": [format!("collection/{collection}")] }],
        "AWSOwnedKey": true
    });
    res!(
        t,
        "aws_opensearchserverless_security_policy",
        &l,
        vec![
            a("name", q(&format!("{collection}-enc"))),
            a("type", q("encryption")),
            a("policy", jsonencode(&security)),
        ],
    );
    res!(
        t,
        "aws_opensearchserverless_collection",
        &l,
        vec![
            a("name", q(&collection)),
            a("type", q("VECTORSEARCH")),
            a("standby_replicas", q("DISABLED")),
            a(
                "depends_on",
                format!("[aws_opensearchserverless_security_policy.{l}]"),
            ),
        ],
    );
    res!(t,
        "aws_bedrockagent_knowledge_base",
        &l,
        vec![
            a("name", t.name("kb")),
            a("role_arn", t.role_arn()),
            b(
                "knowledge_base_configuration",
                vec![
                    a("type", q("VECTOR")),
                    b(
                        "vector_knowledge_base_configuration",
                        vec![a(
                            "embedding_model_arn",
                            q("arn:aws:bedrock:${data.aws_region.current.name}::foundation-model/amazon.titan-embed-text-v2:0"),
                        )],
                    ),
                ],
            ),
            b(
                "storage_configuration",
                vec![
                    a("type", q("OPENSEARCH_SERVERLESS")),
                    b(
                        "opensearch_serverless_configuration",
                        vec![
                            a(
                                "collection_arn",
                                format!("aws_opensearchserverless_collection.{l}.arn"),
                            ),
                            a("vector_index_name", q("documents")),
                            b(
                                "field_mapping",
                                vec![
                                    a("vector_field", q("embedding")),
                                    a("text_field", q("text")),
                                    a("metadata_field", q("metadata")),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    );
    let docs = tf_bucket(t, "documents");
    let mut source = vec![
        a(
            "knowledge_base_id",
            format!("aws_bedrockagent_knowledge_base.{l}.id"),
        ),
        a("name", q("documents")),
        b(
            "data_source_configuration",
            vec![
                a("type", q("S3")),
                b(
                    "s3_configuration",
                    vec![a("bucket_arn", format!("aws_s3_bucket.{docs}.arn"))],
                ),
            ],
        ),
    ];
    if t.ok() {
        source.push(b(
            "server_side_encryption_configuration",
            vec![a("kms_key_arn", t.key_arn())],
        ));
    }
    res!(t, "aws_bedrockagent_data_source", &l, source);
}

fn tf_opensearch(t: &mut Tf) {
    let l = t.label("search");
    let (rest, n2n, https, tls, vpc) = (t.ok(), t.ok(), t.ok(), t.ok(), t.ok());
    let count = t.rng.range(1, 3) * 2;
    let mut encrypt = vec![a("enabled", rest.to_string())];
    if rest && t.rng.chance(0.7) {
        encrypt.push(a("kms_key_id", t.key_arn()));
    }
    let access = policy(vec![json!({
        "Effect": "Allow",
        "Principal": { "AWS": format!("={}", t.role_arn()) },
        "Action": "es:ESHttp*",
        "Resource": "arn:aws:es:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:domain/*"
    })]);
    let legacy = t.rng.chance(0.15);
    let mut body = vec![
        a("domain_name", q(&format!("search-{}", t.rng.hex(8)))),
        if legacy {
            a("elasticsearch_version", q("7.10"))
        } else {
            a(
                "engine_version",
                q(t.rng
                    .pick::<&str>(&["OpenSearch_2.13", "OpenSearch_2.11", "OpenSearch_1.3"])),
            )
        },
        a("access_policies", jsonencode(&access)),
        b(
            "cluster_config",
            vec![
                a("instance_type", q("r6g.large.search")),
                a("instance_count", count.to_string()),
                a("zone_awareness_enabled", "true"),
                a("dedicated_master_enabled", (count > 2).to_string()),
            ],
        ),
        b(
            "ebs_options",
            vec![
                a("ebs_enabled", "true"),
                a("volume_type", q("gp3")),
                a("volume_size", "100"),
            ],
        ),
        b("encrypt_at_rest", encrypt),
        b(
            "node_to_node_encryption",
            vec![a("enabled", n2n.to_string())],
        ),
        b(
            "domain_endpoint_options",
            vec![
                a("enforce_https", https.to_string()),
                a(
                    "tls_security_policy",
                    q(if tls {
                        "Policy-Min-TLS-1-2-PFS-2023-10"
                    } else {
                        "Policy-Min-TLS-1-0-2019-07"
                    }),
                ),
            ],
        ),
    ];
    if vpc {
        let sg = t.sg();
        body.push(b(
            "vpc_options",
            vec![
                a("subnet_ids", "var.subnet_ids"),
                a("security_group_ids", format!("[{sg}]")),
            ],
        ));
    }
    body.push(a("tags", t.tags()));
    let ty = if legacy {
        "aws_elasticsearch_domain"
    } else {
        "aws_opensearch_domain"
    };
    res!(t, ty, &l, body);
    t.outputs
        .push((format!("{l}_endpoint"), format!("{ty}.{l}.endpoint")));
}

fn tf_network(t: &mut Tf) {
    let l = t.label("network");
    let octet = t.rng.range(0, 200);
    let tags = t.tags();
    let prefix = t.prefix();
    res!(
        t,
        "aws_vpc",
        &l,
        vec![
            a("cidr_block", q(&format!("10.{octet}.0.0/16"))),
            a("enable_dns_support", "true"),
            a("enable_dns_hostnames", "true"),
            a(
                "tags",
                format!("merge({tags}, {{ Name = \"{prefix}-vpc\" }})"),
            ),
        ],
    );
    res!(
        t,
        "aws_subnet",
        &l,
        vec![
            a("count", "2"),
            a("vpc_id", format!("aws_vpc.{l}.id")),
            a(
                "cidr_block",
                format!("cidrsubnet(aws_vpc.{l}.cidr_block, 4, count.index)"),
            ),
            a(
                "availability_zone",
                "data.aws_availability_zones.available.names[count.index]",
            ),
            a("map_public_ip_on_launch", "false"),
        ],
    );
    res!(
        t,
        "aws_route_table",
        &l,
        vec![a("vpc_id", format!("aws_vpc.{l}.id"))],
    );
    let private_dns = t.ok();
    let sg = t.sg();
    let n = t.rng.range(2, 5);
    let skip = t.rng.below(3);
    let services: Vec<String> = INTERFACE_SERVICES
        .iter()
        .skip(skip)
        .take(n)
        .map(|s| q(s))
        .collect();
    res!(
        t,
        "aws_vpc_endpoint",
        &l,
        vec![
            a("for_each", format!("toset([{}])", services.join(", "))),
            a("vpc_id", format!("aws_vpc.{l}.id")),
            a(
                "service_name",
                q("com.amazonaws.${data.aws_region.current.name}.${each.value}"),
            ),
            a("vpc_endpoint_type", q("Interface")),
            a("subnet_ids", format!("aws_subnet.{l}[*].id")),
            a("security_group_ids", format!("[{sg}]")),
            a("private_dns_enabled", private_dns.to_string()),
        ],
    );
    let s3 = format!("{l}_s3");
    res!(
        t,
        "aws_vpc_endpoint",
        &s3,
        vec![
            a("vpc_id", format!("aws_vpc.{l}.id")),
            a(
                "service_name",
                q("com.amazonaws.${data.aws_region.current.name}.s3"),
            ),
            a("vpc_endpoint_type", q("Gateway")),
            a("route_table_ids", format!("[aws_route_table.{l}.id]")),
        ],
    );
    t.outputs
        .push((format!("{l}_vpc_id"), format!("aws_vpc.{l}.id")));
}

fn tf_trail(t: &mut Tf) {
    let bucket = tf_bucket(t, "trail");
    let l = t.label("trail");
    let doc = policy(vec![
        json!({ "Sid": "AclCheck", "Effect": "Allow", "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "s3:GetBucketAcl", "Resource": format!("=aws_s3_bucket.{bucket}.arn") }),
        json!({ "Sid": "Write", "Effect": "Allow", "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "s3:PutObject",
                "Resource": format!("${{aws_s3_bucket.{bucket}.arn}}/AWSLogs/${{data.aws_caller_identity.current.account_id}}/*"),
                "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control" } } }),
    ]);
    res!(
        t,
        "aws_s3_bucket_policy",
        &format!("{l}_delivery"),
        vec![
            a("bucket", format!("aws_s3_bucket.{bucket}.id")),
            a("policy", jsonencode(&doc)),
        ],
    );
    let (multi, validation, kms, logging) = (t.ok(), t.ok(), t.ok(), t.rng.chance(0.9));
    let mut body = vec![
        a("name", t.name("trail")),
        a("s3_bucket_name", format!("aws_s3_bucket.{bucket}.id")),
        a("enable_logging", logging.to_string()),
        a("is_multi_region_trail", multi.to_string()),
        a("include_global_service_events", "true"),
        a("enable_log_file_validation", validation.to_string()),
    ];
    if kms {
        body.push(a("kms_key_id", t.key_arn()));
    }
    if t.rng.chance(0.5) {
        body.push(b(
            "event_selector",
            vec![
                a("read_write_type", q("All")),
                a("include_management_events", "true"),
                b(
                    "data_resource",
                    vec![
                        a("type", q("AWS::S3::Object")),
                        a("values", "[\"arn:aws:s3\"]"),
                    ],
                ),
            ],
        ));
    } else {
        body.push(b(
            "advanced_event_selector",
            vec![
                a("name", q("SageMaker and Bedrock data events")),
                b(
                    "field_selector",
                    vec![a("field", q("eventCategory")), a("equals", "[\"Data\"]")],
                ),
                b(
                    "field_selector",
                    vec![
                        a("field", q("resources.type")),
                        a(
                            "equals",
                            "[\"AWS::SageMaker::Endpoint\", \"AWS::Bedrock::AgentAlias\"]",
                        ),
                    ],
                ),
            ],
        ));
    }
    body.push(a(
        "depends_on",
        format!("[aws_s3_bucket_policy.{l}_delivery]"),
    ));
    body.push(a("tags", t.tags()));
    res!(t, "aws_cloudtrail", &l, body);
}

fn tf_lake_formation(t: &mut Tf) {
    let l = t.label("lake");
    let (no_defaults, no_grant) = (t.ok(), t.ok());
    let mut settings = vec![a("admins", format!("[{}]", t.role_arn()))];
    if !no_defaults {
        for block in [
            "create_database_default_permissions",
            "create_table_default_permissions",
        ] {
            settings.push(b(
                block,
                vec![
                    a("permissions", "[\"ALL\"]"),
                    a("principal", q("IAM_ALLOWED_PRINCIPALS")),
                ],
            ));
        }
    }
    res!(t, "aws_lakeformation_data_lake_settings", &l, settings);
    let db = format!("features_{}", t.rng.hex(4));
    res!(
        t,
        "aws_glue_catalog_database",
        &l,
        vec![a("name", q(&db)), a("description", q("Curated features"))],
    );
    res!(
        t,
        "aws_lakeformation_permissions",
        &l,
        vec![
            a("principal", t.role_arn()),
            a(
                "permissions",
                if no_grant {
                    "[\"DESCRIBE\", \"CREATE_TABLE\"]"
                } else {
                    "[\"ALL\"]"
                },
            ),
            a(
                "permissions_with_grant_option",
                if no_grant { "[]" } else { "[\"ALL\"]" },
            ),
            b(
                "database",
                vec![a("name", format!("aws_glue_catalog_database.{l}.name"))],
            ),
        ],
    );
}

fn tf_iam_policy(t: &mut Tf) {
    let l = t.label("access");
    let scoped = t.ok();
    let statements = if scoped {
        vec![
            json!({ "Sid": "Invoke", "Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint"],
                    "Resource": format!("arn:aws:sagemaker:${{data.aws_region.current.name}}:${{data.aws_caller_identity.current.account_id}}:endpoint/{}-*", t.prefix()) }),
            json!({ "Sid": "Models", "Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                    "Resource": "arn:aws:bedrock:${data.aws_region.current.name}::foundation-model/*" }),
        ]
    } else {
        vec![
            json!({ "Effect": "Allow", "Action": *t.rng.pick(&["*", "s3:*", "sagemaker:*"]), "Resource": "*" }),
        ]
    };
    let doc = jsonencode(&policy(statements));
    if t.rng.chance(0.5) || !t.root {
        res!(
            t,
            "aws_iam_policy",
            &l,
            vec![
                a("name", t.name("access")),
                a("description", q("Workload access")),
                a("policy", doc),
            ],
        );
        res!(
            t,
            "aws_iam_role_policy_attachment",
            &l,
            vec![
                a("role", t.role_name()),
                a("policy_arn", format!("aws_iam_policy.{l}.arn")),
            ],
        );
    } else {
        res!(
            t,
            "aws_iam_role_policy",
            &l,
            vec![
                a("name", q("workload-access")),
                a("role", t.role_name()),
                a("policy", doc),
            ],
        );
    }
}

fn tf_lambda(t: &mut Tf) -> String {
    let l = t.label("fn");
    let (retention, log_kms, vpc, env_kms, tracing) = (t.ok(), t.ok(), t.ok(), t.ok(), t.ok());
    let mut log = vec![a(
        "name",
        q(&format!("/aws/lambda/{}-fn-{}", t.prefix(), t.n)),
    )];
    if retention {
        log.push(a(
            "retention_in_days",
            t.rng.pick(&["30", "90", "365"]).to_string(),
        ));
    }
    if log_kms {
        log.push(a("kms_key_id", t.key_arn()));
    }
    res!(t, "aws_cloudwatch_log_group", &l, log);
    let runtime = *t.rng.pick(RUNTIMES);
    let handler = if runtime.starts_with("java") {
        "com.example.Handler::handleRequest"
    } else {
        "index.handler"
    };
    let mut body = vec![
        a("function_name", q(&format!("{}-fn-{}", t.prefix(), t.n))),
        a("runtime", q(runtime)),
        a("handler", q(handler)),
        a("role", t.role_arn()),
        a("s3_bucket", q(&format!("{}-artifacts", t.prefix()))),
        a("s3_key", q(&format!("lambda/fn-{}.zip", t.n))),
        a(
            "memory_size",
            t.rng.pick(&["128", "256", "512", "1024"]).to_string(),
        ),
        a(
            "timeout",
            t.rng.pick(&["10", "30", "60", "300"]).to_string(),
        ),
    ];
    if env_kms {
        body.push(a("kms_key_arn", t.key_arn()));
    }
    body.push(b(
        "environment",
        vec![a(
            "variables",
            format!(
                "{{\n  TABLE_NAME = \"{}-items\"\n  LOG_LEVEL  = \"INFO\"\n}}",
                t.prefix()
            ),
        )],
    ));
    body.push(b(
        "tracing_config",
        vec![a("mode", q(if tracing { "Active" } else { "PassThrough" }))],
    ));
    if vpc {
        let sg = t.sg();
        body.push(b(
            "vpc_config",
            vec![
                a("subnet_ids", "var.subnet_ids"),
                a("security_group_ids", format!("[{sg}]")),
            ],
        ));
    }
    body.push(a("depends_on", format!("[aws_cloudwatch_log_group.{l}]")));
    res!(t, "aws_lambda_function", &l, body);
    l
}

fn tf_dynamodb(t: &mut Tf) {
    let l = t.label("table");
    let (sse, pitr) = (t.ok(), t.ok());
    let mut body = vec![
        a("name", t.name("items")),
        a("billing_mode", q("PAY_PER_REQUEST")),
        a("hash_key", q("pk")),
        a("range_key", q("sk")),
        b("attribute", vec![a("name", q("pk")), a("type", q("S"))]),
        b("attribute", vec![a("name", q("sk")), a("type", q("S"))]),
        b("attribute", vec![a("name", q("gsi1pk")), a("type", q("S"))]),
        b(
            "global_secondary_index",
            vec![
                a("name", q("gsi1")),
                a("hash_key", q("gsi1pk")),
                a("range_key", q("sk")),
                a("projection_type", q("ALL")),
            ],
        ),
        b(
            "point_in_time_recovery",
            vec![a("enabled", pitr.to_string())],
        ),
        b(
            "ttl",
            vec![a("attribute_name", q("expires_at")), a("enabled", "true")],
        ),
    ];
    if sse {
        body.push(b(
            "server_side_encryption",
            vec![a("enabled", "true"), a("kms_key_arn", t.key_arn())],
        ));
    }
    body.push(b("lifecycle", vec![a("prevent_destroy", "true")]));
    res!(t, "aws_dynamodb_table", &l, body);
}

fn tf_sqs(t: &mut Tf) {
    let l = t.label("queue");
    let kms = t.ok();
    res!(
        t,
        "aws_sqs_queue",
        &format!("{l}_dlq"),
        vec![
            a("name", t.name("dlq")),
            a("message_retention_seconds", "1209600"),
            a("sqs_managed_sse_enabled", "true"),
        ],
    );
    let mut body = vec![
        a("name", t.name("jobs")),
        a("visibility_timeout_seconds", "300"),
        a("message_retention_seconds", "345600"),
        a(
            "redrive_policy",
            format!(
                "jsonencode({{\n  deadLetterTargetArn = aws_sqs_queue.{l}_dlq.arn\n  maxReceiveCount     = 5\n}})"
            ),
        ),
    ];
    if kms {
        body.push(a("kms_master_key_id", t.key_arn()));
        body.push(a("kms_data_key_reuse_period_seconds", "300"));
    }
    body.push(a("tags", t.tags()));
    res!(t, "aws_sqs_queue", &l, body);
}

fn tf_security_group(t: &mut Tf) -> String {
    let l = t.label("workload");
    let narrow = t.ok();
    let cidrs = if narrow {
        if t.root {
            "var.allowed_cidrs"
        } else {
            "[\"10.0.0.0/8\"]"
        }
    } else {
        "[\"0.0.0.0/0\"]"
    };
    let mut body = vec![
        a("name", t.name("workload")),
        a("description", q("Workload traffic")),
        a("vpc_id", "var.vpc_id"),
        b(
            "ingress",
            vec![
                a("description", q("HTTPS")),
                a("from_port", "443"),
                a("to_port", "443"),
                a("protocol", q("tcp")),
                a("cidr_blocks", cidrs),
            ],
        ),
    ];
    if !narrow && t.rng.chance(0.5) {
        body.push(b(
            "ingress",
            vec![
                a("description", q("SSH")),
                a("from_port", "22"),
                a("to_port", "22"),
                a("protocol", q("tcp")),
                a("cidr_blocks", "[\"0.0.0.0/0\"]"),
            ],
        ));
    }
    body.push(b(
        "egress",
        vec![
            a("from_port", "0"),
            a("to_port", "0"),
            a("protocol", q("-1")),
            a("cidr_blocks", "[\"0.0.0.0/0\"]"),
        ],
    ));
    body.push(a("tags", t.tags()));
    res!(t, "aws_security_group", &l, body);
    l
}

fn tf_api(t: &mut Tf) {
    let function = tf_lambda(t);
    let l = t.label("api");
    let iam = t.ok();
    res!(
        t,
        "aws_api_gateway_rest_api",
        &l,
        vec![
            a("name", t.name("api")),
            b("endpoint_configuration", vec![a("types", "[\"REGIONAL\"]")]),
        ],
    );
    res!(
        t,
        "aws_api_gateway_resource",
        &l,
        vec![
            a("rest_api_id", format!("aws_api_gateway_rest_api.{l}.id")),
            a(
                "parent_id",
                format!("aws_api_gateway_rest_api.{l}.root_resource_id"),
            ),
            a("path_part", q("predict")),
        ],
    );
    res!(
        t,
        "aws_api_gateway_method",
        &l,
        vec![
            a("rest_api_id", format!("aws_api_gateway_rest_api.{l}.id")),
            a("resource_id", format!("aws_api_gateway_resource.{l}.id")),
            a("http_method", q("POST")),
            a("authorization", q(if iam { "AWS_IAM" } else { "NONE" })),
        ],
    );
    res!(
        t,
        "aws_api_gateway_integration",
        &l,
        vec![
            a("rest_api_id", format!("aws_api_gateway_rest_api.{l}.id")),
            a("resource_id", format!("aws_api_gateway_resource.{l}.id")),
            a(
                "http_method",
                format!("aws_api_gateway_method.{l}.http_method"),
            ),
            a("integration_http_method", q("POST")),
            a("type", q("AWS_PROXY")),
            a("uri", format!("aws_lambda_function.{function}.invoke_arn")),
        ],
    );
    res!(
        t,
        "aws_api_gateway_deployment",
        &l,
        vec![
            a("rest_api_id", format!("aws_api_gateway_rest_api.{l}.id")),
            a("depends_on", format!("[aws_api_gateway_integration.{l}]")),
            b("lifecycle", vec![a("create_before_destroy", "true")]),
        ],
    );
    let tracing = t.ok();
    res!(
        t,
        "aws_api_gateway_stage",
        &l,
        vec![
            a("stage_name", q("v1")),
            a("rest_api_id", format!("aws_api_gateway_rest_api.{l}.id")),
            a(
                "deployment_id",
                format!("aws_api_gateway_deployment.{l}.id"),
            ),
            a("xray_tracing_enabled", tracing.to_string()),
        ],
    );
    res!(
        t,
        "aws_lambda_permission",
        &l,
        vec![
            a("statement_id", q("AllowApiGateway")),
            a("action", q("lambda:InvokeFunction")),
            a(
                "function_name",
                format!("aws_lambda_function.{function}.function_name"),
            ),
            a("principal", q("apigateway.amazonaws.com")),
            a(
                "source_arn",
                q(&format!(
                    "${{aws_api_gateway_rest_api.{l}.execution_arn}}/*/*"
                )),
            ),
        ],
    );
}

fn tf_fill(t: &mut Tf, target: usize) {
    let total: usize = TF_COMPONENTS.iter().map(|(w, _)| w).sum();
    while t.lines() < target {
        let mut pick = t.rng.below(total);
        for (w, component) in TF_COMPONENTS {
            if pick < *w {
                component(t);
                break;
            }
            pick -= w;
        }
    }
}

fn variable(name: &str, ty: &str, default: Option<&str>, description: &str) -> H {
    let mut body = vec![a("description", q(description)), a("type", ty)];
    if let Some(d) = default {
        body.push(a("default", d));
    }
    b(&format!("variable {}", q(name)), body)
}

fn write_hcl(stats: &mut Stats, path: &Path, items: &[H]) {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        hcl_body(&mut out, std::slice::from_ref(item), 0);
    }
    stats.write(path, &out, Some(2));
}

const MODULE_NAMES: &[&str] = &[
    "ml_platform",
    "inference",
    "genai",
    "search",
    "data_lake",
    "network",
    "storage",
    "observability",
];

fn tf_project(rng: &mut Rng, dir: &Path, workload: &str, stats: &mut Stats) {
    let env = *rng.pick(&["dev", "staging", "prod"]);
    let subnets = format!("[\"subnet-0{}\", \"subnet-0{}\"]", rng.hex(16), rng.hex(16));
    let capture = rng.chance(COMPLIANT);
    write_hcl(
        stats,
        &dir.join("versions.tf"),
        &[
            b(
                "terraform",
                vec![
                    a("required_version", q(">= 1.5.0")),
                    b(
                        "required_providers",
                        vec![a(
                            "aws",
                            "{\n  source  = \"hashicorp/aws\"\n  version = \"~> 5.60\"\n}",
                        )],
                    ),
                ],
            ),
            b(
                "provider \"aws\"",
                vec![
                    a("region", "var.region"),
                    b("default_tags", vec![a("tags", "local.tags")]),
                ],
            ),
        ],
    );
    write_hcl(
        stats,
        &dir.join("variables.tf"),
        &[
            variable("region", "string", Some("\"us-east-1\""), "AWS region"),
            variable("project", "string", Some(&q(workload)), "Project name"),
            b(
                "variable \"environment\"",
                vec![
                    a("description", q("Deployment stage")),
                    a("type", "string"),
                    a("default", q(env)),
                    b(
                        "validation",
                        vec![
                            a(
                                "condition",
                                "contains([\"dev\", \"staging\", \"prod\"], var.environment)",
                            ),
                            a(
                                "error_message",
                                q("environment must be dev, staging or prod."),
                            ),
                        ],
                    ),
                ],
            ),
            variable(
                "vpc_id",
                "string",
                Some(&q(&format!("vpc-0{}", rng.hex(16)))),
                "VPC for the workload",
            ),
            variable(
                "subnet_ids",
                "list(string)",
                Some(&subnets),
                "Private subnets",
            ),
            variable(
                "allowed_cidrs",
                "list(string)",
                Some("[\"10.0.0.0/8\"]"),
                "Clients",
            ),
            variable(
                "kms_deletion_window",
                "number",
                Some("30"),
                "Days before a deleted key goes",
            ),
            variable(
                "enable_data_capture",
                "bool",
                Some(&capture.to_string()),
                "Capture endpoint requests and responses",
            ),
            variable(
                "foundation_model",
                "string",
                Some(&q(rng.pick::<&str>(FOUNDATION_MODELS))),
                "Bedrock model for agents",
            ),
            variable(
                "tags",
                "map(string)",
                Some("{\n  Owner      = \"ml-platform\"\n  CostCenter = \"4711\"\n}"),
                "Extra tags",
            ),
        ],
    );

    // Root main.tf: locals, data sources, the key and the role, components, modules.
    let mut t = Tf {
        rng,
        root: true,
        out: String::new(),
        outputs: Vec::new(),
        n: 0,
        sg: None,
    };
    hcl_body(
        &mut t.out,
        &[b(
            "locals",
            vec![
                a("name_prefix", q("${var.project}-${var.environment}")),
                a("is_prod", "var.environment == \"prod\""),
                a("tags", "merge(var.tags, {\n  Project     = var.project\n  Environment = var.environment\n  ManagedBy   = \"terraform\"\n})"),
            ],
        )],
        0,
    );
    t.out.push_str("\ndata \"aws_caller_identity\" \"current\" {}\n\ndata \"aws_region\" \"current\" {}\n\ndata \"aws_availability_zones\" \"available\" {\n  state = \"available\"\n}\n\n");
    let rotation = t.ok();
    let key_policy = policy(vec![json!({
        "Sid": "EnableRootPermissions",
        "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" },
        "Action": "kms:*",
        "Resource": "*"
    })]);
    res!(
        t,
        "aws_kms_key",
        "main",
        vec![
            a("description", q("${local.name_prefix} data key")),
            a("deletion_window_in_days", "var.kms_deletion_window"),
            a("enable_key_rotation", rotation.to_string()),
            a("policy", jsonencode(&key_policy)),
            a("tags", "local.tags"),
        ],
    );
    res!(
        t,
        "aws_kms_alias",
        "main",
        vec![
            a("name", q("alias/${local.name_prefix}-data")),
            a("target_key_id", "aws_kms_key.main.key_id"),
        ],
    );
    let trust = policy(vec![json!({
        "Effect": "Allow",
        "Principal": { "Service": ["sagemaker.amazonaws.com", "bedrock.amazonaws.com", "lambda.amazonaws.com"] },
        "Action": "sts:AssumeRole"
    })]);
    let mut role = vec![
        a("name", q("${local.name_prefix}-execution")),
        a("assume_role_policy", jsonencode(&trust)),
    ];
    if !t.ok() {
        role.push(a(
            "managed_policy_arns",
            "[\"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\"]",
        ));
    }
    role.push(a("tags", "local.tags"));
    res!(t, "aws_iam_role", "execution", role);
    let target = t.rng.range(50, 600);
    tf_fill(&mut t, target);

    let n_modules = t.rng.range(1, 2);
    let first = t.rng.below(MODULE_NAMES.len());
    let modules: Vec<&str> = (0..n_modules)
        .map(|i| MODULE_NAMES[(first + i) % MODULE_NAMES.len()])
        .collect();
    for m in &modules {
        hcl_body(
            &mut t.out,
            &[b(
                &format!("module {}", q(m)),
                vec![
                    a("source", q(&format!("./modules/{m}"))),
                    a("name_prefix", "local.name_prefix"),
                    a("environment", "var.environment"),
                    a("kms_key_arn", "aws_kms_key.main.arn"),
                    a("role_arn", "aws_iam_role.execution.arn"),
                    a("role_name", "aws_iam_role.execution.name"),
                    a("vpc_id", "var.vpc_id"),
                    a("subnet_ids", "var.subnet_ids"),
                    a("foundation_model", "var.foundation_model"),
                    a("tags", "local.tags"),
                ],
            )],
            0,
        );
        t.out.push('\n');
    }
    let main = std::mem::take(&mut t.out);
    stats.write(&dir.join("main.tf"), &main, Some(2));
    if t.rng.chance(0.5) {
        let mut items = vec![
            b(
                "output \"kms_key_arn\"",
                vec![a("value", "aws_kms_key.main.arn")],
            ),
            b(
                "output \"execution_role_arn\"",
                vec![a("value", "aws_iam_role.execution.arn")],
            ),
        ];
        for (name, value) in &t.outputs {
            items.push(b(
                &format!("output {}", q(name)),
                vec![a("value", value.as_str())],
            ));
        }
        write_hcl(stats, &dir.join("outputs.tf"), &items);
    }

    for m in &modules {
        let mdir = dir.join("modules").join(m);
        let mut mt = Tf {
            rng: &mut *t.rng,
            root: false,
            out: String::new(),
            outputs: Vec::new(),
            n: 0,
            sg: None,
        };
        mt.out.push_str("data \"aws_caller_identity\" \"current\" {}\n\ndata \"aws_region\" \"current\" {}\n\ndata \"aws_availability_zones\" \"available\" {\n  state = \"available\"\n}\n\n");
        let target = mt.rng.range(50, 400);
        tf_fill(&mut mt, target);
        let main = std::mem::take(&mut mt.out);
        stats.write(&mdir.join("main.tf"), &main, Some(2));
        write_hcl(
            stats,
            &mdir.join("variables.tf"),
            &[
                variable("name_prefix", "string", None, "Prefix of resource names"),
                variable("environment", "string", None, "Deployment stage"),
                variable("kms_key_arn", "string", None, "Key for data at rest"),
                variable("role_arn", "string", None, "Execution role"),
                variable("role_name", "string", None, "Execution role name"),
                variable("vpc_id", "string", None, "VPC"),
                variable("subnet_ids", "list(string)", None, "Private subnets"),
                variable(
                    "foundation_model",
                    "string",
                    Some("\"anthropic.claude-3-haiku-20240307-v1:0\""),
                    "Bedrock model",
                ),
                variable("tags", "map(string)", Some("{}"), "Tags"),
            ],
        );
        if !mt.outputs.is_empty() && mt.rng.chance(0.5) {
            let items: Vec<H> = mt
                .outputs
                .iter()
                .map(|(name, value)| {
                    b(
                        &format!("output {}", q(name)),
                        vec![a("value", value.as_str())],
                    )
                })
                .collect();
            write_hcl(stats, &mdir.join("outputs.tf"), &items);
        }
    }
}
