//! The resource model, read from `rules/ailint.cedarschema`.
//!
//! The Cedar schema is the single source of truth: this module walks its JSON form to learn
//! every entity type, attribute type, AWS default (`@default`) and derived attribute
//! (`@derived`), so the inventory loader, the entity builder and the docs cannot drift from
//! what the rules are validated against.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The schema source embedded in the binary.
pub const SCHEMA_SOURCE: &str = include_str!("../../rules/ailint.cedarschema");

/// The namespace of ailint's own principal, action and context types.
pub const AILINT_NAMESPACE: &str = "Ailint";

/// A type as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrType {
    Bool,
    Long,
    String,
    /// Cedar's `decimal` extension: up to four fractional digits.
    Decimal,
    /// A reference to an entity of the named (fully qualified) type.
    Entity(String),
    Set(Box<AttrType>),
    Record(BTreeMap<String, AttrSpec>),
}

impl AttrType {
    /// A short human name, used in error messages and docs.
    pub fn describe(&self) -> String {
        match self {
            AttrType::Bool => "Bool".into(),
            AttrType::Long => "Long".into(),
            AttrType::String => "String".into(),
            AttrType::Decimal => "decimal".into(),
            AttrType::Entity(t) => format!("reference to {t}"),
            AttrType::Set(e) => format!("Set<{}>", e.describe()),
            AttrType::Record(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(k, s)| {
                        format!(
                            "{k}{}: {}",
                            if s.required { "" } else { "?" },
                            s.ty.describe()
                        )
                    })
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }
}

/// One attribute of an entity type or record.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrSpec {
    pub ty: AttrType,
    pub required: bool,
    pub doc: Option<String>,
    /// The value AWS applies when the attribute is absent, as written in `@default`.
    pub default: Option<String>,
    /// Set when ailint computes the attribute; names the facts it is derived from.
    pub derived: Option<String>,
}

/// One entity type of the model.
#[derive(Debug, Clone)]
pub struct EntityTypeSpec {
    /// Fully qualified, e.g. `AWS::SageMaker::NotebookInstance`.
    pub name: String,
    pub doc: Option<String>,
    pub source: Option<String>,
    pub attrs: BTreeMap<String, AttrSpec>,
    pub has_tags: bool,
}

/// The parsed model: Cedar's schema plus what ailint reads from it.
pub struct ModelSchema {
    pub cedar: cedar_policy::Schema,
    pub entity_types: BTreeMap<String, EntityTypeSpec>,
    /// The request context type (`Ailint::Context`).
    pub context: BTreeMap<String, AttrSpec>,
    /// The resource types the `audit` action applies to.
    pub resource_types: Vec<String>,
}

/// Errors in the schema itself are bugs in ailint, caught by its tests.
#[derive(Debug, thiserror::Error)]
#[error("invalid model schema: {0}")]
pub struct SchemaError(String);

impl ModelSchema {
    /// The built-in schema, parsed once.
    pub fn builtin() -> &'static ModelSchema {
        static SCHEMA: OnceLock<ModelSchema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            #[allow(clippy::expect_used)]
            ModelSchema::parse(SCHEMA_SOURCE).expect("the embedded schema is valid (tested)")
        })
    }

    pub fn parse(src: &str) -> Result<ModelSchema, SchemaError> {
        let (cedar, _warnings) = cedar_policy::Schema::from_cedarschema_str(src)
            .map_err(|e| SchemaError(e.to_string()))?;
        let (fragment, _warnings) = cedar_policy::SchemaFragment::from_cedarschema_str(src)
            .map_err(|e| SchemaError(e.to_string()))?;
        let json = fragment
            .to_json_value()
            .map_err(|e| SchemaError(e.to_string()))?;
        let walker = Walker::new(&json)?;

        let mut entity_types = BTreeMap::new();
        for (ns, ns_json) in walker.namespaces() {
            let Some(types) = ns_json.get("entityTypes").and_then(Value::as_object) else {
                continue;
            };
            for (name, def) in types {
                let full = qualify(ns, name);
                let attrs = match def.get("shape") {
                    Some(shape) => walker.record_fields(ns, shape)?,
                    None => BTreeMap::new(),
                };
                entity_types.insert(
                    full.clone(),
                    EntityTypeSpec {
                        name: full,
                        doc: annotation(def, "doc"),
                        source: annotation(def, "source"),
                        attrs,
                        has_tags: def.get("tags").is_some(),
                    },
                );
            }
        }

        let ailint = json
            .get(AILINT_NAMESPACE)
            .ok_or_else(|| SchemaError(format!("no `{AILINT_NAMESPACE}` namespace")))?;
        let context_json = ailint
            .pointer("/commonTypes/Context")
            .ok_or_else(|| SchemaError("no `Ailint::Context` type".into()))?;
        let context = walker.record_fields(AILINT_NAMESPACE, context_json)?;
        let resource_types = ailint
            .pointer("/actions/audit/appliesTo/resourceTypes")
            .and_then(Value::as_array)
            .ok_or_else(|| SchemaError("no `audit` action with resource types".into()))?
            .iter()
            .filter_map(Value::as_str)
            .map(|t| walker.resolve_entity(AILINT_NAMESPACE, t))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(ModelSchema {
            cedar,
            entity_types,
            context,
            resource_types,
        })
    }

    /// Entity types some attribute refers to (keys, VPCs, guardrails, accounts, ...).
    pub fn referenced_types(&self) -> std::collections::HashSet<&str> {
        fn walk<'s>(ty: &'s AttrType, out: &mut std::collections::HashSet<&'s str>) {
            match ty {
                AttrType::Entity(t) => {
                    out.insert(t.as_str());
                }
                AttrType::Set(e) => walk(e, out),
                AttrType::Record(fields) => fields.values().for_each(|f| walk(&f.ty, out)),
                _ => {}
            }
        }
        let mut out = std::collections::HashSet::new();
        for t in self.entity_types.values() {
            t.attrs.values().for_each(|a| walk(&a.ty, &mut out));
        }
        out
    }

    pub fn entity_type(&self, name: &str) -> Option<&EntityTypeSpec> {
        self.entity_types.get(name)
    }

    /// The resource types an inventory may hold: every request resource type except the
    /// account and region entities, which ailint builds itself.
    pub fn inventory_types(&self) -> impl Iterator<Item = &str> {
        self.resource_types
            .iter()
            .map(String::as_str)
            .filter(|t| !is_synthesized(t))
    }
}

