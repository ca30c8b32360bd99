//! What the benchmarks that compare ailint with other tools share: each timed run is
//! started by a fresh, small copy of the bench in the "measure" role, which spawns the tool
//! and reaps it with `wait4`: wall time, user + system CPU (of the tool and the children it
//! waited for) and `ru_maxrss`. Linux charges a child with the peak RSS of the process it
//! was forked from, hence the small copy. `ru_maxrss` is the largest single process; for
//! tools that fork workers, a sampled run sums the PSS of the whole process tree every
//! 10 ms.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Selects what a copy of the bench does: `measure` (see [`measure_role`]).
pub const ROLE: &str = "AILINT_BENCH_ROLE";
/// Set in the measure role to sample the process tree's PSS while the command runs.
const SAMPLE: &str = "AILINT_BENCH_SAMPLE";
/// Exit codes of the measured tool that mean it did its job (default `0,1`; a scanner that
/// exits 3 on failed checks adds 3).
pub const OK_CODES: &str = "AILINT_BENCH_OK_CODES";

/// Whether this process is a measuring copy; call first in `main`.
pub fn is_measure_role() -> bool {
    std::env::var(ROLE).as_deref() == Ok("measure")
}

pub struct Run {
    pub wall: Duration,
    pub cpu: Duration,
    pub max_rss_kb: u64,
    pub tree_pss_kb: u64,
    pub tree_procs: usize,
}

pub struct Summary {
    pub runs: usize,
    pub min: Duration,
    pub median: Duration,
    pub max: Duration,
    pub cpu: Duration,
    pub peak_kb: u64,
}

impl Summary {
    pub fn of(runs: &[Run]) -> Summary {
        let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
        walls.sort();
        let mut cpus: Vec<Duration> = runs.iter().map(|r| r.cpu).collect();
        cpus.sort();
        Summary {
            runs: runs.len(),
            min: walls[0],
            median: walls[walls.len() / 2],
            max: walls[walls.len() - 1],
            cpu: cpus[cpus.len() / 2],
            peak_kb: runs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0),
        }
    }

    pub fn row(&self, tool: &str, resources: &str, checks: &str, tree: &Run) {
        println!(
            "| {tool} | {} | {resources} | {checks} | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.0} MB | {:.0} MB |",
            self.runs,
            self.min.as_secs_f64(),
            self.median.as_secs_f64(),
            self.max.as_secs_f64(),
            self.cpu.as_secs_f64(),
            mb(self.peak_kb),
            mb(tree.tree_pss_kb)
        );
    }
}

pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Runs a command through a fresh copy of this bench in the measure role (the command's
/// environment goes with it).
pub fn measure(cmd: &Command, dir: &Path, sample: bool) -> Run {
    let mut copy = Command::new(std::env::current_exe().expect("this bench's path"));
    copy.env(ROLE, "measure").current_dir(dir);
    if sample {
        copy.env(SAMPLE, "1");
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => copy.env(k, v),
            None => copy.env_remove(k),
        };
    }
    let out = copy
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stderr(Stdio::inherit())
        .output()
        .expect("run the measuring copy");
    assert!(
        out.status.success(),
        "the measured run of {} failed",
        cmd.get_program().to_string_lossy()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<f64> = text
        .split_whitespace()
        .map(|v| v.parse().expect("a number"))
        .collect();
    assert_eq!(f.len(), 5, "the measure role prints five numbers: {text}");
    Run {
        wall: Duration::from_secs_f64(f[0]),
        cpu: Duration::from_secs_f64(f[1]),
        max_rss_kb: f[2] as u64,
        tree_pss_kb: f[3] as u64,
        tree_procs: f[4] as usize,
    }
}

/// The measure role: runs the command in the arguments (stdout discarded), reaps it with
/// `wait4`, and prints its wall time (s), user + system CPU (s), `ru_maxrss` (KB), and when
/// `AILINT_BENCH_SAMPLE` is set the peak of its process tree's summed PSS (KB) and the most
/// processes seen at once (else 0 0). Exits 2 when the command exits with a code not in `AILINT_BENCH_OK_CODES`.
pub fn measure_role() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (program, rest) = args.split_first().expect("a command to measure");
    let sample = std::env::var_os(SAMPLE).is_some();
    let stderr_file = tempfile::tempfile().expect("a temporary file");
    let start = Instant::now();
    // Reaped below with wait4, which std's Child cannot do.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(rest)
        .env_remove(ROLE)
        .env_remove(SAMPLE)
        .env_remove(OK_CODES)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file.try_clone().expect("clone the stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let pid = child.id() as libc::pid_t;
    let done = Arc::new(AtomicBool::new(false));
    let sampler = sample.then(|| {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let (mut peak, mut procs) = (0u64, 0usize);
            while !done.load(Ordering::Relaxed) {
                let (pss, n) = tree_pss_kb(pid);
                peak = peak.max(pss);
                procs = procs.max(n);
                std::thread::sleep(Duration::from_millis(10));
            }
            (peak, procs)
        })
    });
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet reaped; status and usage are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    assert_eq!(
        reaped,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let (tree_peak, tree_procs) = sampler.map_or((0, 0), |s| s.join().expect("the sampler"));
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let ok: Vec<i32> = std::env::var(OK_CODES)
        .unwrap_or_else(|_| "0,1".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    if !ok.contains(&code) {
        let mut err = String::new();
        let mut f = stderr_file;
        let _ = std::io::Seek::rewind(&mut f);
        let _ = std::io::Read::read_to_string(&mut f, &mut err);
        eprintln!(
            "{program} exited with {code}:\n{}",
            &err[..err.len().min(4000)]
        );
        std::process::exit(2);
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in kilobytes.
    println!(
        "{} {} {} {tree_peak} {tree_procs}",
        wall.as_secs_f64(),
        tv(usage.ru_utime) + tv(usage.ru_stime),
        usage.ru_maxrss
    );
}

/// The summed PSS (KB) of a process and its descendants, and how many there are.
fn tree_pss_kb(root: libc::pid_t) -> (u64, usize) {
    let mut stack = vec![root];
    let (mut total, mut n) = (0, 0);
    while let Some(pid) = stack.pop() {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        n += 1;
        total += rollup
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            stack.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<i32>().ok()),
            );
        }
    }
    (total, n)
}

/// The ailint binary: the one Cargo builds for the bench, else the release build.
pub fn binary() -> PathBuf {
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
