//! What the infrastructure-as-code readers share: resources as a template declares them,
//! and the table-driven mapping from their properties to the model.
//!
//! A reader (CloudFormation, Terraform HCL, Terraform plan) resolves what it can of each
//! resource's properties into a [`Node`] tree: references to other resources of the same
//! unit stay [`Tree::Reference`]s, values that cannot be known stay [`Tree::Unknown`]s.
//! [`to_model`] then maps each resource through its kind's [`TypeMapping`]: properties
//! become attributes typed by the schema, references become entity references, unknowns
//! become unknown facts, and every attribute keeps the line of the property it came from.

use std::collections::HashMap;
use std::sync::Arc;

use super::tree::{Key, Node, Tree};
use crate::model::schema::{AttrSpec, AttrType, ModelSchema};
use crate::model::{Details, Location, Record, Resource, Suppression, Unknown, Value};

/// A resource as a template or configuration declares it.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The source's own type name: `AWS::SageMaker::NotebookInstance`, `aws_vpc`, ...
    pub source_type: String,
    /// The source's address for it: a logical id, a Terraform address.
    pub address: String,
    /// The line of its declaration.
    pub line: u32,
    /// Its properties, resolved as far as the input allows (a map).
    pub properties: Node,
    /// Its tags, when known.
    pub tags: Vec<(String, String)>,
    pub suppressions: Vec<Suppression>,
    /// The file it is declared in, when not the unit's own (Terraform modules span files).
    pub file: Option<Arc<str>>,
}

/// The resources of one template, configuration or plan.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The file findings point into (for Terraform, the file of each resource may differ).
    pub file: Arc<str>,
    /// Prefix of the model ids of this unit's resources.
    pub id_prefix: String,
    pub account: Option<String>,
    /// The region, or why it is unknown.
    pub region: Result<String, String>,
    pub resources: Vec<Declared>,
}

/// Where an attribute's value comes from, as a path of property names from the resource's
/// properties. A list met where a name is expected stands for its first element: Terraform
/// writes a nested block as a list of one.
pub type Path = &'static [&'static str];

/// How one attribute is read.
pub enum Get {
    /// The value at a path.
    At(Path),
    /// The value at a path, translated through a table (unlisted values are kept).
    Translated(Path, &'static [(&'static str, &'static str)]),
    /// A record: each field from a path under the record's own path. Absent when nothing is
    /// there.
    Record(Path, &'static [(&'static str, Path)]),
    /// A set of records from a list, each field from a path inside the element.
    Records(Path, &'static [(&'static str, Path)]),
    /// A set of values, each at a path inside the elements of a list.
    Each(Path, Path),
    /// A fixed value: what declaring the resource implies (a key a template creates is
    /// customer-managed).
    Fixed(&'static str),
    /// The value at a path, or the given one when the block holding it is written without
    /// it: an argument whose provider default differs from the API's (a Terraform
    /// `domain_endpoint_options` block without `enforce_https` enforces HTTPS).
    BlockDefault(Path, &'static str),
}

/// How one source type maps to a model type.
pub struct TypeMapping {
    pub source: &'static str,
    pub model: &'static str,
    /// Where the display name comes from; the address otherwise.
    pub name: Option<Path>,
    pub attributes: &'static [(&'static str, Get)],
    /// Raw documents (bucket policy, event selectors, policy documents), as JSON.
    pub documents: &'static [(&'static str, Get)],
}

/// A source type that adds to another resource rather than being one: a bucket policy, a
/// key alias, a bucket's encryption configuration.
pub struct Attachment {
    pub source: &'static str,
    /// The property that names the resource it attaches to.
    pub target: Path,
    pub model: &'static str,
    pub attributes: &'static [(&'static str, Get)],
    pub documents: &'static [(&'static str, Get)],
    /// Attributes whose values are added to a set rather than replacing it.
    pub appends: &'static [&'static str],
}

/// A kind's tables.
pub struct Mappings {
    pub types: &'static [TypeMapping],
    pub attachments: &'static [Attachment],
    /// Turns a document read through [`Get`] into the form AWS returns, when the source
    /// writes it differently (Terraform's `event_selector` blocks).
    pub document: fn(&str, serde_json::Value) -> serde_json::Value,
}

impl Mappings {
    pub fn type_of(&self, source: &str) -> Option<&'static TypeMapping> {
        self.types.iter().find(|t| t.source == source)
    }
}

