//! The end-to-end audit benchmark: `cargo bench --bench audit`.
//!
//! 1. Generates inventories of 10k and 100k resources with `ailint::inventory_gen` (seed 1)
//!    into a temporary directory.
//! 2. Runs the release binary, `ailint audit <file> --format json -o /dev/null`, as a
//!    subprocess several times per size, and reports wall time, resources per second and
//!    peak RSS (`ru_maxrss` from `wait4`).
//! 3. Times the phases of one audit of the largest size in process (read, model,
//!    evaluation in batches, report, teardown) to show where the time and the memory go.
//!    This copy uses the system allocator (the binary uses mimalloc), so its phases are
//!    slower than the end-to-end run; compare them with each other, not with it.
//!
//! Linux charges a child's `ru_maxrss` with the resident set of the process it was forked
//! from (the high-water mark of the replaced image is kept across `exec`), and this process
//! holds the generated inventories. So each audit is started by a fresh copy of this bench
//! in a small "measure" role, which spawns `ailint`, reaps it with `wait4` and reports; the
//! in-process phases run in a fresh copy too, so their RSS is the audit's alone.
//!
//! Each size runs with the built-in rules.
//!
//! The binary is the one Cargo builds for this bench (`CARGO_BIN_EXE_ailint`, set at compile
//! time by `cargo bench`, or in the environment at run time); failing both,
//! `$CARGO_TARGET_DIR/release/ailint`, else `target/release/ailint`. The bench checks that
//! the binary holds the same built-in rules as the library it was compiled with.
//!
//! Set `AILINT_BENCH_SIZES` (e.g. `1000,10000`) and `AILINT_BENCH_RUNS` to change the plan.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ailint::config::Config;
use ailint::engine::{self, RuleSet};
use ailint::model::{Model, ModelSchema};
use ailint::report::{self, Format};
use ailint::sources;

const SEED: u64 = 1;
const DEFAULT_SIZES: [usize; 2] = [10_000, 100_000];
/// Timed runs per size (after one untimed checking run).
fn runs_for(size: usize) -> usize {
    match std::env::var("AILINT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(n) => n,
        None if size >= 100_000 => 3,
        None => 5,
    }
}

