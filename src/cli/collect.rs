//! `ailint collect`: read a live account (or an organization) into an inventory file, to
//! audit later or elsewhere with `ailint audit FILE`.

use std::path::PathBuf;

use clap::Args;

use super::live::{self, LiveArgs};
use super::{print_diagnostic, EXIT_ERROR};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub live: LiveArgs,
    /// Write the inventory to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: ./ailint.toml when present); its `[aws]` section
    /// gives defaults for the flags above.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: CollectArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = Config::discover(args.config.as_deref(), &cwd)
        .and_then(|(c, _)| live::config_for(c, &args.live));
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            print_diagnostic(e.as_ref());
            return EXIT_ERROR;
        }
    };
    collect(&args, &config)
}

#[cfg(feature = "aws")]
fn collect(args: &CollectArgs, config: &Config) -> u8 {
    use std::io::{IsTerminal, Write};
    let collected = match live::collect(&args.live, config, std::io::stderr().is_terminal()) {
        Ok(c) => c,
        Err(e) => {
            print_diagnostic(&e);
            return EXIT_ERROR;
        }
    };
    let written = match &args.output {
        Some(path) => live::write_inventory(path, &collected.inventory).map(|()| path.clone()),
        None => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &collected.inventory)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
                .map(|()| PathBuf::from("<stdout>"))
        }
    };
    match written {
        Ok(path) => {
            eprintln!("{}", collected.summary(&path));
            super::EXIT_OK
        }
        Err(e) => {
            let target = args
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| {
                    format!("`{}`", p.display())
                });
            eprintln!("error: cannot write {target}: {e}");
            EXIT_ERROR
        }
    }
}

#[cfg(not(feature = "aws"))]
fn collect(_: &CollectArgs, _: &Config) -> u8 {
    eprintln!("error: this ailint was built without the `aws` feature: it reads files only");
    EXIT_ERROR
}
