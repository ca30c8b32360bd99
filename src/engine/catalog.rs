//! The control catalog (`rules/catalog.toml`): every control of the AWS AI/ML reference,
//! implemented by the rules whose `@control` names it, or declined with a reason. Coverage is
//! computed from the catalog and the loaded rules, never written down by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rules::{RuleMeta, Severity};

const CATALOG: &str = include_str!("../../rules/catalog.toml");

/// One control of the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    /// The directory under `rules/` of the rules that implement it.
    pub area: String,
    /// The reference's section, e.g. `A. KMS customer-managed keys (...)`.
    pub section: String,
    pub severity: Severity,
    pub title: String,
    /// Why ailint does not implement the control; absent when it does or will.
    #[serde(default)]
    pub declined: Option<String>,
}

/// A control area: the directory under `rules/`, and the name reports show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    area: Vec<Area>,
    control: Vec<Control>,
}

/// The catalog, in file order (the reference's order).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub areas: Vec<Area>,
    pub controls: Vec<Control>,
}

/// A control's state in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// At least one rule implements it.
    Implemented,
    /// Declined with a reason in the catalog.
    Declined,
    /// Neither yet.
    Open,
}

/// The coverage of one area.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AreaCoverage {
    pub area: String,
    pub controls: usize,
    pub implemented: usize,
    pub declined: usize,
    pub open: usize,
    pub rules: usize,
}

impl Catalog {
    /// The catalog built into ailint.
    pub fn builtin() -> &'static Catalog {
        static CELL: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CELL.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Catalog::parse(CATALOG).expect("rules/catalog.toml is valid (tested)")
        })
    }

    pub fn parse(text: &str) -> Result<Catalog, toml::de::Error> {
        let file: CatalogFile = toml::from_str(text)?;
        Ok(Catalog {
            areas: file.area,
            controls: file.control,
        })
    }

    /// The name reports show for an area; the id itself for an area the catalog does not
    /// declare (a user's rules in a directory of their own).
    pub fn area_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.areas
            .iter()
            .find(|a| a.id == id)
            .map_or(id, |a| a.name.as_str())
    }

    /// The position of an area in the reference's order; undeclared areas sort after.
    pub fn area_rank(&self, id: &str) -> usize {
        self.areas
            .iter()
            .position(|a| a.id == id)
            .unwrap_or(self.areas.len())
    }

    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The rules implementing `control`, in id order.
    pub fn rules_of<'a>(&self, control: &str, rules: &[&'a RuleMeta]) -> Vec<&'a RuleMeta> {
        let mut out: Vec<&RuleMeta> = rules
            .iter()
            .copied()
            .filter(|r| r.control == control)
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    pub fn coverage_of(&self, control: &Control, rules: &[&RuleMeta]) -> Coverage {
        if rules.iter().any(|r| r.control == control.id) {
            Coverage::Implemented
        } else if control.declined.is_some() {
            Coverage::Declined
        } else {
            Coverage::Open
        }
    }

    /// Coverage per area, in the catalog's area order, then a total row (`area` = `all`).
    pub fn coverage(&self, rules: &[&RuleMeta]) -> Vec<AreaCoverage> {
        let mut order: Vec<&str> = Vec::new();
        let mut by_area: BTreeMap<&str, AreaCoverage> = BTreeMap::new();
        for c in &self.controls {
            if !order.contains(&c.area.as_str()) {
                order.push(&c.area);
            }
            let row = by_area.entry(&c.area).or_insert_with(|| AreaCoverage {
                area: c.area.clone(),
                ..AreaCoverage::default()
            });
            row.controls += 1;
            match self.coverage_of(c, rules) {
                Coverage::Implemented => row.implemented += 1,
                Coverage::Declined => row.declined += 1,
                Coverage::Open => row.open += 1,
            }
        }
        for r in rules {
            if let Some(row) = self
                .get(&r.control)
                .and_then(|c| by_area.get_mut(c.area.as_str()))
            {
                row.rules += 1;
            }
        }
        let mut out: Vec<AreaCoverage> = order.iter().filter_map(|a| by_area.remove(a)).collect();
        let mut total = AreaCoverage {
            area: "all".into(),
            ..AreaCoverage::default()
        };
        for row in &out {
            total.controls += row.controls;
            total.implemented += row.implemented;
            total.declined += row.declined;
            total.open += row.open;
            total.rules += row.rules;
        }
        out.push(total);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_builtin_catalog_parses_with_unique_ids() {
        let c = Catalog::builtin();
        assert_eq!(c.controls.len(), 67);
        let ids: HashSet<&str> = c.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), c.controls.len(), "duplicate control id");
        // Every control's area is declared once, and every declared area has controls.
        let areas: Vec<&str> = c.areas.iter().map(|a| a.id.as_str()).collect();
        let unique: HashSet<&str> = areas.iter().copied().collect();
        assert_eq!(unique.len(), areas.len(), "duplicate area");
        for control in &c.controls {
            assert!(
                areas.contains(&control.area.as_str()),
                "{}: area `{}` is not declared",
                control.id,
                control.area
            );
        }
        for a in &c.areas {
            assert!(
                c.controls.iter().any(|x| x.area == a.id),
                "area `{}` has no control",
                a.id
            );
            assert_ne!(c.area_name(&a.id), a.id, "area `{}` has no name", a.id);
        }
        for control in &c.controls {
            if let Some(reason) = &control.declined {
                assert!(
                    reason.len() >= 40,
                    "{}: a declined control needs a real reason",
                    control.id
                );
            }
        }
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Catalog::parse(
            "area = []\n[[control]]\nid = \"X\"\narea = \"a\"\nsection = \"s\"\nseverity = \"high\"\ntitle = \"t\"\ndecline = \"typo\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("decline"), "{err}");
    }
}