/// Selects what a copy of this bench does: `measure` or `phases` (see below).
const ROLE: &str = "AILINT_BENCH_ROLE";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("measure") => return measure_role(),
        Ok("phases") => return phases_role(),
        _ => {}
    }
    let sizes: Vec<usize> = std::env::var("AILINT_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| DEFAULT_SIZES.to_vec());
    let bin = binary();
    let dir = tempfile::tempdir().expect("a temporary directory");

    machine();
    println!("binary: {}", bin.display());
    check_binary(&bin);

    println!("\n## Generating inventories (seed {SEED})\n");
    let mut files = Vec::new();
    for &size in &sizes {
        let path = dir.path().join(format!("inventory-{size}.json"));
        let t = Instant::now();
        let inventory = ailint::inventory_gen::generate(size, SEED);
        let generated = t.elapsed();
        let t = Instant::now();
        let file = std::fs::File::create(&path).expect("create the inventory file");
        let mut out = BufWriter::new(file);
        serde_json::to_writer(&mut out, &inventory).expect("write the inventory");
        out.flush().expect("flush the inventory");
        let written = t.elapsed();
        drop(inventory);
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "{size:>7} resources: generated in {}, written in {}, {:.1} MB",
            secs(generated),
            secs(written),
            bytes as f64 / 1e6
        );
        files.push((size, path));
    }

    let rule_sets: [(&str, Vec<PathBuf>); 1] = [("built-in rules", vec![])];
    let schema = ModelSchema::builtin();
    for (label, extra) in &rule_sets {
        let n_rules = RuleSet::load(extra, schema)
            .map(|r| r.rules.len())
            .unwrap_or_else(|e| panic!("rules do not load: {e:?}"));
        println!(
            "\n## End to end, {label} ({n_rules} rules): ailint audit FILE --format json -o /dev/null\n"
        );
        let mut rows = Vec::new();
        for (size, path) in &files {
            check_run(&bin, path, extra, dir.path(), *size);
            let mut walls = Vec::new();
            let mut peak_kb = 0;
            for _ in 0..runs_for(*size) {
                let run = audit_subprocess(&bin, path, extra, Path::new("/dev/null"), dir.path());
                walls.push(run.wall);
                peak_kb = peak_kb.max(run.max_rss_kb);
            }
            walls.sort();
            let median = walls[walls.len() / 2];
            rows.push(format!(
                "| {size} | {} | {} | {} | {} | {:.0} | {:.0} MB |",
                walls.len(),
                secs(walls[0]),
                secs(median),
                secs(walls[walls.len() - 1]),
                *size as f64 / median.as_secs_f64(),
                peak_kb as f64 / 1024.0
            ));
        }
        println!(
            "\n| resources | runs | wall min | wall median | wall max | resources/s (median) | peak RSS (max of runs) |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|");
        for row in rows {
            println!("{row}");
        }
    }

    if let Some((size, path)) = files.iter().max_by_key(|(s, _)| *s) {
        for (label, extra) in &rule_sets {
            let status = Command::new(std::env::current_exe().expect("this bench's path"))
                .env(ROLE, "phases")
                .env("AILINT_BENCH_LABEL", label)
                .arg(size.to_string())
                .arg(path)
                .args(extra)
                .status()
                .expect("run the phases");
            assert!(status.success(), "the phases failed");
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
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
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# ailint audit benchmark\n");
    println!("machine: {cpus} CPUs ({model}), {mem} memory");
}

fn binary() -> PathBuf {
    if let Some(p) = option_env!("CARGO_BIN_EXE_ailint") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("CARGO_BIN_EXE_ailint") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("release").join("ailint")
}

/// The binary must hold the built-in rules this bench was compiled with; a shared target
/// directory can hold another checkout's binary.
fn check_binary(bin: &Path) {
    let out = Command::new(bin)
        .args(["rules", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let listed: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("`ailint rules --format json` prints JSON");
    let mut in_binary: Vec<String> = listed["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id").and_then(|i| i.as_str()).map(str::to_string))
        .collect();
    in_binary.sort();
    let mut in_library: Vec<String> = RuleSet::load(&[], ModelSchema::builtin())
        .expect("built-in rules load")
        .rules
        .into_iter()
        .map(|r| r.meta.id)
        .collect();
    in_library.sort();
    assert_eq!(
        in_binary,
        in_library,
        "{} does not hold this checkout's built-in rules; rebuild it",
        bin.display()
    );
    println!("built-in rules: {}", in_library.join(", "));
}

struct Run {
    wall: Duration,
    max_rss_kb: i64,
}

fn audit_command(bin: &Path, input: &Path, extra: &[PathBuf], output: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("audit")
        .arg(input)
        .args(["--format", "json", "-o"])
        .arg(output);
    for dir in extra {
        cmd.arg("--rules").arg(dir);
    }
    // No ailint.toml is picked up from the temporary directory: the defaults apply.
    cmd
}

/// Runs one audit through a fresh copy of this bench in the measure role.
fn audit_subprocess(bin: &Path, input: &Path, extra: &[PathBuf], output: &Path, dir: &Path) -> Run {
    let audit = audit_command(bin, input, extra, output);
    let out = Command::new(std::env::current_exe().expect("this bench's path"))
        .env(ROLE, "measure")
        .current_dir(dir)
        .arg(audit.get_program())
        .args(audit.get_args())
        .stderr(Stdio::inherit())
        .output()
        .expect("run the measuring copy");
    assert!(out.status.success(), "the measured audit failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let wall: f64 = fields
        .next()
        .and_then(|v| v.parse().ok())
        .expect("wall time");
    let max_rss_kb: i64 = fields.next().and_then(|v| v.parse().ok()).expect("max RSS");
    Run {
        wall: Duration::from_secs_f64(wall),
        max_rss_kb,
    }
}

/// The measure role: runs the command in the arguments, reaps it with `wait4` and prints
/// its wall time in seconds and its peak RSS in KB. It exits non-zero when the command
/// exits other than 0 (no findings) or 1 (findings), after passing on its stderr.
fn measure_role() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (program, rest) = args.split_first().expect("a command to measure");
    let stderr_file = tempfile::tempfile().expect("a temporary file");
    let start = Instant::now();
    // Reaped below with wait4, which std's Child cannot do.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file.try_clone().expect("clone the stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet reaped; status and usage are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(
        reaped,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    if code != 0 && code != 1 {
        let mut err = String::new();
        let mut f = stderr_file;
        let _ = std::io::Seek::rewind(&mut f);
        let _ = std::io::Read::read_to_string(&mut f, &mut err);
        eprintln!(
            "ailint exited with {code}:\n{}",
            &err[..err.len().min(4000)]
        );
        std::process::exit(2);
    }
    // Linux reports ru_maxrss in kilobytes.
    println!("{} {}", wall.as_secs_f64(), usage.ru_maxrss);
}

/// One untimed run that keeps the report, to check the audit did what is measured.
fn check_run(bin: &Path, input: &Path, extra: &[PathBuf], dir: &Path, size: usize) {
    let report_path = dir.join("report.json");
    audit_subprocess(bin, input, extra, &report_path, dir);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).expect("the report was written"))
            .expect("the report is JSON");
    let resources = report["resources"].as_u64().unwrap_or(0) as usize;
    let errors = report["errors"].as_array().map_or(0, Vec::len);
    assert!(resources >= size, "{resources} resources audited of {size}");
    assert_eq!(errors, 0, "the audit reported errors");
    let t = &report["totals"];
    println!(
        "check {size}: {resources} resources (with AWS-managed keys), {} findings; pass {}, fail {}, not assessed {}",
        report["findings"].as_array().map_or(0, Vec::len),
        t["pass"],
        t["fail"],
        t["not_assessed"]
    );
}

