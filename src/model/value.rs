//! Attribute values of the model, typed by the schema and compact.
//!
//! An audit holds every resource at once, so the model does not keep `serde_json` values
//! (an ordered map per object, a `String` per key): attribute and field names are the
//! schema's own `&'static str`, strings are boxed once, sets and records are boxed slices.
//! JSON is what sources read and reporters write; [`Value::from_json`] and
//! [`Value::to_json`] cross that border, the first one checking against the schema.

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::schema::{AttrSpec, AttrType};

/// Cedar decimals carry four fractional digits.
const DECIMAL_SCALE: i64 = 10_000;

/// One attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Long(i64),
    /// A Cedar `decimal`, times 10^4.
    Decimal(i64),
    /// Strings, and references to other resources (by their id in the model).
    String(Box<str>),
    Set(Box<[Value]>),
    Record(Record),
}

/// A record: fields in the order the input gave them (evidence shows them so), names from
/// the schema. Records are small; lookups are linear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record(Box<[(&'static str, Value)]>);

/// The attributes of a resource: a record that can grow (defaults, derived facts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attrs(Vec<(&'static str, Value)>);

/// Why a JSON value does not fit the schema, at a dotted path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub path: String,
    pub message: String,
}

impl Value {
    pub fn string(s: impl Into<Box<str>>) -> Value {
        Value::String(s.into())
    }

