//! The model as Cedar entities, built in code (much faster than through Cedar's JSON).
//! The engine builds them batch by batch ([`super::evaluate`]), never all at once.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};

use crate::model::schema::{AttrType, ModelSchema};
use crate::model::{Model, Resource, Value};

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

/// The name of the Cedar unknown standing for `path` of a resource; residual policies
/// carry it, so a "not assessed" verdict can say which facts it depends on.
pub fn unknown_name(type_name: &str, id: &str, path: &str) -> String {
    format!("{type_name}|{id}|{path}")
}

/// What of a resource its entity carries: only what the loaded rules can read. An entity
/// costs Cedar several KB, and attributes (guardrail filter lists, references) no rule
/// reads are most of it.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    /// Tags, when some rule reads tags.
    pub tags: bool,
    /// The attribute names rules read; `None` keeps every attribute.
    pub attributes: Option<HashSet<String>>,
}

impl Reads {
    /// What the rules of `rules` read.
    pub fn of(rules: &crate::engine::RuleSet) -> Reads {
        Reads {
            tags: rules.read_tags(),
            attributes: rules.read_attributes(),
        }
    }

    pub fn attribute(&self, name: &str) -> bool {
        self.attributes.as_ref().is_none_or(|a| a.contains(name))
    }
}

/// Builds the entity of one resource. Unknown facts become Cedar unknowns, so partial
/// evaluation can decide what does not depend on them. The model has already checked every
/// value against the schema, so a failure here is a bug; it is still reported, not a panic.
pub fn entity(
    r: &Resource,
    schema: &ModelSchema,
    names: &TypeNames,
    reads: &Reads,
) -> Result<Entity, String> {
    let spec = schema
        .entity_type(r.type_name)
        .ok_or_else(|| format!("unknown entity type `{}`", r.type_name))?;
    let uid = names.uid(r.type_name, &r.id)?;
    let unknowns: Vec<&str> = r
        .unknown
        .iter()
        .map(|u| u.path.as_str())
        .filter(|p| !p.starts_with("documents."))
        .collect();
    let builder = Builder {
        r,
        names,
        unknowns: &unknowns,
    };
    let mut attrs = Vec::with_capacity(spec.attrs.len());
    for (name, attr) in spec.attrs.iter().filter(|(n, _)| reads.attribute(n)) {
        let envelope = match name.as_str() {
            "name" => Some(r.name.as_deref().map(Value::from)),
            "region" => Some(r.region.as_deref().map(Value::from)),
            "account" if r.type_name != "AWS::Region" => {
                Some(r.account.as_deref().map(Value::from))
            }
            _ => None,
        };
        let value = match &envelope {
            Some(v) => v.as_ref(),
            None => r.attributes.get(name),
        };
        if let Some(expr) = builder.attribute(name, value, &attr.ty)? {
            attrs.push((name.clone(), expr));
        }
    }
    let tags: Vec<(String, RestrictedExpression)> = if reads.tags && spec.has_tags {
        r.tags
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    RestrictedExpression::new_string(v.to_string()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Entity::new_with_tags(uid, attrs, [], tags)
        .map_err(|e| format!("`{}` `{}`: {e}", r.type_name, r.id))
}

struct Builder<'a> {
    r: &'a Resource,
    names: &'a TypeNames,
    /// The resource's unknown attribute paths.
    unknowns: &'a [&'a str],
}

