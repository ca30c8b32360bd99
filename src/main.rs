//! The `ailint` binary: parse arguments, run, exit with the run's code.

fn main() -> std::process::ExitCode {
    ailint::cli::main()
}
