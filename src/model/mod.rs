//! The normalized inventory: typed resources, AWS defaults applied, references resolved,
//! unknowns marked, aggregate facts derived. Every input kind ends here.

pub mod check;
mod derive;
pub mod intern;
pub mod policy_document;
mod references;
pub mod schema;
pub mod schema_docs;
pub mod value;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

pub use check::{check_normalized, check_resource, AttrError};
pub use schema::{AttrSpec, AttrType, EntityTypeSpec, ModelSchema};
pub use value::{Attrs, Record, Value};

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

/// Tags, sorted by key. Keys and values repeat across resources and are shared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<(Arc<str>, Arc<str>)>);

impl Tags {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Arc<str>, Arc<str>)>) -> Tags {
        let mut v: Vec<_> = pairs.into_iter().collect();
        v.sort();
        v.dedup_by(|a, b| a.0 == b.0);
        Tags(v)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &*self.0[i].1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(&**k, &**v)?;
        }
        map.end()
    }
}

/// Raw policy documents (bucket policy, key policy, event selectors, ...), kept as the JSON
/// text the input gave and parsed only by the derivations that read them.
#[derive(Debug, Clone, Default)]
pub struct Documents(Vec<(Box<str>, Box<RawValue>)>);

impl Documents {
    pub fn insert(&mut self, name: &str, json: Box<RawValue>) {
        self.0.retain(|(k, _)| &**k != name);
        self.0.push((name.into(), json));
    }

    /// Stores a JSON value as a document.
    pub fn insert_value(&mut self, name: &str, value: &serde_json::Value) {
        if let Ok(raw) = serde_json::value::to_raw_value(value) {
            self.insert(name, raw);
        }
    }

    pub fn get(&self, name: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| &**k == name).map(|(_, v)| &**v)
    }

    /// The named document parsed, `None` when absent or `null`.
    pub fn parsed(&self, name: &str) -> Option<Result<serde_json::Value, String>> {
        let raw = self.get(name)?;
        match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::Null) => None,
            Ok(v) => Some(Ok(v)),
            Err(e) => Some(Err(format!("`{name}` is not JSON: {e}"))),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Documents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(&**k, v)?;
        }
        map.end()
    }
}

/// A finding the input says to accept: an `ailint:ignore` comment or template metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// A rule id, or a prefix of rule ids.
    pub rule: String,
    /// Why; a suppression without one is not honoured.
    pub reason: Option<String>,
    /// Where it is written.
    pub line: u32,
}

/// What inputs that are source code know of a resource beyond its facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Details {
    /// The line of each attribute (dotted path), where the input wrote it.
    pub lines: Vec<(Box<str>, u32)>,
    pub suppressions: Vec<Suppression>,
}

impl Details {
    /// The line of an attribute path, or of the attribute it is inside.
    pub fn line_of(&self, path: &str) -> Option<u32> {
        let mut p = path;
        loop {
            if let Some((_, line)) = self.lines.iter().find(|(k, _)| &**k == p) {
                return Some(*line);
            }
            p = p.rsplit_once('.')?.0;
        }
    }
}

/// One resource of the model.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// Entity type, e.g. `AWS::SageMaker::NotebookInstance` (a type of the schema).
    #[serde(rename = "type")]
    pub type_name: &'static str,
    /// Stable identifier: the ARN when known, else the input's own address.
    pub id: Arc<str>,
    pub name: Option<Arc<str>>,
    pub account: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub tags: Tags,
    /// Attributes named and typed as in the schema.
    pub attributes: Attrs,
    /// Raw policy documents, read by derivations only.
    #[serde(skip_serializing_if = "Documents::is_empty")]
    pub documents: Documents,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<Unknown>,
    #[serde(skip)]
    pub location: Location,
    /// Lines and suppressions, for resources read from templates.
    #[serde(skip)]
    pub details: Option<Box<Details>>,
}

impl Resource {
    /// A resource with no facts yet.
    pub fn new(type_name: &'static str, id: impl Into<Arc<str>>, location: Location) -> Resource {
        Resource {
            type_name,
            id: id.into(),
            name: None,
            account: None,
            region: None,
            tags: Tags::default(),
            attributes: Attrs::new(),
            documents: Documents::default(),
            unknown: Vec::new(),
            location,
            details: None,
        }
    }

    /// The line of an attribute path where the input wrote it, else the resource's.
    pub fn line_of(&self, path: &str) -> u32 {
        self.details
            .as_ref()
            .and_then(|d| d.line_of(path))
            .unwrap_or(self.location.line)
    }

    /// The unknown fact that makes `path` unknown, if any: the path itself, a record it is
    /// inside, or a field inside it.
    pub fn unknown_for(&self, path: &str) -> Option<&Unknown> {
        self.unknown.iter().find(|u| path_overlaps(&u.path, path))
    }

    /// A display name: the name, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The sort key of the model: type, then id.
    fn key(&self) -> (&str, &str) {
        (self.type_name, &self.id)
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
    /// Every resource, synthesized account and region entities included, sorted by type
    /// and id.
    pub resources: Vec<Resource>,
    pub not_collected: Vec<NotCollected>,
}

impl Model {
    /// Normalizes what the sources collected. Duplicate resources are reported and the
    /// first one kept, so one bad input does not hide the others' findings.
    pub fn build(collected: Collected, schema: &'static ModelSchema) -> (Model, Vec<ModelError>) {
        let mut errors = Vec::new();
        let mut resources = collected.resources;
        // A stable sort keeps input order among equal keys: the first one read wins.
        resources.par_sort_by(|a, b| a.key().cmp(&b.key()));
        let mut kept: Vec<Resource> = Vec::with_capacity(resources.len());
        for r in resources {
            if let Some(first) = kept.last().filter(|k| k.key() == r.key()) {
                errors.push(ModelError {
                    location: r.location.clone(),
                    message: format!(
                        "duplicate resource `{}` of type `{}` (first at {}:{})",
                        r.id, r.type_name, first.location.file, first.location.line
                    ),
                });
                continue;
            }
            kept.push(r);
        }

        kept.par_iter_mut().with_min_len(256).for_each(|r| {
            derive::unread_job_definition(r);
            if let Some(spec) = schema.entity_type(r.type_name) {
                check::apply_defaults(r, spec);
            }
        });
        let mut model = Model {
            resources: kept,
            not_collected: collected.not_collected,
        };
        references::resolve(&mut model, schema);
        derive::derive(&mut model, &collected.accounts);
        model.resources.par_sort_by(|a, b| a.key().cmp(&b.key()));
        (model, errors)
    }

    /// The resource of a type with an id.
    pub fn get(&self, type_name: &str, id: &str) -> Option<&Resource> {
        self.position(type_name, id).map(|i| &self.resources[i])
    }

    /// The index of a resource in [`Model::resources`].
    pub fn position(&self, type_name: &str, id: &str) -> Option<usize> {
        self.resources
            .binary_search_by(|r| r.key().cmp(&(type_name, id)))
            .ok()
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
