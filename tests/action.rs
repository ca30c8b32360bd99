//! The pull-request gate: the Markdown report (snapshotted), the script the GitHub Action
//! runs (`scripts/github-action.sh`, run here as the runner would) and the action's metadata.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_rust2::{Yaml, YamlLoader};

const BIN: &str = env!("CARGO_BIN_EXE_ailint");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ailint(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ailint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"ailint \d+\.\d+\.\d+\S*", "ailint [VERSION]");
    s
}

/// `s` as a regex that matches it literally (temp paths in snapshots).
fn regex_literal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown(args: &[&str]) -> (Output, String) {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "markdown"]);
    let o = ailint(&all);
    let text = stdout(&o);
    (o, text)
}

/// The rows of the failing-findings table (not its header).
/// The rows of the failing-findings table (not of the score table).
fn table_rows(md: &str) -> Vec<&str> {
    let Some(start) = md.find("### Failing findings") else {
        return Vec::new();
    };
    md[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity") && !l.starts_with("| ---"))
        .collect()
}

/// The `|` that GitHub reads as cell borders: those not escaped.
fn borders(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn markdown_summarizes_the_demo() {
    let (o, md) = markdown(&[
        "fixtures/demo/inventory.json",
        "--config",
        "fixtures/demo/ailint.toml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The summary's numbers are the run's totals.
    let json = ailint(&[
        "audit",
        "fixtures/demo/inventory.json",
        "--config",
        "fixtures/demo/ailint.toml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let (fail, not_assessed, pass) = (
        v["totals"]["fail"].as_u64().unwrap(),
        v["totals"]["not_assessed"].as_u64().unwrap(),
        v["totals"]["pass"].as_u64().unwrap(),
    );
    assert!(fail > 0 && pass > 0);
    assert_eq!(not_assessed, 0, "the demo decides every rule");
    assert!(
        md.starts_with(&format!(
            "## ailint: {fail} failed, 0 not assessed, {pass} passed\n"
        )),
        "{md}"
    );
    assert!(md.contains(&format!("**Failed:** {fail} (")));
    // The table holds at most 200 rows.
    assert_eq!(table_rows(&md).len() as u64, fail.min(200));
    settings().bind(|| insta::assert_snapshot!("action-demo-markdown", md));
}

#[test]
fn markdown_lists_not_assessed_with_reasons() {
    let (o, md) = markdown(&["fixtures/cli/mixed.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(md.contains("### Not assessed (7)"), "{md}");
    assert!(md.contains("AccessDeniedException"), "{md}");
    settings().bind(|| insta::assert_snapshot!("action-mixed-markdown", md));
}

/// Errors, warnings, suppressions and a baseline all show, and the heading leads with the
/// errors.
#[test]
fn markdown_shows_errors_warnings_suppressed_and_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ailint.toml");
    std::fs::write(
        &config,
        r#"
[[ignore]]
rules = ["AIL-NET-001"]
resources = ["churn-research"]
reason = "isolated lab"

[[ignore]]
rules = ["AIL-IAM"]
until = "2001-01-01"
reason = "expired long ago"
"#,
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let o = ailint(&[
        "audit",
        "fixtures/cli/mixed.json",
        "--select",
        "AIL-LOG-001",
        "--write-baseline",
        baseline,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (o, md) = markdown(&[
        "fixtures/cli/mixed.json",
        "fixtures/cli/malformed.json",
        "--config",
        config,
        "--baseline",
        baseline,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        md.starts_with("## ailint: 1 error, 8 failed, 7 not assessed, 14 passed\n"),
        "{md}"
    );
    assert!(md.contains("**Suppressed:** 1"), "{md}");
    assert!(md.contains("1 known finding not reported, 0 fixed"), "{md}");
    assert!(md.contains("### Warnings (1)"), "{md}");
    assert!(md.contains("### Errors (1)"), "{md}");
    let mut s = settings();
    s.add_filter(&regex_literal(&dir.path().display().to_string()), "[TMP]");
    s.bind(|| insta::assert_snapshot!("action-gate-markdown", md));
}

/// A resource name can hold `|` and backticks: the row keeps its five cells and the name
/// shows verbatim in its code span.
#[test]
fn markdown_escapes_pipes_and_backticks_in_cells() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("fixtures/cli/mixed.json").unwrap();
    let tricky = text.replace(
        r#""name": "churn-research""#,
        r#""name": "`churn|re``search` <b>*x*</b>""#,
    );
    assert_ne!(text, tricky, "the fixture no longer names churn-research");
    let input = dir.path().join("tricky.json");
    std::fs::write(&input, tricky).unwrap();
    let (_, md) = markdown(&[input.to_str().unwrap()]);
    let rows = table_rows(&md);
    assert_eq!(rows.len(), 10, "{md}");
    for row in &rows {
        assert_eq!(borders(row), 6, "a cell border too many or too few: {row}");
    }
    assert!(
        md.contains(r"| ``` `churn\|re``search` <b>*x*</b> ``` |"),
        "{md}"
    );
}

#[test]
fn markdown_caps_the_failure_table() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.json");
    let gen = Command::new(env!("CARGO_BIN_EXE_ailint-gen"))
        .args(["--resources", "600", "--seed", "3", "-o"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(gen.status.success(), "{}", stderr(&gen));
    let input = input.to_str().unwrap();
    let o = ailint(&["audit", input, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let failed = v["totals"]["fail"].as_u64().unwrap() as usize;
    assert!(
        failed > 200,
        "the generated inventory has only {failed} failures"
    );
    let (_, md) = markdown(&[input]);
    assert_eq!(table_rows(&md).len(), 200);
    let more = format!("\n... and {} more failing findings.\n", failed - 200);
    assert!(md.contains(&more), "no `{more}` in the summary");
    assert!(md.contains(&format!("### Failing findings ({failed})")));
}

#[test]
fn markdown_caps_the_not_assessed_list() {
    let regions = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "eu-south-1",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "sa-east-1",
        "me-south-1",
        "af-south-1",
    ];
    let not_collected: Vec<serde_json::Value> = regions
        .iter()
        .map(|r| {
            serde_json::json!({
                "account": "111122223333",
                "region": r,
                "types": ["AWS::SageMaker::NotebookInstance"],
                "operation": "sagemaker:ListNotebookInstances",
                "reason": "AccessDeniedException"
            })
        })
        .collect();
    let inventory = serde_json::json!({
        "format": "ailint-inventory/v1",
        "accounts": [{ "id": "111122223333" }],
        "resources": [],
        "notCollected": not_collected,
    });
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("denied.json");
    std::fs::write(&input, inventory.to_string()).unwrap();
    let (o, md) = markdown(&[input.to_str().unwrap()]);
    let listed = md
        .lines()
        .filter(|l| l.contains("AccessDeniedException"))
        .count();
    assert_eq!(listed, 50, "{}\n{md}", stderr(&o));
    let total = md
        .lines()
        .find_map(|l| l.strip_prefix("### Not assessed ("))
        .and_then(|l| l.strip_suffix(')'))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no not-assessed heading: {md}"));
    assert!(total > 50, "only {total} not assessed");
    assert!(
        md.contains(&format!("... and {} more not assessed.", total - 50)),
        "{md}"
    );
}

// --- scripts/github-action.sh ---------------------------------------------------------

/// A runner's workspace: GitHub's files, and inputs under a directory with a space.
struct Runner {
    dir: tempfile::TempDir,
}

/// What one run of the script left behind.
struct Run {
    status: Option<i32>,
    log: String,
    summary: String,
    outputs: Vec<String>,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("my infra")).unwrap();
        std::fs::copy(
            root().join("fixtures/demo/inventory.json"),
            dir.path().join("my infra/inventory.json"),
        )
        .unwrap();
        std::fs::write(dir.path().join("summary.md"), "").unwrap();
        std::fs::write(dir.path().join("output.txt"), "").unwrap();
        Runner { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the script in the workspace with these `AILINT_*` inputs and nothing else of
    /// the environment it runs in (a CI job's own GITHUB_* files must stay untouched).
    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        self.run_in(self.dir.path(), inputs)
    }

    /// [`Runner::run`] from another working directory (a step's `working-directory`).
    fn run_in(&self, cwd: &Path, inputs: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new("bash");
        cmd.arg(root().join("scripts/github-action.sh"))
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .env("AILINT_BIN", BIN)
            .env("GITHUB_WORKSPACE", self.dir.path())
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GITHUB_OUTPUT", self.path("output.txt"));
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        let o = cmd.output().expect("run bash");
        Run {
            status: o.status.code(),
            log: format!("{}{}", stdout(&o), stderr(&o)),
            summary: std::fs::read_to_string(self.path("summary.md")).unwrap(),
            outputs: std::fs::read_to_string(self.path("output.txt"))
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect(),
        }
    }
}

fn sarif_version(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no SARIF at `{}`: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("the SARIF is JSON");
    v["version"].as_str().unwrap_or_default().to_string()
}

#[test]
fn script_records_findings_and_exits_0_for_the_gate_step() {
    let runner = Runner::new();
    let run = runner.run(&[
        ("AILINT_PATH", "my infra"),
        ("AILINT_FAIL_ON", "low"),
        ("AILINT_SARIF_FILE", "ailint out.sarif"),
    ]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    assert_eq!(
        run.outputs,
        vec!["exit-code=1", "sarif-file=ailint out.sarif"],
        "{}",
        run.log
    );
    assert!(
        run.summary.starts_with("## ailint: ") && run.summary.contains(" failed, "),
        "{}",
        run.summary
    );
    assert!(run
        .summary
        .contains("| critical | `AIL-IAM-001` | IAM statement allows invoking Bedrock models"));
    assert!(run.summary.contains("`my infra/inventory.json:"));
    let sarif = runner.path("ailint out.sarif");
    assert_eq!(sarif_version(&sarif), "2.1.0");
    // Locations are relative to the workspace, as code scanning needs.
    let text = std::fs::read_to_string(&sarif).unwrap();
    assert!(text.contains(r#""uri": "my infra/inventory.json""#));
}

/// Code scanning resolves SARIF paths against the repository root, whatever directory the
/// step ran in.
#[test]
fn script_makes_sarif_paths_relative_to_the_workspace() {
    let runner = Runner::new();
    let cwd = runner.path("sub dir");
    std::fs::create_dir(&cwd).unwrap();
    let run = runner.run_in(&cwd, &[("AILINT_PATH", "../my infra")]);
    assert_eq!(run.outputs[0], "exit-code=1", "{}", run.log);
    let text = std::fs::read_to_string(cwd.join("ailint.sarif")).unwrap();
    assert!(
        text.contains(r#""uri": "my infra/inventory.json""#),
        "SARIF locations are not relative to GITHUB_WORKSPACE"
    );
}

#[test]
fn script_with_fail_on_none_records_exit_0() {
    let runner = Runner::new();
    let run = runner.run(&[("AILINT_PATH", "my infra"), ("AILINT_FAIL_ON", "none")]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    assert_eq!(
        run.outputs,
        vec!["exit-code=0", "sarif-file=ailint.sarif"],
        "{}",
        run.log
    );
    assert!(
        run.summary.starts_with("## ailint: ") && run.summary.contains(" failed, "),
        "{}",
        run.summary
    );
    assert_eq!(sarif_version(&runner.path("ailint.sarif")), "2.1.0");
}

#[test]
fn script_surfaces_a_tool_failure() {
    let runner = Runner::new();
    let run = runner.run(&[("AILINT_PATH", "no such dir"), ("AILINT_FAIL_ON", "low")]);
    assert_eq!(run.status, Some(2), "{}", run.log);
    assert_eq!(
        run.outputs,
        vec!["exit-code=2", "sarif-file=ailint.sarif"],
        "{}",
        run.log
    );
    assert!(run.log.contains("no such dir: cannot read"), "{}", run.log);
    assert!(run.log.contains("::error title=ailint::"), "{}", run.log);
    assert!(
        run.summary.starts_with("## ailint: 1 error, "),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("### Errors (1)"), "{}", run.summary);
    assert_eq!(sarif_version(&runner.path("ailint.sarif")), "2.1.0");
}

/// When ailint cannot even start, no SARIF is announced, and an old one is not left to be
/// uploaded as this run's.
#[test]
fn script_never_offers_a_stale_sarif() {
    let runner = Runner::new();
    std::fs::write(runner.path("ailint.sarif"), "{\"stale\": true}").unwrap();
    let run = runner.run(&[
        ("AILINT_PATH", "my infra"),
        ("AILINT_BIN", "/nonexistent/ailint"),
    ]);
    assert_eq!(run.status, Some(127), "{}", run.log);
    assert_eq!(run.outputs, vec!["exit-code=127"], "{}", run.log);
    assert!(!runner.path("ailint.sarif").exists());
}

#[test]
fn script_passes_config_and_baseline_and_several_paths() {
    let runner = Runner::new();
    std::fs::write(
        runner.path("my config.toml"),
        "[rules]\nselect = [\"AIL-NET\"]\n",
    )
    .unwrap();
    let baseline = runner.path("my baseline.json");
    let o = Command::new(BIN)
        .current_dir(runner.dir.path())
        .args([
            "audit",
            "my infra",
            "--config",
            "my config.toml",
            "--write-baseline",
        ])
        .arg(&baseline)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    std::fs::copy(
        root().join("fixtures/cli/mixed.json"),
        runner.path("my infra/mixed.json"),
    )
    .unwrap();
    // A path that looks like an option is still a path.
    std::fs::create_dir(runner.path("-other")).unwrap();
    std::fs::copy(
        root().join("fixtures/cli/mixed.json"),
        runner.path("-other/mixed.json"),
    )
    .unwrap();
    let run = runner.run(&[
        // One path per line; the second repeats a resource of the first, an error that
        // proves both were read.
        ("AILINT_PATH", "my infra\n\n-other\n"),
        ("AILINT_FAIL_ON", "low"),
        ("AILINT_CONFIG", "my config.toml"),
        ("AILINT_BASELINE", "my baseline.json"),
    ]);
    assert_eq!(run.outputs[0], "exit-code=2", "{}", run.log);
    assert!(run.log.contains("duplicate resource"), "{}", run.log);
    assert!(
        run.summary.contains("**Baseline** `my baseline.json`: "),
        "{}",
        run.summary
    );
    // Only the NET rules ran, and the demo's NET failures are in the baseline: what is left
    // is mixed.json's notebooks.
    let rules: BTreeSet<&str> = table_rows(&run.summary)
        .iter()
        .filter_map(|r| r.split('`').nth(1))
        .collect();
    assert_eq!(
        rules,
        BTreeSet::from(["AIL-NET-001", "AIL-NET-002"]),
        "{}",
        run.summary
    );
}

/// Run by hand, without GitHub's files, the script prints the summary and still works.
#[test]
fn script_runs_outside_github() {
    let runner = Runner::new();
    let o = Command::new("bash")
        .arg(root().join("scripts/github-action.sh"))
        .current_dir(runner.dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AILINT_BIN", BIN)
        .env("AILINT_PATH", "my infra")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("## ailint: ") && stdout(&o).contains(" failed, "),
        "{}",
        stdout(&o)
    );
    assert_eq!(sarif_version(&runner.path("ailint.sarif")), "2.1.0");
}

// --- action.yml and the workflows ---------------------------------------------------------

fn yaml(path: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let mut docs =
        YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{path}");
    docs.remove(0)
}

fn keys(y: &Yaml) -> BTreeSet<String> {
    y.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn seq(y: &Yaml) -> &[Yaml] {
    y.as_vec().map(Vec::as_slice).unwrap_or_default()
}

fn step<'a>(steps: &'a [Yaml], id: &str) -> &'a Yaml {
    steps
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step `{id}`"))
}

#[test]
fn action_declares_the_documented_inputs() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let expected: BTreeSet<String> = [
        "path",
        "fail-on",
        "config",
        "baseline",
        "category",
        "sarif-file",
        "upload",
    ]
    .map(str::to_string)
    .into();
    assert_eq!(keys(&action["inputs"]), expected);
    let defaults = [
        ("path", "."),
        ("fail-on", "high"),
        ("config", ""),
        ("baseline", ""),
        ("category", "ailint"),
        ("sarif-file", "ailint.sarif"),
        ("upload", "true"),
    ];
    for (input, default) in defaults {
        let i = &action["inputs"][input];
        assert_eq!(i["default"].as_str(), Some(default), "input `{input}`");
        assert!(
            i["description"].as_str().is_some_and(|d| !d.is_empty()),
            "input `{input}` has no description"
        );
    }
    assert_eq!(
        keys(&action["outputs"]),
        ["exit-code", "sarif-file"].map(str::to_string).into()
    );
}

/// The action runs the script with every variable the script reads, uploads even when the
/// audit failed, and applies the exit code last.
#[test]
fn action_runs_the_script_then_uploads_then_gates() {
    let action = yaml("action.yml");
    let steps = seq(&action["runs"]["steps"]);

    let run = step(steps, "run");
    assert!(run["run"]
        .as_str()
        .unwrap()
        .contains("$GITHUB_ACTION_PATH/scripts/github-action.sh"));
    let script = std::fs::read_to_string(root().join("scripts/github-action.sh")).unwrap();
    let read: BTreeSet<String> = script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("AILINT_"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        keys(&run["env"]),
        read,
        "the script's inputs and the action's differ"
    );

    let build = step(steps, "build");
    let command = build["run"].as_str().unwrap();
    assert!(
        command.contains(
            r#"cargo build --release --locked --manifest-path "$GITHUB_ACTION_PATH/Cargo.toml""#
        ),
        "{command}"
    );

    let upload = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    let condition = steps[upload]["if"].as_str().unwrap();
    assert!(condition.contains("!cancelled()"), "{condition}");
    assert!(condition.contains("inputs.upload == 'true'"), "{condition}");
    assert!(
        condition.contains("steps.run.outputs.sarif-file"),
        "{condition}"
    );
    assert_eq!(
        steps[upload]["with"]["category"].as_str(),
        Some("${{ inputs.category }}")
    );

    let last = steps.last().unwrap();
    assert!(
        last["run"].as_str().unwrap().contains("exit \"$CODE\""),
        "the last step applies the exit code"
    );
    assert_eq!(
        last["env"]["CODE"].as_str(),
        Some("${{ steps.run.outputs.exit-code }}")
    );
    assert!(upload < steps.len() - 1);
    let run_at = steps.iter().position(|s| s["id"].as_str() == Some("run"));
    assert!(run_at < Some(upload));
}

#[test]
fn workflows_use_the_action() {
    let example = yaml(".github/workflows/ailint-pr-example.yml");
    assert!(!example["on"]["pull_request"].is_badvalue());
    assert_eq!(
        example["permissions"]["security-events"].as_str(),
        Some("write")
    );
    assert_eq!(example["permissions"]["contents"].as_str(), Some("read"));
    let steps = seq(&example["jobs"]["ailint"]["steps"]);
    let gate = steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("./"))
        .expect("the example uses the action");
    assert_eq!(gate["with"]["category"].as_str(), Some("ailint/iac"));

    let ci = yaml(".github/workflows/ci.yml");
    let steps = seq(&ci["jobs"]["demo"]["steps"]);
    let demo = step(steps, "ailint");
    assert_eq!(demo["uses"].as_str(), Some("./"));
    assert_eq!(demo["with"]["fail-on"].as_str(), Some("none"));

    // GitHub only warns about an input the action does not declare, and ignores it.
    let inputs = keys(&yaml("action.yml")["inputs"]);
    for (file, with) in [("example", &gate["with"]), ("ci.yml", &demo["with"])] {
        let unknown: Vec<String> = keys(with).difference(&inputs).cloned().collect();
        assert!(
            unknown.is_empty(),
            "{file} passes undeclared inputs {unknown:?}"
        );
    }
}

// --- the scheduled report example -----------------------------------------------------------

/// The scheduled workflow: the schedule, OIDC credentials, the audit step, the artifact.
#[test]
fn the_scheduled_workflow_audits_with_oidc_and_keeps_the_reports() {
    let w = yaml(".github/workflows/ailint-scheduled-example.yml");
    let cron = seq(&w["on"]["schedule"])[0]["cron"].as_str().unwrap();
    assert_eq!(cron.split_whitespace().count(), 5, "{cron}");
    assert_eq!(w["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(w["permissions"]["contents"].as_str(), Some("read"));
    let job = &w["jobs"]["report"];
    let steps = seq(&job["steps"]);
    let aws = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials@"))
        })
        .expect("OIDC credentials");
    assert!(steps[aws]["with"]["role-to-assume"].as_str().is_some());
    let audit = steps
        .iter()
        .position(|s| s["id"].as_str() == Some("audit"))
        .unwrap();
    assert!(aws < audit);
    assert!(steps[audit]["env"]["AILINT_ARGS"]
        .as_str()
        .unwrap()
        .contains("--profile prod"));
    let upload = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .expect("the reports are kept");
    assert!(audit < upload);
    assert_eq!(steps[upload]["if"].as_str(), Some("${{ !cancelled() }}"));
    let out = job["env"]["AILINT_OUT"].as_str().unwrap();
    assert_eq!(
        steps[upload]["with"]["path"].as_str(),
        Some(format!("{out}/").as_str())
    );
    // The previous run's artifact is the one this workflow uploads.
    let previous = step(steps, "previous")["run"].as_str().unwrap();
    assert!(previous.contains(&format!(
        "-n {}",
        steps[upload]["with"]["name"].as_str().unwrap()
    )));
}

/// The audit step's own script, run twice on the demo inventory as a live audit's would
/// be: the first run has no previous report, the second compares with the first's.
#[test]
fn the_scheduled_audit_step_reports_then_shows_the_trend() {
    let w = yaml(".github/workflows/ailint-scheduled-example.yml");
    let steps = seq(&w["jobs"]["report"]["steps"]);
    let script = step(steps, "audit")["run"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, previous: &str| {
        let out = dir.path().join(name);
        let summary = dir.path().join(format!("{name}.summary.md"));
        let outputs = dir.path().join(format!("{name}.outputs"));
        let o = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(root())
            .env("AILINT", BIN)
            .env(
                "AILINT_ARGS",
                "fixtures/demo/inventory.json --config fixtures/demo/ailint.toml",
            )
            .env("AILINT_OUT", &out)
            .env("AILINT_PREVIOUS", previous)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("SOURCE_DATE_EPOCH", "1798761599")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            out,
            std::fs::read_to_string(summary).unwrap(),
            std::fs::read_to_string(outputs).unwrap(),
        )
    };
    let (first, summary, outputs) = run("first", "");
    assert_eq!(outputs.trim(), "exit-code=0");
    assert!(summary.contains("### Compliance score: "), "{summary}");
    assert!(!summary.contains("Since the previous run"));
    for name in [
        "report.html",
        "report.md",
        "report.json",
        "report.sarif",
        "report.junit.xml",
        "report.csv",
    ] {
        assert!(first.join(name).is_file(), "{name}");
    }
    let previous = first.join("report.json");
    let (second, summary, _) = run("second", previous.to_str().unwrap());
    assert!(
        summary.contains("**Since the previous run**") && summary.contains("0 new, 0 fixed"),
        "{summary}"
    );
    let html = std::fs::read_to_string(second.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"trend\">"));
}
