//! `ailint rules`: the rules with the catalog's coverage per area, or per framework.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{load_rules, EXIT_ERROR, EXIT_OK};
use crate::engine::catalog::{Catalog, Coverage};
use crate::engine::rules::MAPPING_ANNOTATIONS;
use crate::engine::RuleMeta;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

/// How the listing is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// The reference's control areas, with each area's catalog coverage.
    Area,
    /// The frameworks and tools the rules map to (Security Hub, AWS Config, Checkov, ...).
    Framework,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Group the listing by control area or by equivalent framework.
    #[arg(long, value_enum, default_value = "area")]
    pub by: GroupBy,
    /// Directories of additional rules.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

pub fn run(args: RulesArgs) -> u8 {
    let Some(rules) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    let metas: Vec<&RuleMeta> = rules.rules.iter().map(|r| &r.meta).collect();
    let catalog = Catalog::builtin();
    match args.format {
        RulesFormat::Json => {
            let value = match args.by {
                GroupBy::Area => json!({
                    "rules": metas,
                    "coverage": catalog.coverage(&metas),
                    "controls": catalog.controls.iter().map(|c| json!({
                        "id": c.id,
                        "area": c.area,
                        "title": c.title,
                        "coverage": catalog.coverage_of(c, &metas),
                        "rules": catalog.rules_of(&c.id, &metas).iter().map(|r| &r.id).collect::<Vec<_>>(),
                        "declined": c.declined,
                    })).collect::<Vec<_>>(),
                }),
                GroupBy::Framework => {
                    json!({ "frameworks": by_framework(&metas).iter().map(|(name, rows)| json!({
                    "framework": name,
                    "rules": rows.iter().map(|(r, ids)| json!({"id": r.id, "equivalent": ids})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>() })
                }
            };
            match serde_json::to_string_pretty(&value) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_ERROR;
                }
            }
        }
        RulesFormat::Text => match args.by {
            GroupBy::Area => print!("{}", render_text(&metas, catalog)),
            GroupBy::Framework => print!("{}", render_frameworks(&metas)),
        },
    }
    EXIT_OK
}

/// The rule table grouped by area, each area headed by its catalog coverage; open and
/// declined controls are listed under their area, and a coverage table closes the listing.
pub fn render_text(rules: &[&RuleMeta], catalog: &Catalog) -> String {
    let mut by_area: BTreeMap<&str, Vec<&RuleMeta>> = BTreeMap::new();
    for r in rules {
        by_area.entry(r.area.as_str()).or_default().push(r);
    }
    let coverage = catalog.coverage(rules);
    let mut areas: Vec<&str> = coverage
        .iter()
        .map(|c| c.area.as_str())
        .filter(|a| *a != "all")
        .collect();
    // Areas of user rules that the catalog does not know, after the catalog's.
    for area in by_area.keys() {
        if !areas.contains(area) {
            areas.push(area);
        }
    }
    let mut out = String::new();
    for area in &areas {
        let rs = by_area.get(area).map(Vec::as_slice).unwrap_or_default();
        match coverage.iter().find(|c| c.area == *area) {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "{area}: {} rules, {}/{} controls implemented{}{}",
                    rs.len(),
                    c.implemented,
                    c.controls,
                    plural(c.declined, "declined"),
                    plural(c.open, "open"),
                );
            }
            None => {
                let _ = writeln!(out, "{area}: {} rules (not in the catalog)", rs.len());
            }
        }
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
        for c in catalog.controls.iter().filter(|c| c.area == *area) {
            match catalog.coverage_of(c, rules) {
                Coverage::Implemented => {}
                Coverage::Declined => {
                    let _ = writeln!(out, "  {:<14} declined: {}", c.id, c.title);
                }
                Coverage::Open => {
                    let _ = writeln!(out, "  {:<14} open:     {}", c.id, c.title);
                }
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "{:<14} {:>8} {:>11} {:>8} {:>5} {:>6}",
        "coverage", "controls", "implemented", "declined", "open", "rules"
    );
    for c in &coverage {
        let _ = writeln!(
            out,
            "{:<14} {:>8} {:>11} {:>8} {:>5} {:>6}",
            c.area, c.controls, c.implemented, c.declined, c.open, c.rules
        );
    }
    let _ = writeln!(
        out,
        "\n{} rules in {} areas",
        rules.len(),
        areas.iter().filter(|a| by_area.contains_key(*a)).count()
    );
    out
}

fn plural(n: usize, what: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} {what}")
    }
}

/// The rules with an equivalent in one framework, and their ids there.
type FrameworkRows<'a> = Vec<(&'a RuleMeta, Vec<String>)>;

/// For each framework some rule maps to: the rules and their equivalent ids there.
fn by_framework<'a>(rules: &[&'a RuleMeta]) -> Vec<(&'static str, FrameworkRows<'a>)> {
    let mut sorted: Vec<&RuleMeta> = rules.to_vec();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    MAPPING_ANNOTATIONS
        .iter()
        .map(|(key, name)| {
            let rows = sorted
                .iter()
                .filter_map(|r| r.mappings.get(*key).map(|ids| (*r, ids.clone())))
                .collect::<Vec<_>>();
            (*name, rows)
        })
        .collect()
}

/// The rules per framework, with the equivalent ids, and the rules no framework covers.
pub fn render_frameworks(rules: &[&RuleMeta]) -> String {
    let mut out = String::new();
    let frameworks = by_framework(rules);
    for (name, rows) in &frameworks {
        let _ = writeln!(
            out,
            "{name}: {} of {} rules have an equivalent",
            rows.len(),
            rules.len()
        );
        for (r, ids) in rows {
            let _ = writeln!(out, "  {:<14} {}", r.id, ids.join(", "));
        }
        let _ = writeln!(out);
    }
    let mut unmatched: Vec<&&RuleMeta> = rules.iter().filter(|r| r.mappings.is_empty()).collect();
    unmatched.sort_by(|a, b| a.id.cmp(&b.id));
    let _ = writeln!(
        out,
        "no equivalent in any framework: {} of {} rules",
        unmatched.len(),
        rules.len()
    );
    for r in unmatched {
        let _ = writeln!(out, "  {:<14} {}", r.id, r.title);
    }
    out
}
