//! `ailint-gen`: writes a realistic `ailint-inventory/v1` file, the same for the same
//! size and seed (see `ailint::inventory_gen`).

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "ailint-gen",
    version,
    about = "Generate a realistic ailint inventory of AI/ML resources with mixed compliance"
)]
struct Args {
    /// Number of resources.
    #[arg(long, default_value_t = 1000)]
    resources: usize,
    /// Seed; the same size and seed give the same inventory.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write compact JSON instead of pretty-printed JSON.
    #[arg(long)]
    compact: bool,
}

fn write(args: &Args, out: impl Write) -> std::io::Result<()> {
    let inventory = ailint::inventory_gen::generate(args.resources, args.seed);
    let mut out = BufWriter::new(out);
    if args.compact {
        serde_json::to_writer(&mut out, &inventory)?;
    } else {
        serde_json::to_writer_pretty(&mut out, &inventory)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| write(&args, f)),
        None => write(&args, std::io::stdout().lock()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let target = args
                .output
                .as_ref()
                .map_or("stdout".to_string(), |p| format!("`{}`", p.display()));
            eprintln!("error: cannot write {target}: {e}");
            ExitCode::from(2)
        }
    }
}
