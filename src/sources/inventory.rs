//! The `ailint-inventory/v1` format: the model serialized as JSON (docs/inventory.md).
//!
//! Each resource is first kept as a raw slice of the file, so every fact keeps its line and
//! every error points into the file, and one bad resource does not hide the others.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{InputError, SourceText};
use crate::model::check::{input_attributes, input_type};
use crate::model::intern::Interner;
use crate::model::{
    check_resource, AccountInfo, Collected, Location, ModelSchema, NotCollected, Resource, Tags,
    Unknown,
};

/// The format this version reads and writes.
pub const FORMAT: &str = "ailint-inventory/v1";

const TOP_LEVEL: [&str; 6] = [
    "format",
    "generator",
    "collectedAt",
    "accounts",
    "resources",
    "notCollected",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceJson {
    #[serde(rename = "type")]
    type_name: String,
    id: String,
    name: Option<String>,
    account: Option<String>,
    region: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    attributes: Map<String, Value>,
    #[serde(default)]
    documents: BTreeMap<String, Box<RawValue>>,
    #[serde(default)]
    unknown: Vec<UnknownJson>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum UnknownJson {
    Path(String),
    Full { path: String, reason: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotCollectedJson {
    account: Option<String>,
    region: Option<String>,
    types: Vec<String>,
    operation: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountJson {
    id: String,
    name: Option<String>,
}

/// Reads one inventory file.
/// The top level of a well-formed inventory, read in one pass over the text. Anything
/// unusual (an unknown field, a list that is not an array, another format) is left to
/// [`top_level_checked`], which says precisely what is wrong.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TopLevel<'a> {
    format: String,
    // Informational: any JSON is accepted.
    #[serde(default, rename = "generator")]
    _generator: IgnoredAny,
    #[serde(default, rename = "collectedAt")]
    _collected_at: IgnoredAny,
    #[serde(borrow, default)]
    accounts: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    resources: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    not_collected: Vec<&'a RawValue>,
}

/// The lists of an inventory, as slices of its text.
#[derive(Default)]
struct Lists<'a> {
    accounts: Vec<&'a RawValue>,
    resources: Vec<&'a RawValue>,
    not_collected: Vec<&'a RawValue>,
}

/// Reads one inventory file.
pub fn read(src: &SourceText, schema: &'static ModelSchema) -> (Collected, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut collected = Collected::default();
    let text: &str = &src.text;
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;

    let lists = match serde_json::from_str::<TopLevel>(text) {
        Ok(top) if top.format == FORMAT => Lists {
            accounts: top.accounts,
            resources: top.resources,
            not_collected: top.not_collected,
        },
        _ => match top_level_checked(src, &mut errors) {
            Some(lists) => lists,
            None => return (collected, errors),
        },
    };

    for raw in lists.accounts {
        let offset = offset_of(raw);
        match serde_json::from_str::<AccountJson>(raw.get()) {
            Ok(a) => {
                if let Err(msg) = check_account_id(&a.id) {
                    errors.push(InputError::at(src, offset, msg));
                    continue;
                }
                collected.accounts.push(AccountInfo {
                    id: a.id,
                    name: a.name,
                    location: location(src, offset),
                })
            }
            Err(e) => errors.push(json_error(src, offset, raw.get(), &e)),
        }
    }

    for raw in lists.not_collected {
        let offset = offset_of(raw);
        match serde_json::from_str::<NotCollectedJson>(raw.get()) {
            Ok(n) => {
                if let Some(bad) = n.types.iter().find(|t| schema.entity_type(t).is_none()) {
                    errors.push(InputError::at(
                        src,
                        offset,
                        format!("unknown resource type `{bad}` in `notCollected`"),
                    ));
                    continue;
                }
                collected.not_collected.push(NotCollected {
                    account: n.account,
                    region: n.region,
                    types: n.types,
                    operation: n.operation,
                    reason: n.reason,
                    location: location(src, offset),
                });
            }
            Err(e) => errors.push(json_error(src, offset, raw.get(), &e)),
        }
    }

    // Resources are independent: parse and check them in parallel, keeping file order.
    let parsed: Vec<Result<Resource, Vec<InputError>>> = lists
        .resources
        .par_iter()
        .with_min_len(256)
        .map_init(Interner::default, |strings, raw| {
            resource(src, offset_of(raw), raw.get(), schema, strings)
        })
        .collect();
    collected.resources.reserve(parsed.len());
    for p in parsed {
        match p {
            Ok(r) => collected.resources.push(r),
            Err(errs) => errors.extend(errs),
        }
    }
    (collected, errors)
}

/// The top level of an inventory that the one-pass read refused, checked field by field
/// so that each problem is located. `None` when nothing of the file can be used.
fn top_level_checked<'a>(src: &'a SourceText, errors: &mut Vec<InputError>) -> Option<Lists<'a>> {
    let text: &str = &src.text;
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;
    let top: HashMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(top) => top,
        Err(e) => {
            errors.push(json_error(src, 0, text, &e));
            return None;
        }
    };
    match top
        .get("format")
        .map(|raw| (raw, serde_json::from_str::<String>(raw.get())))
    {
        None => {
            errors.push(
                InputError::at(src, 0, "not an ailint inventory: no `format` field").with_help(
                    format!("an inventory starts with {{\"format\": \"{FORMAT}\", ...}}"),
                ),
            );
            return None;
        }
        Some((raw, Ok(format))) if format != FORMAT => {
            errors.push(InputError::at(
                src,
                offset_of(raw),
                format!("unsupported inventory format `{format}`; this ailint reads `{FORMAT}`"),
            ));
            return None;
        }
        Some((raw, Err(_))) => {
            errors.push(InputError::at(
                src,
                offset_of(raw),
                "`format` must be a string",
            ));
            return None;
        }
        Some(_) => {}
    }
    let mut keys: Vec<&String> = top.keys().collect();
    keys.sort();
    for key in keys {
        if !TOP_LEVEL.contains(&key.as_str()) {
            let raw = top[key];
            errors.push(InputError::at(
                src,
                offset_of(raw),
                format!("unknown top-level field `{key}`"),
            ));
        }
    }
    let mut list = |key: &str| -> Vec<&'a RawValue> {
        let Some(raw) = top.get(key) else {
            return vec![];
        };
        match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            Ok(items) => items,
            Err(_) => {
                errors.push(InputError::at(
                    src,
                    offset_of(raw),
                    format!("`{key}` must be an array"),
                ));
                vec![]
            }
        }
    };
    Some(Lists {
        accounts: list("accounts"),
        resources: list("resources"),
        not_collected: list("notCollected"),
    })
}

