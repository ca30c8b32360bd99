//! The normalized inventory: typed resources, AWS defaults applied, references resolved,
//! unknowns marked, aggregate facts derived. Every input kind ends here.

pub mod check;
mod derive;
pub mod policy_document;
mod references;
pub mod schema;
pub mod schema_docs;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

pub use check::{check_normalized, check_resource, AttrError};
pub use schema::{AttrSpec, AttrType, EntityTypeSpec, ModelSchema};

/// Where a fact came from: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
}

/// A fact that is not known, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// Attribute path, dotted for record fields (`dataCapture.kmsKey`).
    pub path: String,
    pub reason: String,
}

/// One resource of the model.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// Entity type, e.g. `AWS::SageMaker::NotebookInstance`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Stable identifier: the ARN when known, else the input's own address.
    pub id: String,
    pub name: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Attributes named and typed as in the schema.
    pub attributes: Map<String, Value>,
    /// Raw policy documents (bucket policy, key policy, ...), read by derivations only.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub documents: Map<String, Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<Unknown>,
    #[serde(skip)]
    pub location: Location,
}

impl Resource {
    /// The unknown fact that makes `path` unknown, if any: the path itself, a record it is
    /// inside, or a field inside it.
    pub fn unknown_for(&self, path: &str) -> Option<&Unknown> {
        self.unknown.iter().find(|u| path_overlaps(&u.path, path))
    }

    /// A display name: the name, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

fn path_overlaps(a: &str, b: &str) -> bool {
    let prefix = |short: &str, long: &str| {
        long == short
            || (long.starts_with(short) && long.as_bytes().get(short.len()) == Some(&b'.'))
    };
    prefix(a, b) || prefix(b, a)
}

/// A service, region or resource kind an input could not collect.
#[derive(Debug, Clone, Serialize)]
pub struct NotCollected {
    pub account: Option<String>,
    pub region: Option<String>,
    /// Resource types whose facts are missing because of it.
    pub types: Vec<String>,
    /// What failed, e.g. `lakeformation:GetDataLakeSettings`.
    pub operation: String,
    pub reason: String,
    #[serde(skip)]
    pub location: Location,
}

/// An account named by an input, with where it was named.
#[derive(Debug, Clone)]
pub struct AccountInfo {
    pub id: String,
    pub name: Option<String>,
    pub location: Location,
}

/// What every source hands to the model.
#[derive(Debug, Default)]
pub struct Collected {
    pub resources: Vec<Resource>,
    pub not_collected: Vec<NotCollected>,
    pub accounts: Vec<AccountInfo>,
}

impl Collected {
    pub fn extend(&mut self, other: Collected) {
        self.resources.extend(other.resources);
        self.not_collected.extend(other.not_collected);
        self.accounts.extend(other.accounts);
    }
}

/// A model-level problem with the inputs (e.g. the same resource in two inputs).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}:{}: {message}", location.file, location.line)]
pub struct ModelError {
    pub location: Location,
    pub message: String,
}

/// The normalized inventory.
#[derive(Debug)]
pub struct Model {
    /// Every resource, synthesized account and region entities included, in a stable order.
    pub resources: Vec<Resource>,
    pub not_collected: Vec<NotCollected>,
    index: HashMap<(String, String), usize>,
}

impl Model {
    /// Normalizes what the sources collected. Duplicate resources are reported and the
    /// first one kept, so one bad input does not hide the others' findings.
    pub fn build(collected: Collected, schema: &ModelSchema) -> (Model, Vec<ModelError>) {
        let mut errors = Vec::new();
        let mut resources: Vec<Resource> = Vec::with_capacity(collected.resources.len());
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for r in collected.resources {
            let key = (r.type_name.clone(), r.id.clone());
            if let Some(&first) = index.get(&key) {
                let first: &Resource = &resources[first];
                errors.push(ModelError {
                    location: r.location.clone(),
                    message: format!(
                        "duplicate resource `{}` of type `{}` (first at {}:{})",
                        r.id, r.type_name, first.location.file, first.location.line
                    ),
                });
                continue;
            }
            index.insert(key, resources.len());
            resources.push(r);
        }

        resources.par_iter_mut().with_min_len(256).for_each(|r| {
            if let Some(spec) = schema.entity_type(&r.type_name) {
                check::apply_defaults(r, spec);
            }
        });
        let mut model = Model {
            resources,
            not_collected: collected.not_collected,
            index,
        };
        references::resolve(&mut model, schema);
        derive::derive(&mut model, &collected.accounts);
        model
            .resources
            .par_sort_by(|a, b| (&a.type_name, &a.id).cmp(&(&b.type_name, &b.id)));
        model.reindex();
        (model, errors)
    }

    fn reindex(&mut self) {
        self.index = self
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.type_name.clone(), r.id.clone()), i))
            .collect();
    }

    fn push(&mut self, r: Resource) {
        self.index
            .insert((r.type_name.clone(), r.id.clone()), self.resources.len());
        self.resources.push(r);
    }

    pub fn get(&self, type_name: &str, id: &str) -> Option<&Resource> {
        self.index
            .get(&(type_name.to_string(), id.to_string()))
            .map(|&i| &self.resources[i])
    }

    /// Accounts present in the model.
    pub fn accounts(&self) -> BTreeSet<&str> {
        self.resources
            .iter()
            .filter_map(|r| r.account.as_deref())
            .collect()
    }

    /// Regions present in the model.
    pub fn regions(&self) -> BTreeSet<&str> {
        self.resources
            .iter()
            .filter(|r| r.type_name != "AWS::Region")
            .filter_map(|r| r.region.as_deref())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_paths_overlap_by_record_prefix() {
        assert!(path_overlaps("dataCapture", "dataCapture.kmsKey"));
        assert!(path_overlaps("dataCapture.kmsKey", "dataCapture"));
        assert!(path_overlaps("kmsKey", "kmsKey"));
        assert!(!path_overlaps("kmsKey", "kmsKeyId"));
        assert!(!path_overlaps(
            "dataCapture.kmsKey",
            "dataCapture.enableCapture"
        ));
    }
}