/// Current and peak resident set of this process, in MB.
fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Phases {
    rows: Vec<(String, Duration, f64)>,
}

impl Phases {
    fn new() -> Phases {
        Phases { rows: Vec::new() }
    }

    fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.rows.push((name.to_string(), t.elapsed(), rss().0));
        out
    }
}

/// The phases role: times each phase of `ailint::audit_paths` on one inventory, plus the
/// JSON rendering and the teardown the binary also pays. Arguments: the size, the
/// inventory, extra rule directories.
fn phases_role() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size: usize = args[0].parse().expect("a size");
    let path = PathBuf::from(&args[1]);
    let extra: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
    let label = std::env::var("AILINT_BENCH_LABEL").unwrap_or_default();
    let (base_rss, _) = rss();
    let mut p = Phases::new();
    // The binary parses the schema once per run; here it is already parsed, so parse a copy.
    p.time("schema: parse", || {
        ModelSchema::parse(ailint::model::schema::SCHEMA_SOURCE).expect("schema parses")
    });
    let schema = ModelSchema::builtin();
    let rules = p.time("rules: load and validate", || {
        RuleSet::load(&extra, schema).expect("rules load")
    });
    let config = Config::default();
    let inputs = vec![path.clone()];
    let (collected, input_errors) = p.time("read: parse and check the inventory", || {
        sources::read_inputs(&inputs, schema)
    });
    assert!(input_errors.is_empty());
    let (model, model_errors) = p.time("model: defaults, references, derivations", || {
        Model::build(collected, schema)
    });
    assert!(model_errors.is_empty());

    let report = p.time(
        "evaluate: Cedar entities per batch, requests, findings",
        || {
            engine::evaluate(
                &model,
                &rules,
                &config,
                schema,
                vec![path.display().to_string()],
                vec![],
            )
        },
    );
    let requests: u64 = report
        .per_rule
        .values()
        .map(|c| c.pass + c.fail + c.not_assessed)
        .sum();
    // The binary streams the report to its output; here the output is discarded.
    p.time("report: JSON, streamed", || {
        report::write(
            &report,
            Format::Json,
            &report::Options::default(),
            &mut std::io::sink(),
        )
        .expect("written")
    });
    let findings = report.findings.len();
    p.time("teardown: drop report and model", || {
        drop(report);
        drop(model);
    });
    let (_, peak) = rss();

    println!(
        "\n## In process, {size} resources, {label} ({} rules, {requests} verdicts, {findings} findings)\n",
        rules.rules.len()
    );
    println!("| phase | time | share of total | RSS after |");
    println!("|---|---:|---:|---:|");
    let part_sum: Duration = p
        .rows
        .iter()
        .filter(|(n, _, _)| !n.starts_with("  "))
        .map(|(_, d, _)| *d)
        .sum();
    for (name, d, rss_after) in &p.rows {
        println!(
            "| {} | {} | {:.0}% | {:.0} MB |",
            name.trim_start(),
            secs(*d),
            100.0 * d.as_secs_f64() / part_sum.as_secs_f64(),
            rss_after
        );
    }
    println!(
        "| total (without the parts measured separately) | {} | | peak {:.0} MB (from {:.0} MB before) |",
        secs(part_sum),
        peak,
        base_rss
    );
}
