//! The model as Cedar entities, built in code (much faster than through Cedar's JSON).

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{Entities, Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};
use serde_json::Value;

use crate::model::check::decimal_literal;
use crate::model::schema::{AttrType, ModelSchema};
use crate::model::{Model, Resource};

/// Entity type names, parsed once; read-only so entities can be built in parallel.
#[derive(Default)]
pub struct TypeNames(HashMap<String, EntityTypeName>);

impl TypeNames {
    /// Every type of the schema, parsed.
    pub fn new(schema: &ModelSchema) -> TypeNames {
        TypeNames(
            schema
                .entity_types
                .keys()
                .chain(["Ailint::Action".to_string()].iter())
                .filter_map(|n| EntityTypeName::from_str(n).ok().map(|t| (n.clone(), t)))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Result<EntityTypeName, String> {
        match self.0.get(name) {
            Some(t) => Ok(t.clone()),
            None => {
                EntityTypeName::from_str(name).map_err(|e| format!("bad entity type `{name}`: {e}"))
            }
        }
    }

    pub fn uid(&self, type_name: &str, id: &str) -> Result<EntityUid, String> {
        Ok(EntityUid::from_type_name_and_id(
            self.get(type_name)?,
            EntityId::new(id),
        ))
    }
}

/// Marks an unknown value inside the attribute JSON handed to [`expression`].
const UNKNOWN_MARK: &str = "__ailint_unknown";

/// The name of the Cedar unknown standing for `path` of a resource; residual policies
/// carry it, so a "not assessed" verdict can say which facts it depends on.
pub fn unknown_name(type_name: &str, id: &str, path: &str) -> String {
    format!("{type_name}|{id}|{path}")
}

/// The attributes with every unknown attribute path set to an unknown marker, so partial
/// evaluation can decide what does not depend on them.
fn with_unknowns(r: &Resource) -> Option<serde_json::Map<String, Value>> {
    let paths: Vec<&str> = r
        .unknown
        .iter()
        .map(|u| u.path.as_str())
        .filter(|p| !p.starts_with("documents."))
        .collect();
    if paths.is_empty() {
        return None;
    }
    let mut attrs = r.attributes.clone();
    for path in paths {
        let marker = serde_json::json!({ UNKNOWN_MARK: unknown_name(&r.type_name, &r.id, path) });
        // An unknown field of an absent record makes the record unknown as a whole.
        let mut parts = path.split('.').peekable();
        let mut obj = &mut attrs;
        while let Some(part) = parts.next() {
            let descend = parts.peek().is_some() && matches!(obj.get(part), Some(Value::Object(_)));
            if !descend {
                obj.insert(part.to_string(), marker);
                break;
            }
            match obj.get_mut(part) {
                Some(Value::Object(inner)) => obj = inner,
                _ => break,
            }
        }
    }
    Some(attrs)
}

/// Builds the entity of one resource. The model has already checked every value against
/// the schema, so a failure here is a bug; it is still reported, not a panic.
pub fn entity(
    r: &Resource,
    schema: &ModelSchema,
    names: &TypeNames,
    with_tags: bool,
) -> Result<Entity, String> {
    let spec = schema
        .entity_type(&r.type_name)
        .ok_or_else(|| format!("unknown entity type `{}`", r.type_name))?;
    let uid = names.uid(&r.type_name, &r.id)?;
    let marked = with_unknowns(r);
    let attributes = marked.as_ref().unwrap_or(&r.attributes);
    let mut attrs = HashMap::with_capacity(spec.attrs.len());
    for (name, attr) in &spec.attrs {
        let envelope = match name.as_str() {
            "name" => r.name.clone().map(Value::String),
            "region" => r.region.clone().map(Value::String),
            "account" if r.type_name != "AWS::Region" => r.account.clone().map(Value::String),
            _ => None,
        };
        let Some(value) = envelope.as_ref().or_else(|| attributes.get(name)) else {
            continue;
        };
        let expr = expression(value, &attr.ty, names).ok_or_else(|| {
            format!(
                "`{}` `{}`: attribute `{name}` does not match the schema",
                r.type_name, r.id
            )
        })?;
        attrs.insert(name.clone(), expr);
    }
    let tags: Vec<(String, RestrictedExpression)> = if with_tags && spec.has_tags {
        r.tags
            .iter()
            .map(|(k, v)| (k.clone(), RestrictedExpression::new_string(v.clone())))
            .collect()
    } else {
        Vec::new()
    };
    Entity::new_with_tags(uid, attrs, HashSet::new(), tags)
        .map_err(|e| format!("`{}` `{}`: {e}", r.type_name, r.id))
}

fn expression(v: &Value, ty: &AttrType, names: &TypeNames) -> Option<RestrictedExpression> {
    if let Some(name) = v.get(UNKNOWN_MARK).and_then(Value::as_str) {
        return Some(RestrictedExpression::new_unknown(name));
    }
    Some(match (ty, v) {
        (AttrType::Bool, Value::Bool(b)) => RestrictedExpression::new_bool(*b),
        (AttrType::Long, Value::Number(n)) => RestrictedExpression::new_long(n.as_i64()?),
        (AttrType::String, Value::String(s)) => RestrictedExpression::new_string(s.clone()),
        (AttrType::Decimal, v) => RestrictedExpression::new_decimal(decimal_literal(v)?),
        (AttrType::Entity(t), Value::String(id)) => {
            RestrictedExpression::new_entity_uid(names.uid(t, id).ok()?)
        }
        (AttrType::Set(elem), Value::Array(items)) => RestrictedExpression::new_set(
            items
                .iter()
                .map(|i| expression(i, elem, names))
                .collect::<Option<Vec<_>>>()?,
        ),
        (AttrType::Record(fields), Value::Object(obj)) => {
            let mut out = Vec::with_capacity(obj.len());
            for (k, fv) in obj {
                let f = fields.get(k)?;
                out.push((k.clone(), expression(fv, &f.ty, names)?));
            }

            RestrictedExpression::new_record(out).ok()?
        }
        _ => return None,
    })
}

/// Every resource of the model as an entity, built in parallel; resources that cannot be
/// built are returned as errors and left out. Tags are copied only when `with_tags` (a
/// loaded rule reads tags): they are a large share of the store otherwise.
pub fn build(model: &Model, schema: &ModelSchema, with_tags: bool) -> (Entities, Vec<String>) {
    use rayon::prelude::*;
    let names = TypeNames::new(schema);
    let built: Vec<Result<Entity, String>> = model
        .resources
        .par_iter()
        .with_min_len(512)
        .map(|r| entity(r, schema, &names, with_tags))
        .collect();
    let mut errors = Vec::new();
    let mut entities = Vec::with_capacity(built.len());
    for b in built {
        match b {
            Ok(e) => entities.push(e),
            Err(e) => errors.push(e),
        }
    }
    match Entities::from_entities(entities, None) {
        Ok(e) => (e, errors),
        Err(e) => {
            errors.push(e.to_string());
            (Entities::empty(), errors)
        }
    }
}