/// A problem with a declared resource: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub line: u32,
    pub message: String,
}

/// The model resources of a unit. Resources of types the tables do not know are left out
/// (they are not AI/ML resources); properties that do not fit the schema are errors.
pub fn to_model(
    unit: &Unit,
    mappings: &Mappings,
    schema: &'static ModelSchema,
) -> (Vec<Resource>, Vec<MappingError>) {
    let mut errors = Vec::new();
    // The model id and type of every resource some mapping knows, for references.
    let mut ids: HashMap<&str, (String, &'static str)> = HashMap::new();
    for d in &unit.resources {
        if let Some(t) = mappings.type_of(&d.source_type) {
            ids.insert(&d.address, (model_id(unit, d), t.model));
        }
    }
    let ctx = Context { ids: &ids };
    let mut out: Vec<Resource> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for d in &unit.resources {
        let Some(t) = mappings.type_of(&d.source_type) else {
            continue;
        };
        let Some((model, spec)) = schema.entity_types.get_key_value(t.model) else {
            errors.push(MappingError {
                line: d.line,
                message: format!("no model type `{}`", t.model),
            });
            continue;
        };
        let file = d.file.clone().unwrap_or_else(|| unit.file.clone());
        let mut r = Resource::new(
            model.as_str(),
            model_id(unit, d),
            Location { file, line: d.line },
        );
        r.name = Some(
            t.name
                .and_then(|p| lookup(&d.properties, p).and_then(|(_, n)| n.as_str()))
                .unwrap_or(&d.address)
                .into(),
        );
        r.account = unit.account.as_deref().map(Into::into);
        match &unit.region {
            Ok(region) => r.region = Some(region.as_str().into()),
            Err(reason) => r.unknown.push(Unknown {
                path: "region".into(),
                reason: reason.clone(),
            }),
        }
        if spec.has_tags {
            r.tags = crate::model::Tags::from_pairs(
                d.tags
                    .iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Arc::from(v.as_str()))),
            );
        }
        let mut details = Details {
            suppressions: d.suppressions.clone(),
            ..Details::default()
        };
        ctx.apply(
            d,
            &mut r,
            &mut details,
            t.attributes,
            &spec.attrs,
            &[],
            &mut errors,
        );
        ctx.documents(d, &mut r, &mut details, t.documents, mappings);
        r.details = Some(Box::new(details));
        index.insert(d.address.clone(), out.len());
        out.push(r);
    }
    for d in &unit.resources {
        let Some(a) = mappings
            .attachments
            .iter()
            .find(|a| a.source == d.source_type)
        else {
            continue;
        };
        let target = match lookup(&d.properties, a.target).map(|(_, n)| &n.value) {
            Some(Tree::Reference { target, .. }) => index.get(target.as_str()).copied(),
            // A name or id: the resource of the unit with that name.
            Some(Tree::String(name)) => out
                .iter()
                .position(|r| r.type_name == a.model && r.name.as_deref() == Some(name.as_str())),
            _ => None,
        };
        let Some(i) = target.filter(|&i| out[i].type_name == a.model) else {
            // Attached to something outside the unit: nothing to add to.
            continue;
        };
        let Some(spec) = schema.entity_type(a.model) else {
            continue;
        };
        let r = &mut out[i];
        let mut details = r.details.take().map(|b| *b).unwrap_or_default();
        ctx.apply(
            d,
            r,
            &mut details,
            a.attributes,
            &spec.attrs,
            a.appends,
            &mut errors,
        );
        ctx.documents(d, r, &mut details, a.documents, mappings);
        details.suppressions.extend(d.suppressions.iter().cloned());
        r.details = Some(Box::new(details));
    }
    (out, errors)
}

fn model_id(unit: &Unit, d: &Declared) -> String {
    format!("{}#{}", unit.id_prefix, d.address)
}

/// The node at a path, with the line of the deepest property named on the way.
fn lookup<'n>(root: &'n Node, path: &[&str]) -> Option<(u32, &'n Node)> {
    let mut node = root;
    let mut line = root.line;
    for name in path {
        // `[key=value]`: the element of a list of blocks whose `key` is `value` (Terraform
        // writes `log_publishing_options` as one block per log type).
        if let Some((k, v)) = name
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.split_once('='))
        {
            let items = match &node.value {
                Tree::List(items) => items.as_slice(),
                _ => std::slice::from_ref(node),
            };
            node = items.iter().find(|item| {
                item.entry(k)
                    .is_some_and(|(_, n)| matches!(&n.value, Tree::String(s) if s == v))
            })?;
            continue;
        }
        // A nested block: its first element.
        while let Tree::List(items) = &node.value {
            node = items.first()?;
        }
        let (key, next) = node.entry(name)?;
        line = key.line;
        node = next;
    }
    Some((line, node))
}

