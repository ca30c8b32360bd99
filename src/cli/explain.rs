//! `ailint explain ID`: a rule's documentation, rendered from its annotations.

use std::path::PathBuf;

use clap::Args;

use super::{load_rules, EXIT_ERROR, EXIT_OK};
use crate::report::rule_docs;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. AIL-NET-001.
    pub id: String,
    /// Directories of additional rules.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

pub fn run(args: ExplainArgs) -> u8 {
    let Some(rules) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    match rules.get(&args.id) {
        Some(rule) => {
            print!("{}", rule_docs::markdown(&rule.meta));
            EXIT_OK
        }
        None => {
            let ids: Vec<&str> = rules.rules.iter().map(|r| r.meta.id.as_str()).collect();
            eprintln!(
                "error: no rule `{}`{}",
                args.id,
                crate::model::check::did_you_mean(&args.id, ids.into_iter())
            );
            EXIT_ERROR
        }
    }
}