fn location(src: &SourceText, offset: usize) -> Location {
    Location {
        file: src.path.clone(),
        line: src.lines.line_col(offset).0,
    }
}

fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("account `{id}` is not a 12-digit account id"))
    }
}

fn resource(
    src: &SourceText,
    offset: usize,
    raw: &str,
    schema: &'static ModelSchema,
    strings: &mut Interner,
) -> Result<Resource, Vec<InputError>> {
    let json: ResourceJson =
        serde_json::from_str(raw).map_err(|e| vec![json_error(src, offset, raw, &e)])?;
    if let Some(account) = &json.account {
        check_account_id(account).map_err(|msg| vec![InputError::at(src, offset, msg)])?;
    }
    let located = |problems: Vec<crate::model::AttrError>| -> Vec<InputError> {
        problems
            .into_iter()
            .map(|p| {
                let at = locate_key(raw, &p.path).map_or(offset, |o| offset + o);
                InputError::at(src, at, format!("resource `{}`: {}", json.id, p.message))
            })
            .collect()
    };
    let (type_name, spec) = input_type(&json.type_name, schema).map_err(|e| located(vec![e]))?;
    let mut problems = Vec::new();
    let attributes = input_attributes(&json.attributes, spec, &mut problems);
    let mut r = Resource::new(type_name, json.id.as_str(), location(src, offset));
    r.name = json.name.as_deref().map(Into::into);
    r.account = json.account.as_deref().map(|a| strings.intern(a));
    r.region = json.region.as_deref().map(|a| strings.intern(a));
    r.tags = Tags::from_pairs(
        json.tags
            .iter()
            .map(|(k, v)| (strings.intern(k), strings.intern(v))),
    );
    r.attributes = attributes;
    for (name, doc) in json.documents {
        r.documents.insert(&name, doc);
    }
    r.unknown = json
        .unknown
        .iter()
        .map(|u| match u {
            UnknownJson::Path(path) => Unknown {
                path: path.clone(),
                reason: "marked unknown in the inventory".into(),
            },
            UnknownJson::Full { path, reason } => Unknown {
                path: path.clone(),
                reason: reason.clone(),
            },
        })
        .collect();
    problems.extend(check_resource(&r, schema));
    if problems.is_empty() {
        Ok(r)
    } else {
        Err(located(problems))
    }
}