/// The list at a path, for a set attribute: its line, items and element type. `None` when
/// absent or null.
#[allow(clippy::type_complexity)]
fn list_at<'n>(
    root: &'n Node,
    path: Path,
    ty: &'static AttrType,
) -> Result<Option<(u32, &'n [Node], &'static AttrType)>, (u32, Bad)> {
    let Some((line, node)) = lookup(root, path) else {
        return Ok(None);
    };
    match (ty, &node.value) {
        (AttrType::Set(elem), Tree::List(items)) => Ok(Some((line, items, elem))),
        (_, Tree::Unknown(reason)) => Err((line, Bad::Unknown(reason.clone()))),
        (_, Tree::Null) => Ok(None),
        _ => Err((line, Bad::Mismatch("expected a list".into()))),
    }
}

/// A role's inline policies, each a policy resource of its own (`role.name`): the
/// elements of the list at `list` that hold a document at `document_key`, each named by
/// its `name_key`.
pub fn inline_policies(
    role: &Declared,
    list: &str,
    name_key: &str,
    document_key: &str,
    source_type: &str,
    role_key: &str,
) -> Vec<Declared> {
    let Some(policies) = role.properties.get(list).and_then(Node::as_list) else {
        return Vec::new();
    };
    policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.get(document_key).is_some())
        .map(|(i, p)| {
            let name = p
                .get(name_key)
                .and_then(Node::as_str)
                .map_or_else(|| format!("policy{}", i + 1), str::to_string);
            // The policy names its role as the standalone policy type does.
            let mut properties = p.clone();
            if let Tree::Map(entries) = &mut properties.value {
                let reference = Node::new(
                    p.line,
                    Tree::Reference {
                        target: role.address.clone(),
                        attribute: None,
                    },
                );
                entries.push((
                    Key {
                        name: role_key.into(),
                        line: p.line,
                    },
                    reference,
                ));
            }
            Declared {
                source_type: source_type.into(),
                address: format!("{}.{name}", role.address),
                line: p.line,
                properties,
                tags: Vec::new(),
                suppressions: role.suppressions.clone(),
                file: role.file.clone(),
            }
        })
        .collect()
}

struct Context<'a> {
    ids: &'a HashMap<&'a str, (String, &'static str)>,
}

/// Why a value cannot be used, if it cannot.
enum Bad {
    Unknown(String),
    Mismatch(String),
}