    /// A set of strings, in the iterator's order.
    pub fn strings<S: Into<Box<str>>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::Set(items.into_iter().map(|s| Value::String(s.into())).collect())
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Long(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&[Value]> {
        match self {
            Value::Set(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_record(&self) -> Option<&Record> {
        match self {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }

    /// A field of a record value.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.as_record().and_then(|r| r.get(field))
    }

    /// The Cedar literal of a decimal, e.g. `0.7000`.
    pub fn decimal_literal(scaled: i64) -> String {
        let sign = if scaled < 0 { "-" } else { "" };
        let abs = scaled.unsigned_abs();
        let scale = DECIMAL_SCALE as u64;
        format!("{sign}{}.{:04}", abs / scale, abs % scale)
    }

    /// The value as JSON, for reports and inventories.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Bool(b) => J::Bool(*b),
            Value::Long(n) => J::from(*n),
            Value::Decimal(d) => serde_json::Number::from_f64(*d as f64 / DECIMAL_SCALE as f64)
                .map_or_else(|| J::String(Value::decimal_literal(*d)), J::Number),
            Value::String(s) => J::String(s.to_string()),
            Value::Set(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Record(r) => J::Object(
                r.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Converts JSON to a value of type `ty`, checking it on the way. `derived_allowed`
    /// admits record fields the schema marks as derived (the model's own values).
    pub fn from_json(
        v: &serde_json::Value,
        ty: &'static AttrType,
        path: &str,
        derived_allowed: bool,
        errors: &mut Vec<ValueError>,
    ) -> Option<Value> {
        use serde_json::Value as J;
        let mismatch = |errors: &mut Vec<ValueError>| {
            errors.push(ValueError {
                path: path.to_string(),
                message: format!("`{path}` must be {}, found {}", article(ty), json_kind(v)),
            });
            None
        };
        match (ty, v) {
            (AttrType::Bool, J::Bool(b)) => Some(Value::Bool(*b)),
            (AttrType::String, J::String(s)) => Some(Value::string(s.as_str())),
            (AttrType::Entity(_), J::String(s)) if !s.is_empty() => Some(Value::string(s.as_str())),
            (AttrType::Long, J::Number(n)) if n.is_i64() => n.as_i64().map(Value::Long),
            (AttrType::Decimal, J::Number(_) | J::String(_)) => match parse_decimal(v) {
                Some(d) => Some(Value::Decimal(d)),
                None => {
                    errors.push(ValueError {
                        path: path.to_string(),
                        message: format!(
                            "`{path}` must be a decimal with at most four fractional digits, found `{v}`"
                        ),
                    });
                    None
                }
            },
            (AttrType::Set(elem), J::Array(items)) => {
                let before = errors.len();
                let out: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        Value::from_json(
                            item,
                            elem,
                            &format!("{path}[{i}]"),
                            derived_allowed,
                            errors,
                        )
                    })
                    .collect();
                (errors.len() == before).then(|| Value::Set(out.into()))
            }
            (AttrType::Record(fields), J::Object(obj)) => {
                let before = errors.len();
                let mut out = Vec::with_capacity(obj.len());
                for (k, fv) in obj {
                    let fpath = format!("{path}.{k}");
                    match fields.get_key_value(k.as_str()) {
                        Some((name, f)) if derived_allowed || f.derived.is_none() => {
                            if let Some(v) =
                                Value::from_json(fv, &f.ty, &fpath, derived_allowed, errors)
                            {
                                out.push((name.as_str(), v));
                            }
                        }
                        Some(_) => errors.push(ValueError {
                            message: format!("`{fpath}` is derived by ailint and cannot be set"),
                            path: fpath,
                        }),
                        None => errors.push(ValueError {
                            message: format!(
                                "unknown field `{k}` in `{path}`{}",
                                super::check::did_you_mean(k, fields.keys().map(String::as_str))
                            ),
                            path: fpath,
                        }),
                    }
                }
                for (k, f) in fields {
                    if f.required && !obj.contains_key(k) {
                        errors.push(ValueError {
                            path: path.to_string(),
                            message: format!("`{path}` is missing the required field `{k}`"),
                        });
                    }
                }
                (errors.len() == before).then(|| Value::Record(Record::from_fields(out)))
            }
            _ => mismatch(errors),
        }
    }

    /// Whether the value has type `ty` (the model's own values are checked by tests).
    pub fn conforms(&self, ty: &AttrType) -> bool {
        match (ty, self) {
            (AttrType::Bool, Value::Bool(_))
            | (AttrType::Long, Value::Long(_))
            | (AttrType::Decimal, Value::Decimal(_))
            | (AttrType::String, Value::String(_)) => true,
            (AttrType::Entity(_), Value::String(s)) => !s.is_empty(),
            (AttrType::Set(elem), Value::Set(items)) => items.iter().all(|i| i.conforms(elem)),
            (AttrType::Record(fields), Value::Record(r)) => {
                r.iter()
                    .all(|(k, v)| fields.get(k).is_some_and(|f| v.conforms(&f.ty)))
                    && fields
                        .iter()
                        .all(|(k, f)| !f.required || r.get(k).is_some())
            }
            _ => false,
        }
    }
}

/// A JSON number or string as a Cedar decimal (times 10^4), if it is one.
pub fn parse_decimal(v: &serde_json::Value) -> Option<i64> {
    use serde_json::Value as J;
    match v {
        J::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f.abs() >= 922_337_203_685_477.0 {
                return None;
            }
            Some((f * DECIMAL_SCALE as f64).round() as i64)
        }
        J::String(s) => parse_decimal_literal(s),
        _ => None,
    }
}

/// `0.75` → 7500; Cedar's literal form only (a point and one to four digits after it).
fn parse_decimal_literal(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.')?;
    let (negative, digits) = match int.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, int),
    };
    let int_ok =
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = (1..=4).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit());
    if !(int_ok && frac_ok) {
        return None;
    }
    let whole: i64 = digits.parse().ok()?;
    let mut part: i64 = frac.parse().ok()?;
    for _ in frac.len()..4 {
        part *= 10;
    }
    let abs = whole.checked_mul(DECIMAL_SCALE)?.checked_add(part)?;
    Some(if negative { -abs } else { abs })
}

fn article(ty: &AttrType) -> String {
    match ty {
        AttrType::Bool => "a boolean".into(),
        AttrType::Long => "an integer".into(),
        AttrType::String => "a string".into(),
        AttrType::Decimal => "a decimal".into(),
        AttrType::Entity(t) => format!("the id of a `{t}` (a string)"),
        AttrType::Set(_) => "an array".into(),
        AttrType::Record(_) => "an object".into(),
    }
}

