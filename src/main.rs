//! The `ailint` binary: parse arguments, run, exit with the run's code.

// An audit allocates millions of small values (JSON, Cedar expressions); mimalloc is
// measurably faster than the system allocator for that (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ailint::cli::main()
}