impl Context<'_> {
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        d: &Declared,
        r: &mut Resource,
        details: &mut Details,
        attributes: &[(&'static str, Get)],
        specs: &'static std::collections::BTreeMap<String, AttrSpec>,
        appends: &[&str],
        errors: &mut Vec<MappingError>,
    ) {
        for (name, get) in attributes {
            let Some((name, spec)) = specs.get_key_value(*name) else {
                errors.push(MappingError {
                    line: d.line,
                    message: format!(
                        "the mapping names `{name}`, which `{}` does not have",
                        r.type_name
                    ),
                });
                continue;
            };
            let name = name.as_str();
            match self.read(&d.properties, get, &spec.ty) {
                Ok(None) => {}
                Ok(Some((line, value))) => {
                    details.lines.push((name.into(), line));
                    let value = match (appends.contains(&name), r.attributes.get(name), value) {
                        (true, Some(Value::Set(old)), Value::Set(new)) => {
                            let mut all: Vec<Value> = old.to_vec();
                            all.extend(new.iter().cloned());
                            Value::Set(all.into())
                        }
                        (_, _, v) => v,
                    };
                    r.attributes.insert(name, value);
                    // An attachment says what the resource alone left unknown.
                    r.unknown.retain(|u| u.path != name);
                }
                Err((line, Bad::Unknown(reason))) => {
                    details.lines.push((name.into(), line));
                    r.unknown.push(Unknown {
                        path: name.to_string(),
                        reason,
                    });
                }
                Err((line, Bad::Mismatch(message))) => errors.push(MappingError {
                    line,
                    message: format!("`{}` {}: {message}", d.address, name),
                }),
            }
        }
    }

    fn documents(
        &self,
        d: &Declared,
        r: &mut Resource,
        details: &mut Details,
        documents: &[(&'static str, Get)],
        mappings: &Mappings,
    ) {
        for (name, get) in documents {
            let path = match get {
                Get::At(p)
                | Get::Translated(p, _)
                | Get::Record(p, _)
                | Get::Records(p, _)
                | Get::Each(p, _)
                | Get::BlockDefault(p, _) => *p,
                Get::Fixed(_) => continue,
            };
            let Some((line, node)) = lookup(&d.properties, path) else {
                continue;
            };
            details
                .lines
                .push((format!("documents.{name}").into(), line));
            match self.document(node) {
                Ok(json) => {
                    let json = (mappings.document)(name, json);
                    r.documents.insert_value(name, &json);
                    let path = format!("documents.{name}");
                    r.unknown.retain(|u| u.path != path);
                }
                Err(reason) => r.unknown.push(Unknown {
                    path: format!("documents.{name}"),
                    reason,
                }),
            }
        }
    }

    /// A document as JSON; a JSON string is kept as the string (AWS accepts both). A
    /// document that is itself unknown is an error; unknown values inside it are marked
    /// (see [`Node::to_json_marked`]).
    fn document(&self, node: &Node) -> Result<serde_json::Value, String> {
        match &node.value {
            Tree::Unknown(_) | Tree::Reference { .. } | Tree::Tagged(..) => Err(node
                .first_unknown()
                .unwrap_or_else(|| "the document is not known before deployment".into())),
            _ => Ok(node.to_json_marked()),
        }
    }

    /// Reads one attribute: `Ok(None)` when absent.
    fn read(
        &self,
        root: &Node,
        get: &Get,
        ty: &'static AttrType,
    ) -> Result<Option<(u32, Value)>, (u32, Bad)> {
        match get {
            Get::Fixed(v) => {
                let node = Node::new(root.line, Tree::String(v.to_string()));
                self.value(&node, ty)
                    .map(|v| Some((root.line, v)))
                    .map_err(|b| (root.line, b))
            }
            Get::At(path) => {
                let Some((line, node)) = lookup(root, path) else {
                    return Ok(None);
                };
                if node.is_null() {
                    return Ok(None);
                }
                self.value(node, ty)
                    .map(|v| Some((line, v)))
                    .map_err(|b| (line, b))
            }
            Get::BlockDefault(path, default) => {
                if let Some(found) = self.read(root, &Get::At(path), ty)? {
                    return Ok(Some(found));
                }
                let Some((line, _)) = lookup(root, &path[..path.len().saturating_sub(1)])
                    .filter(|(_, block)| !block.is_null() && path.len() > 1)
                else {
                    return Ok(None);
                };
                let tree = match *default {
                    "true" => Tree::Bool(true),
                    "false" => Tree::Bool(false),
                    other => Tree::String(other.to_string()),
                };
                self.value(&Node::new(line, tree), ty)
                    .map(|v| Some((line, v)))
                    .map_err(|b| (line, b))
            }
            Get::Translated(path, table) => {
                let Some((line, node)) = lookup(root, path) else {
                    return Ok(None);
                };
                let translated = match &node.value {
                    Tree::String(s) => table.iter().find(|(from, _)| from == s).map(|(_, to)| to),
                    Tree::Bool(b) => table
                        .iter()
                        .find(|(from, _)| *from == if *b { "true" } else { "false" })
                        .map(|(_, to)| to),
                    _ => None,
                };
                let node = match translated {
                    Some(to) => Node::new(node.line, Tree::String(to.to_string())),
                    None => node.clone(),
                };
                self.value(&node, ty)
                    .map(|v| Some((line, v)))
                    .map_err(|b| (line, b))
            }
            Get::Record(path, fields) => {
                let Some((line, node)) = lookup(root, path) else {
                    return Ok(None);
                };
                let AttrType::Record(specs) = ty else {
                    return Err((line, Bad::Mismatch("not a record in the model".into())));
                };
                self.record(node, fields, specs)
                    .map(|rec| Some((line, Value::Record(rec))))
                    .map_err(|b| (line, b))
            }
            Get::Records(path, fields) => {
                let Some((line, items, elem)) = list_at(root, path, ty)? else {
                    return Ok(None);
                };
                let AttrType::Record(specs) = elem else {
                    return Err((
                        line,
                        Bad::Mismatch("not a set of records in the model".into()),
                    ));
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(Value::Record(
                        self.record(item, fields, specs).map_err(|b| (line, b))?,
                    ));
                }
                Ok(Some((line, Value::Set(out.into()))))
            }
            Get::Each(path, inner) => {
                let Some((line, items, elem)) = list_at(root, path, ty)? else {
                    return Ok(None);
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some((_, v)) = lookup(item, inner) {
                        out.push(self.value(v, elem).map_err(|b| (line, b))?);
                    }
                }
                Ok(Some((line, Value::Set(out.into()))))
            }
        }
    }

    fn record(
        &self,
        node: &Node,
        fields: &[(&'static str, Path)],
        specs: &'static std::collections::BTreeMap<String, AttrSpec>,
    ) -> Result<Record, Bad> {
        if let Tree::Unknown(reason) = &node.value {
            return Err(Bad::Unknown(reason.clone()));
        }
        let mut out = Vec::with_capacity(fields.len());
        for (field, path) in fields {
            let Some((name, spec)) = specs.get_key_value(*field) else {
                return Err(Bad::Mismatch(format!("the model has no field `{field}`")));
            };
            let Some((_, v)) = lookup(node, path) else {
                continue;
            };
            if v.is_null() {
                continue;
            }
            out.push((name.as_str(), self.value(v, &spec.ty)?));
        }
        for (name, spec) in specs {
            if spec.required && !out.iter().any(|(k, _)| *k == name) {
                return Err(Bad::Mismatch(format!("`{name}` is required")));
            }
        }
        Ok(Record::from_fields(out))
    }

    /// Converts a resolved value to the model type.
    fn value(&self, node: &Node, ty: &'static AttrType) -> Result<Value, Bad> {
        let scalar = |node: &Node| -> Option<String> {
            match &node.value {
                Tree::String(s) | Tree::Number(s) => Some(s.clone()),
                Tree::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        match (&node.value, ty) {
            (Tree::Unknown(reason), _) => Err(Bad::Unknown(reason.clone())),
            (Tree::Tagged(tag, _), _) => Err(Bad::Unknown(format!("`!{tag}` cannot be resolved"))),
            (Tree::Reference { target, attribute }, AttrType::Entity(want)) => {
                match self.ids.get(target.as_str()) {
                    Some((id, model)) if model == want => Ok(Value::string(id.as_str())),
                    Some((_, model)) => Err(Bad::Mismatch(format!(
                        "refers to `{target}`, a `{model}`, where a `{want}` is expected"
                    ))),
                    None => Err(Bad::Unknown(format!(
                        "refers to `{target}{}`, which is not a resource ailint models",
                        attribute
                            .as_deref()
                            .map(|a| format!(".{a}"))
                            .unwrap_or_default()
                    ))),
                }
            }
            // A reference where a set of entities is expected (`role` of
            // aws_iam_role_policy): a set of one.
            (Tree::Reference { .. }, AttrType::Set(elem))
                if matches!(**elem, AttrType::Entity(_)) =>
            {
                Ok(Value::Set(vec![self.value(node, elem)?].into()))
            }
            (Tree::Reference { .. }, _) => Err(Bad::Unknown(
                node.first_unknown()
                    .unwrap_or_else(|| "known only after deployment".into()),
            )),
            (_, AttrType::Entity(_)) | (_, AttrType::String) => match scalar(node) {
                Some(s) if !s.is_empty() || matches!(ty, AttrType::String) => Ok(Value::string(s)),
                _ => Err(Bad::Mismatch(format!(
                    "expected a string, found {}",
                    kind(node)
                ))),
            },
            (Tree::Bool(b), AttrType::Bool) => Ok(Value::Bool(*b)),
            (Tree::String(s), AttrType::Bool) if s.eq_ignore_ascii_case("true") => {
                Ok(Value::Bool(true))
            }
            (Tree::String(s), AttrType::Bool) if s.eq_ignore_ascii_case("false") => {
                Ok(Value::Bool(false))
            }
            (Tree::Number(s) | Tree::String(s), AttrType::Long) => s
                .parse::<i64>()
                .map(Value::Long)
                .map_err(|_| Bad::Mismatch(format!("expected an integer, found `{s}`"))),
            (Tree::Number(s) | Tree::String(s), AttrType::Decimal) => {
                let json = serde_json::from_str::<serde_json::Value>(s)
                    .ok()
                    .filter(serde_json::Value::is_number)
                    .unwrap_or_else(|| serde_json::Value::String(s.clone()));
                crate::model::value::parse_decimal(&json)
                    .map(Value::Decimal)
                    .ok_or_else(|| Bad::Mismatch(format!("expected a decimal, found `{s}`")))
            }
            (Tree::List(items), AttrType::Set(elem)) => items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| self.value(i, elem))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| Value::Set(v.into())),
            // A single value where a list is expected: a list of one.
            (Tree::String(_) | Tree::Number(_), AttrType::Set(elem)) => {
                Ok(Value::Set(vec![self.value(node, elem)?].into()))
            }
            (_, ty) => Err(Bad::Mismatch(format!(
                "expected {}, found {}",
                ty.describe(),
                kind(node)
            ))),
        }
    }
}

fn kind(node: &Node) -> &'static str {
    match node.value {
        Tree::Null => "null",
        Tree::Bool(_) => "a boolean",
        Tree::Number(_) => "a number",
        Tree::String(_) => "a string",
        Tree::List(_) => "a list",
        Tree::Map(_) => "a map",
        Tree::Tagged(..) => "a tagged value",
        Tree::Reference { .. } => "a reference",
        Tree::Unknown(_) => "an unknown value",
    }
}

/// `docs/iac.md`'s tables: for each kind, each source type and what each model attribute
/// is read from. Rendered from the tables, so the page cannot drift from the code.
pub fn render_mappings(kinds: &[(&str, &Mappings)]) -> String {
    use std::fmt::Write;
    let path = |p: Path| p.join(".");
    let get = |g: &Get| match g {
        Get::At(p) => format!("`{}`", path(p)),
        Get::Translated(p, table) => format!(
            "`{}` ({})",
            path(p),
            table
                .iter()
                .map(|(from, to)| format!("`{from}` → `{to}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Get::Record(p, fields) | Get::Records(p, fields) => format!(
            "`{}`{}: {}",
            path(p),
            if matches!(g, Get::Records(..)) {
                "[]"
            } else {
                ""
            },
            fields
                .iter()
                .map(|(f, sub)| format!("`{f}` ← `{}`", path(sub)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Get::Each(p, inner) => format!("`{}[].{}`", path(p), path(inner)),
        Get::Fixed(v) => format!("always `{v}`"),
        Get::BlockDefault(p, v) => format!(
            "`{}` (`{v}` when `{}` omits it)",
            path(p),
            path(&p[..p.len() - 1])
        ),
    };
    let mut out = String::new();
    for (kind, m) in kinds {
        let _ = writeln!(out, "## {kind}\n");
        let _ = writeln!(out, "| source type | model type | attribute | read from |");
        let _ = writeln!(out, "|---|---|---|---|");
        for t in m.types {
            let mut rows: Vec<(String, String)> = t
                .attributes
                .iter()
                .map(|(a, g)| (format!("`{a}`"), get(g)))
                .chain(
                    t.documents
                        .iter()
                        .map(|(d, g)| (format!("`documents.{d}`"), get(g))),
                )
                .collect();
            if let Some(n) = t.name {
                rows.insert(0, ("name".into(), format!("`{}`", path(n))));
            }
            if rows.is_empty() {
                rows.push(("(tags only)".into(), String::new()));
            }
            for (i, (a, g)) in rows.iter().enumerate() {
                let (s, m) = if i == 0 {
                    (format!("`{}`", t.source), format!("`{}`", t.model))
                } else {
                    (String::new(), String::new())
                };
                let _ = writeln!(out, "| {s} | {m} | {a} | {g} |");
            }
        }
        for a in m.attachments {
            let rows: Vec<(String, String)> = a
                .attributes
                .iter()
                .map(|(n, g)| (format!("`{n}`"), get(g)))
                .chain(
                    a.documents
                        .iter()
                        .map(|(d, g)| (format!("`documents.{d}`"), get(g))),
                )
                .collect();
            for (i, (n, g)) in rows.iter().enumerate() {
                let (s, m) = if i == 0 {
                    (
                        format!("`{}`", a.source),
                        format!("the `{}` named by `{}`", a.model, path(a.target)),
                    )
                } else {
                    (String::new(), String::new())
                };
                let _ = writeln!(out, "| {s} | {m} | {n} | {g} |");
            }
        }
        let _ = writeln!(out);
    }
    out
}