fn json_kind(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Null => "`null`".into(),
        J::Bool(b) => format!("`{b}`"),
        J::Number(n) => format!("`{n}`"),
        J::String(s) if s.len() <= 40 => format!("\"{s}\""),
        J::String(_) => "a string".into(),
        J::Array(_) => "an array".into(),
        J::Object(_) => "an object".into(),
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Long(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<i64> for Value {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        &self.to_json() == other
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Long(n) => s.serialize_i64(*n),
            Value::Decimal(_) => self.to_json().serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Set(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items.iter() {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Record(r) => r.serialize(s),
        }
    }
}

impl Record {
    /// A record of the given fields, in their order.
    pub fn from_fields(fields: Vec<(&'static str, Value)>) -> Record {
        Record(fields.into_boxed_slice())
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == field).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, field: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| *k == field).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The record without the named fields.
    pub fn without(&self, names: &[&str]) -> Record {
        Record(
            self.0
                .iter()
                .filter(|(k, _)| !names.contains(k))
                .cloned()
                .collect(),
        )
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs(Vec::new())
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (*k).cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.position(name).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets an attribute, replacing any value it had.
    pub fn insert(&mut self, name: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.position(name) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.position(name).ok().map(|i| self.0.remove(i).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut Value)> {
        self.0.iter_mut().map(|(k, v)| (*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(k, _)| *k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// Converts a JSON object of attributes, checking names and types against `attrs`.
    /// Attributes the schema does not know, or that ailint derives (unless
    /// `derived_allowed`), are errors; `reserved` names are not attributes of this map.
    pub fn from_json(
        obj: &serde_json::Map<String, serde_json::Value>,
        attrs: &'static std::collections::BTreeMap<String, AttrSpec>,
        type_name: &str,
        reserved: &[&str],
        derived_allowed: bool,
        errors: &mut Vec<ValueError>,
    ) -> Attrs {
        let mut out = Vec::with_capacity(obj.len());
        for (name, value) in obj {
            // JSON null is how APIs say "absent": the attribute is left out, so the AWS
            // default applies.
            if value.is_null() {
                continue;
            }
            let Some((key, spec)) = attrs
                .get_key_value(name.as_str())
                .filter(|(k, _)| !reserved.contains(&k.as_str()))
            else {
                let known: Vec<&str> = attrs
                    .keys()
                    .map(String::as_str)
                    .filter(|k| !reserved.contains(k))
                    .collect();
                errors.push(ValueError {
                    path: name.clone(),
                    message: format!(
                        "unknown attribute `{name}` for `{type_name}`{}",
                        super::check::did_you_mean(name, known.iter().copied())
                    ),
                });
                continue;
            };
            if let Some(from) = spec.derived.as_ref().filter(|_| !derived_allowed) {
                errors.push(ValueError {
                    path: name.clone(),
                    message: format!(
                        "`{name}` is derived by ailint from the {from} and cannot be set in an inventory"
                    ),
                });
                continue;
            }
            if let Some(v) = Value::from_json(value, &spec.ty, name, derived_allowed, errors) {
                out.push((key.as_str(), v));
            }
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        Attrs(out)
    }

    /// The attributes as a JSON object.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect()
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no attribute `{name}`"),
        }
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_accept_cedar_literals_and_numbers() {
        assert_eq!(parse_decimal(&json!(0.7)), Some(7000));
        assert_eq!(parse_decimal(&json!("0.75")), Some(7500));
        assert_eq!(parse_decimal(&json!("-1.5")), Some(-15000));
        assert_eq!(parse_decimal(&json!("0.12345")), None);
        assert_eq!(parse_decimal(&json!("1")), None);
        assert_eq!(Value::decimal_literal(7000), "0.7000");
        assert_eq!(Value::decimal_literal(-15000), "-1.5000");
        assert_eq!(Value::Decimal(7500).to_json(), json!(0.75));
    }

    #[test]
    fn attrs_stay_sorted_and_replace_on_insert() {
        let mut a = Attrs::new();
        a.insert("b", true);
        a.insert("a", "x");
        a.insert("b", false);
        assert_eq!(a.keys().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(a["b"], false);
        assert_eq!(a.remove("a"), Some(Value::from("x")));
        assert!(!a.contains_key("a"));
    }
}
