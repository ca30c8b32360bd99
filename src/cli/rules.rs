//! `ailint rules`: the rules, with coverage per area.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{load_rules, EXIT_ERROR, EXIT_OK};
use crate::engine::RuleMeta;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Directories of additional rules.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

pub fn run(args: RulesArgs) -> u8 {
    let Some(rules) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    let metas: Vec<&RuleMeta> = rules.rules.iter().map(|r| &r.meta).collect();
    match args.format {
        RulesFormat::Json => match serde_json::to_string_pretty(&metas) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        },
        RulesFormat::Text => print!("{}", render_text(&metas)),
    }
    EXIT_OK
}

/// The rule table grouped by area.
pub fn render_text(rules: &[&RuleMeta]) -> String {
    let mut by_area: BTreeMap<&str, Vec<&RuleMeta>> = BTreeMap::new();
    for r in rules {
        by_area.entry(r.area.as_str()).or_default().push(r);
    }
    let mut out = String::new();
    for (area, rs) in &by_area {
        let _ = writeln!(out, "{area} ({} rules)", rs.len());
        for r in rs {
            let _ = writeln!(
                out,
                "  {:<14} {:<8} {:<36} {}",
                r.id,
                r.severity.as_str(),
                r.resource_type.as_deref().unwrap_or("any"),
                r.title
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "{} rules in {} areas", rules.len(), by_area.len());
    out
}