/// The offset of the key an attribute path names, searched inside `attributes`.
fn locate_key(raw: &str, path: &str) -> Option<usize> {
    if path.is_empty() {
        return None;
    }
    let mut from = find_key(raw, "attributes", 0)?;
    for segment in path.split('.') {
        let name = segment.split('[').next().unwrap_or(segment);
        from = find_key(raw, name, from)?;
    }
    Some(from)
}

fn find_key(raw: &str, key: &str, from: usize) -> Option<usize> {
    let needle = format!("\"{key}\"");
    let mut start = from;
    while let Some(i) = raw.get(start..)?.find(&needle) {
        let at = start + i;
        let rest = raw[at + needle.len()..].trim_start();
        if rest.starts_with(':') {
            return Some(at);
        }
        start = at + needle.len();
    }
    None
}

/// A serde error inside `raw`, which starts at `base` in the file.
fn json_error(src: &SourceText, base: usize, raw: &str, e: &serde_json::Error) -> InputError {
    let local = super::LineIndex::new(raw).offset(e.line(), e.column(), raw.len());
    let message = e.to_string();
    // serde appends " at line L column C"; the location is already in the headline.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    InputError::at(src, base + local, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> (Collected, Vec<InputError>) {
        read(
            &SourceText::new("inv.json", text.to_string()),
            ModelSchema::builtin(),
        )
    }

    #[test]
    fn resources_keep_their_line() {
        let (c, errs) = read_str(
            "{\"format\": \"ailint-inventory/v1\",\n \"resources\": [\n  {\"type\": \"AWS::S3::Bucket\", \"id\": \"arn:aws:s3:::a\"},\n\n  {\"type\": \"AWS::S3::Bucket\", \"id\": \"arn:aws:s3:::b\"}]}",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let lines: Vec<u32> = c.resources.iter().map(|r| r.location.line).collect();
        assert_eq!(lines, vec![3, 5]);
    }

    #[test]
    fn malformed_json_is_located() {
        let (_, errs) =
            read_str("{\"format\": \"ailint-inventory/v1\",\n \"resources\": [\n  {\"type\": }]}");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].position, Some((3, 12)), "{}", errs[0]);
    }

    #[test]
    fn unknown_version_is_named() {
        let (_, errs) = read_str("{\"format\": \"ailint-inventory/v9\", \"resources\": []}");
        assert!(errs[0]
            .to_string()
            .contains("unsupported inventory format `ailint-inventory/v9`"));
    }

    #[test]
    fn a_bad_resource_does_not_hide_the_others() {
        let (c, errs) = read_str(
            "{\"format\": \"ailint-inventory/v1\", \"resources\": [\n{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"attributes\": {\"sseAlgorithm\": 5}},\n{\"type\": \"AWS::S3::Bucket\", \"id\": \"b\"}]}",
        );
        assert_eq!(c.resources.len(), 1);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].position.map(|p| p.0), Some(2));
        assert!(
            errs[0].message.contains("`sseAlgorithm` must be a string"),
            "{}",
            errs[0]
        );
    }
}