impl Builder<'_> {
    /// The expression of the attribute at `path`: the value, an unknown where the value or a
    /// field inside it is unknown, or nothing when it is absent and not unknown.
    fn attribute(
        &self,
        path: &str,
        value: Option<&Value>,
        ty: &AttrType,
    ) -> Result<Option<RestrictedExpression>, String> {
        let mut under = self.unknowns.iter().filter(|u| {
            u.len() > path.len() && u.starts_with(path) && u.as_bytes()[path.len()] == b'.'
        });
        if self.unknowns.contains(&path) {
            return Ok(Some(self.unknown(path)));
        }
        let Some(first_under) = under.next() else {
            return match value {
                Some(v) => self
                    .expression(v, ty)
                    .map(Some)
                    .ok_or_else(|| self.mismatch(path)),
                None => Ok(None),
            };
        };
        // A field inside is unknown: build the record field by field. An unknown field of an
        // absent record makes the record unknown as a whole.
        let (Some(Value::Record(record)), AttrType::Record(fields)) = (value, ty) else {
            return Ok(Some(self.unknown(first_under)));
        };
        let mut names: Vec<&str> = record.iter().map(|(k, _)| k).collect();
        for u in self
            .unknowns
            .iter()
            .filter(|u| u.starts_with(path) && u.len() > path.len())
        {
            let rest = &u[path.len() + 1..];
            let field = rest.split('.').next().unwrap_or(rest);
            if !names.contains(&field) {
                names.push(field);
            }
        }
        let mut out = Vec::with_capacity(names.len());
        for field in names {
            let Some(spec) = fields.get(field) else {
                continue;
            };
            let sub = format!("{path}.{field}");
            if let Some(expr) = self.attribute(&sub, record.get(field), &spec.ty)? {
                out.push((field.to_string(), expr));
            }
        }
        RestrictedExpression::new_record(out)
            .map(Some)
            .map_err(|e| format!("`{}` `{}`: {e}", self.r.type_name, self.r.id))
    }

    fn unknown(&self, path: &str) -> RestrictedExpression {
        RestrictedExpression::new_unknown(unknown_name(self.r.type_name, &self.r.id, path))
    }

    fn mismatch(&self, path: &str) -> String {
        format!(
            "`{}` `{}`: attribute `{path}` does not match the schema",
            self.r.type_name, self.r.id
        )
    }

    fn expression(&self, v: &Value, ty: &AttrType) -> Option<RestrictedExpression> {
        Some(match (ty, v) {
            (AttrType::Bool, Value::Bool(b)) => RestrictedExpression::new_bool(*b),
            (AttrType::Long, Value::Long(n)) => RestrictedExpression::new_long(*n),
            (AttrType::String, Value::String(s)) => RestrictedExpression::new_string(s.to_string()),
            (AttrType::Decimal, Value::Decimal(d)) => decimal(*d),
            (AttrType::Entity(t), Value::String(id)) => {
                RestrictedExpression::new_entity_uid(self.names.uid(t, id).ok()?)
            }
            (AttrType::Set(elem), Value::Set(items)) => RestrictedExpression::new_set(
                items
                    .iter()
                    .map(|i| self.expression(i, elem))
                    .collect::<Option<Vec<_>>>()?,
            ),
            (AttrType::Record(fields), Value::Record(record)) => {
                let mut out = Vec::with_capacity(record.len());
                for (k, fv) in record.iter() {
                    let f = fields.get(k)?;
                    out.push((k.to_string(), self.expression(fv, &f.ty)?));
                }
                RestrictedExpression::new_record(out).ok()?
            }
            _ => return None,
        })
    }
}

/// A decimal expression. Cedar parses the extension's name on every construction, which
/// shows in profiles; thresholds repeat, so each thread keeps the ones it made.
fn decimal(scaled: i64) -> RestrictedExpression {
    thread_local! {
        static DECIMALS: std::cell::RefCell<HashMap<i64, RestrictedExpression>> =
            std::cell::RefCell::new(HashMap::new());
    }
    DECIMALS.with(|cache| {
        cache
            .borrow_mut()
            .entry(scaled)
            .or_insert_with(|| RestrictedExpression::new_decimal(Value::decimal_literal(scaled)))
            .clone()
    })
}

/// The resources a resource refers to through attributes the rules read (its references'
/// ids resolved to positions in the model), following records and sets.
pub fn references(
    model: &Model,
    schema: &ModelSchema,
    reads: &Reads,
    r: &Resource,
    out: &mut Vec<usize>,
) {
    fn walk(model: &Model, v: &Value, ty: &AttrType, out: &mut Vec<usize>) {
        match (ty, v) {
            (AttrType::Entity(t), Value::String(id)) => {
                if let Some(i) = model.position(t, id) {
                    out.push(i);
                }
            }
            (AttrType::Set(elem), Value::Set(items)) => {
                if matches!(**elem, AttrType::Entity(_) | AttrType::Record(_)) {
                    items.iter().for_each(|i| walk(model, i, elem, out));
                }
            }
            (AttrType::Record(fields), Value::Record(record)) => {
                for (k, fv) in record.iter() {
                    if let Some(f) = fields.get(k) {
                        walk(model, fv, &f.ty, out);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(spec) = schema.entity_type(r.type_name) else {
        return;
    };
    if let (Some(account), Some(attr)) = (&r.account, spec.attrs.get("account")) {
        if r.type_name != "AWS::Region" && reads.attribute("account") {
            walk(model, &Value::from(&**account), &attr.ty, out);
        }
    }
    for (name, value) in r.attributes.iter().filter(|(n, _)| reads.attribute(n)) {
        if let Some(attr) = spec.attrs.get(name) {
            walk(model, value, &attr.ty, out);
        }
    }
}