/// Entity types ailint builds from the other resources rather than reading them.
pub fn is_synthesized(type_name: &str) -> bool {
    matches!(
        type_name,
        "AWS::Account" | "AWS::Region" | "AWS::IAM::PolicyStatement"
    )
}

fn qualify(ns: &str, name: &str) -> String {
    if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}::{name}")
    }
}

fn annotation(v: &Value, key: &str) -> Option<String> {
    v.get("annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Resolves names in the JSON schema form (relative names, common types).
struct Walker<'a> {
    json: &'a Value,
}

impl<'a> Walker<'a> {
    fn new(json: &'a Value) -> Result<Self, SchemaError> {
        if !json.is_object() {
            return Err(SchemaError("schema JSON is not an object".into()));
        }
        Ok(Walker { json })
    }

    fn namespaces(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        self.json
            .as_object()
            .into_iter()
            .flat_map(|o| o.iter().map(|(k, v)| (k.as_str(), v)))
    }

    fn common_type(&self, ns: &str, name: &str) -> Option<(&'a str, &'a Value)> {
        let (target_ns, short) = split_name(ns, name);
        let (ns_key, ns_json) = self.json.as_object()?.get_key_value(target_ns)?;
        ns_json
            .get("commonTypes")?
            .get(short)
            .map(|v| (ns_key.as_str(), v))
    }

    fn is_entity(&self, ns: &str, name: &str) -> Option<String> {
        let (target_ns, short) = split_name(ns, name);
        self.json
            .get(target_ns)?
            .get("entityTypes")?
            .get(short)
            .map(|_| qualify(target_ns, short))
    }

    fn resolve_entity(&self, ns: &str, name: &str) -> Result<String, SchemaError> {
        self.is_entity(ns, name)
            .or_else(|| self.is_entity("", name))
            .ok_or_else(|| SchemaError(format!("unknown entity type `{name}` in `{ns}`")))
    }

    fn record_fields(
        &self,
        ns: &str,
        record: &Value,
    ) -> Result<BTreeMap<String, AttrSpec>, SchemaError> {
        let record = self.expand(ns, record)?;
        let (ns, record) = record;
        let mut out = BTreeMap::new();
        if let Some(attrs) = record.get("attributes").and_then(Value::as_object) {
            for (name, spec) in attrs {
                out.insert(name.clone(), self.attr(ns, spec)?);
            }
        }
        Ok(out)
    }

    /// Follows a reference to a common type until a concrete type remains.
    fn expand(&self, ns: &'a str, v: &'a Value) -> Result<(&'a str, &'a Value), SchemaError> {
        let ty = v.get("type").and_then(Value::as_str).unwrap_or("");
        let name = match ty {
            "EntityOrCommon" => v.get("name").and_then(Value::as_str).unwrap_or(""),
            "Set" | "Record" | "Entity" | "Extension" | "String" | "Long" | "Boolean" | "Bool" => {
                return Ok((ns, v))
            }
            other => other,
        };
        match self.common_type(ns, name) {
            Some((common_ns, def)) => self.expand(common_ns, def),
            None => Ok((ns, v)),
        }
    }

    fn attr(&self, ns: &str, spec: &Value) -> Result<AttrSpec, SchemaError> {
        Ok(AttrSpec {
            ty: self.ty(ns, spec)?,
            required: spec
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            doc: annotation(spec, "doc"),
            default: annotation(spec, "default"),
            derived: annotation(spec, "derived"),
        })
    }

    fn ty(&self, ns: &str, v: &Value) -> Result<AttrType, SchemaError> {
        let (ns, v) = self.expand(ns, v)?;
        let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
        let name = v.get("name").and_then(Value::as_str).unwrap_or("");
        Ok(match kind {
            "Set" => AttrType::Set(Box::new(
                self.ty(
                    ns,
                    v.get("element")
                        .ok_or_else(|| SchemaError("set without element".into()))?,
                )?,
            )),
            "Record" => AttrType::Record(self.record_fields(ns, v)?),
            "String" => AttrType::String,
            "Long" => AttrType::Long,
            "Boolean" | "Bool" => AttrType::Bool,
            "Entity" => AttrType::Entity(self.resolve_entity(ns, name)?),
            "Extension" | "EntityOrCommon" => match name {
                "String" | "__cedar::String" => AttrType::String,
                "Long" | "__cedar::Long" => AttrType::Long,
                "Bool" | "Boolean" | "__cedar::Bool" => AttrType::Bool,
                "decimal" | "__cedar::decimal" => AttrType::Decimal,
                other if kind == "EntityOrCommon" => {
                    AttrType::Entity(self.resolve_entity(ns, other)?)
                }
                other => return Err(SchemaError(format!("unsupported extension type `{other}`"))),
            },
            other => return Err(SchemaError(format!("unsupported schema type `{other}`"))),
        })
    }
}

/// Splits `A::B::C` relative to `ns` into (namespace, short name).
fn split_name<'n>(ns: &'n str, name: &'n str) -> (&'n str, &'n str) {
    match name.rfind("::") {
        Some(i) => (&name[..i], &name[i + 2..]),
        None => (ns, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_parses_with_every_issue_type() {
        let s = ModelSchema::builtin();
        for t in [
            "AWS::SageMaker::NotebookInstance",
            "AWS::SageMaker::Domain",
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::Model",
            "AWS::Bedrock::Guardrail",
            "AWS::Bedrock::Agent",
            "AWS::Bedrock::KnowledgeBase",
            "AWS::OpenSearchService::Domain",
            "AWS::EC2::VPCEndpoint",
            "AWS::CloudTrail::Trail",
            "AWS::KMS::Key",
            "AWS::S3::Bucket",
            "AWS::LakeFormation::DataLakeSettings",
            "AWS::LakeFormation::Permissions",
            "AWS::IAM::PolicyStatement",
            "AWS::Account",
            "AWS::Region",
        ] {
            assert!(s.entity_type(t).is_some(), "missing {t}");
            assert!(s.resource_types.iter().any(|r| r == t), "{t} not auditable");
        }
    }

    #[test]
    fn references_and_common_types_resolve() {
        let s = ModelSchema::builtin();
        let nb = s.entity_type("AWS::SageMaker::NotebookInstance").unwrap();
        assert_eq!(
            nb.attrs["kmsKey"].ty,
            AttrType::Entity("AWS::KMS::Key".into())
        );
        assert_eq!(
            nb.attrs["directInternetAccess"].default.as_deref(),
            Some("Enabled")
        );
        let ec = s.entity_type("AWS::SageMaker::EndpointConfig").unwrap();
        let AttrType::Record(fields) = &ec.attrs["dataCapture"].ty else {
            panic!("dataCapture is a record")
        };
        assert_eq!(
            fields["kmsKey"].ty,
            AttrType::Entity("AWS::KMS::Key".into())
        );
        let region = s.entity_type("AWS::Region").unwrap();
        assert_eq!(
            region.attrs["account"].ty,
            AttrType::Entity("AWS::Account".into())
        );
        assert!(matches!(s.context["guardrail"].ty, AttrType::Record(_)));
    }

    #[test]
    fn every_defaulted_attribute_is_optional_and_not_derived() {
        // A default is what AWS does when the attribute is absent; it only makes sense on an
        // optional attribute that an input sets.
        for t in ModelSchema::builtin().entity_types.values() {
            for (name, a) in &t.attrs {
                if a.default.is_some() {
                    assert!(
                        !a.required,
                        "{}.{name} has a default but is required",
                        t.name
                    );
                    assert!(
                        a.derived.is_none(),
                        "{}.{name} is derived and defaulted",
                        t.name
                    );
                }
            }
        }
    }
}
