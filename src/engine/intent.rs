//! Intent: the Lake Formation grants and model access the user means to give, declared as
//! Cedar `permit` policies over `rules/intent.cedarschema`. Every actual grant is asked as
//! requests (one per permission, one per principal and model); what no permit allows
//! becomes a fact the rules judge (`unintendedPermissions`, `unintendedModelAccess`). With
//! no intent declared those facts are unknown, so the rules report "not assessed".

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicySet, Request,
    RestrictedExpression, Schema, ValidationMode, Validator,
};
use miette::{Diagnostic, LabeledSpan, NamedSource};

use crate::config::Config;
use crate::model::policy_document::principal_account;
use crate::model::{Model, Resource, Unknown, Value};

const INTENT_SCHEMA: &str = include_str!("../../rules/intent.cedarschema");

const PERMISSIONS: &str = "AWS::LakeFormation::Permissions";
const STATEMENT: &str = "AWS::IAM::PolicyStatement";
const POLICY: &str = "AWS::IAM::Policy";

/// The declared intent, parsed and validated.
pub struct Intent {
    policies: PolicySet,
}

/// An intent file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", self.line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct IntentError {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
    src: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl Diagnostic for IntentError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

fn intent_schema() -> &'static Schema {
    static CELL: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        #[allow(clippy::expect_used)]
        Schema::from_cedarschema_str(INTENT_SCHEMA)
            .expect("rules/intent.cedarschema is valid (tested)")
            .0
    })
}

/// The intent file named by the configuration, relative to the configuration file.
pub fn intent_path(config: &Config) -> Option<PathBuf> {
    let file = config.intent.file.as_deref()?;
    let dir = Path::new(&config.source)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    Some(match dir {
        Some(d) if Path::new(file).is_relative() => d.join(file),
        _ => PathBuf::from(file),
    })
}

impl Intent {
    /// The configured intent: `Ok(None)` when none is declared.
    pub fn load(config: &Config) -> Result<Option<Intent>, Box<IntentError>> {
        let Some(path) = intent_path(config) else {
            return Ok(None);
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Box::new(IntentError {
                path: shown.clone(),
                line: None,
                message: format!("cannot read the intent file: {e}"),
                src: None,
                labels: vec![],
            })
        })?;
        Intent::parse(&shown, &text).map(Some)
    }

    pub fn parse(path: &str, text: &str) -> Result<Intent, Box<IntentError>> {
        let src: Arc<str> = Arc::from(text);
        let error = |message: String, labels: Vec<LabeledSpan>| {
            let line = labels
                .first()
                .map(|l| text[..l.offset().min(text.len())].matches('\n').count() as u32 + 1);
            Box::new(IntentError {
                path: path.to_string(),
                line,
                message,
                src: Some(NamedSource::new(path, src.clone())),
                labels,
            })
        };
        let policies = PolicySet::from_str(text).map_err(|e| {
            let labels: Vec<LabeledSpan> = e.labels().into_iter().flatten().collect();
            error(format!("the intent does not parse: {e}"), labels)
        })?;
        let result =
            Validator::new(intent_schema().clone()).validate(&policies, ValidationMode::Strict);
        if let Some(e) = result.validation_errors().next() {
            let labels: Vec<LabeledSpan> = e.labels().into_iter().flatten().collect();
            let help = e.help().map(|h| format!(" ({h})")).unwrap_or_default();
            return Err(error(
                format!("the intent does not match `rules/intent.cedarschema`: {e}{help}"),
                labels,
            ));
        }
        Ok(Intent { policies })
    }

    fn allows(&self, principal: &str, action: &str, resource: &Target, context: Context) -> bool {
        let mut entities = Vec::new();
        match resource.entities(&mut entities) {
            Some(r) => self.decide(principal, action, r, entities, context),
            None => false,
        }
    }

    /// Whether some permit (and no forbid) allows the request; a request that cannot be
    /// formed is not allowed.
    fn decide(
        &self,
        principal: &str,
        action: &str,
        resource: EntityUid,
        mut entities: Vec<Entity>,
        context: Context,
    ) -> bool {
        let (Ok(p), Ok(a)) = (
            uid("Intent::Principal", principal),
            uid("Intent::Action", action),
        ) else {
            return false;
        };
        entities.push(principal_entity(&p, principal));
        let (Ok(request), Ok(store)) = (
            Request::new(p, a, resource, context, None),
            Entities::from_entities(entities, None),
        ) else {
            return false;
        };
        Authorizer::new()
            .is_authorized(&request, &self.policies, &store)
            .decision()
            == Decision::Allow
    }
}

fn uid(type_name: &str, id: &str) -> Result<EntityUid, ()> {
    let name = cedar_policy::EntityTypeName::from_str(type_name).map_err(|_| ())?;
    Ok(EntityUid::from_type_name_and_id(
        name,
        cedar_policy::EntityId::new(id),
    ))
}

/// The role, user or group name of an ARN principal.
fn principal_name(principal: &str) -> Option<&str> {
    principal
        .strip_prefix("arn:")
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(_, name)| name)
        .filter(|n| !n.is_empty())
}

fn principal_entity(uid: &EntityUid, principal: &str) -> Entity {
    let attrs: HashMap<String, RestrictedExpression> = [
        ("account", principal_account(principal)),
        ("name", principal_name(principal)),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.map(|v| {
            (
                k.to_string(),
                RestrictedExpression::new_string(v.to_string()),
            )
        })
    })
    .collect();
    #[allow(clippy::expect_used)]
    Entity::new(uid.clone(), attrs, HashSet::new()).expect("attribute values are literals")
}

/// What a Lake Formation grant is on, as the intent schema names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Database(String),
    /// Database and table (`*` for every table).
    Table(String, String),
    Location(String),
}

impl Target {
    /// `database/sales`, `table/sales/orders`, `columns/sales/orders`, `location/arn...`.
    fn parse(target: &str) -> Result<Target, String> {
        let (kind, rest) = target.split_once('/').unwrap_or((target, ""));
        match kind {
            "database" if !rest.is_empty() => Ok(Target::Database(rest.to_string())),
            "table" | "columns" => match rest.split_once('/') {
                Some((db, table)) if !db.is_empty() && !table.is_empty() => {
                    Ok(Target::Table(db.to_string(), table.to_string()))
                }
                _ => Err(format!("the grant's target `{target}` names no table")),
            },
            "location" if !rest.is_empty() => Ok(Target::Location(rest.to_string())),
            _ => Err(format!(
                "intent does not describe grants on `{target}` (databases, tables and data locations only)"
            )),
        }
    }

    /// Adds the entities a request on the target needs; returns the resource's uid.
    fn entities(&self, out: &mut Vec<Entity>) -> Option<EntityUid> {
        match self {
            Target::Database(db) => {
                let u = uid("Intent::Database", db).ok()?;
                out.push(Entity::with_uid(u.clone()));
                Some(u)
            }
            Target::Table(db, table) => {
                let parent = uid("Intent::Database", db).ok()?;
                let u = uid("Intent::Table", &format!("{db}/{table}")).ok()?;
                out.push(Entity::with_uid(parent.clone()));
                #[allow(clippy::expect_used)]
                out.push(
                    Entity::new(u.clone(), HashMap::new(), [parent].into_iter().collect())
                        .expect("no attributes"),
                );
                Some(u)
            }
            Target::Location(arn) => {
                let u = uid("Intent::DataLocation", arn).ok()?;
                out.push(Entity::with_uid(u.clone()));
                Some(u)
            }
        }
    }
}

fn empty_context() -> Context {
    Context::empty()
}

fn grant_context(permission: &str) -> Context {
    #[allow(clippy::expect_used)]
    Context::from_pairs([(
        "permission".to_string(),
        RestrictedExpression::new_string(permission.to_string()),
    )])
    .expect("one literal field")
}

fn strings(r: &Resource, attr: &str) -> BTreeSet<String> {
    r.attributes
        .get(attr)
        .and_then(Value::as_set)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn unknown_of(r: &Resource, attrs: &[&str]) -> Option<String> {
    attrs.iter().find_map(|a| {
        r.unknown_for(a)
            .map(|u| format!("`{}` is unknown: {}", u.path, u.reason))
    })
}

fn set(r: &mut Resource, attr: &'static str, value: Result<BTreeSet<String>, String>) {
    r.attributes.remove(attr);
    r.unknown.retain(|u| u.path != attr);
    match value {
        Ok(v) => {
            r.attributes.insert(attr, Value::strings(v));
        }
        Err(reason) => r.unknown.push(Unknown {
            path: attr.to_string(),
            reason,
        }),
    }
}

/// The permissions of one grant that the intent does not allow (`GRANT SELECT` for a
/// grant option), or why that cannot be told.
fn unintended_permissions(intent: &Intent, r: &Resource) -> Result<BTreeSet<String>, String> {
    if let Some(reason) = unknown_of(
        r,
        &[
            "principal",
            "target",
            "permissions",
            "permissionsWithGrantOption",
        ],
    ) {
        return Err(reason);
    }
    let principal = r
        .attributes
        .get("principal")
        .and_then(Value::as_str)
        .ok_or("the grant names no principal")?;
    let target = Target::parse(
        r.attributes
            .get("target")
            .and_then(Value::as_str)
            .ok_or("the grant names no target")?,
    )?;
    let mut out = BTreeSet::new();
    let grantable = strings(r, "permissionsWithGrantOption");
    for p in strings(r, "permissions").union(&grantable) {
        if !intent.allows(principal, p, &target, empty_context()) {
            out.insert(p.clone());
        }
    }
    for p in &grantable {
        if !intent.allows(principal, "GRANT", &target, grant_context(p)) {
            out.insert(format!("GRANT {p}"));
        }
    }
    Ok(out)
}

/// `principal → model` pairs of one statement that the intent does not allow.
fn unintended_model_access(
    intent: &Intent,
    r: &Resource,
    holders: Option<Result<BTreeSet<String>, String>>,
) -> Result<BTreeSet<String>, String> {
    if let Some(reason) = unknown_of(r, &["allowsModelInvocation", "invokedModels"]) {
        return Err(reason);
    }
    if r.attributes
        .get("allowsModelInvocation")
        .and_then(Value::as_bool)
        != Some(true)
    {
        return Ok(BTreeSet::new());
    }
    let holders = holders.ok_or("the statement's policy is not in the inputs")??;
    let mut out = BTreeSet::new();
    for principal in &holders {
        for model in strings(r, "invokedModels") {
            let allowed = uid("Intent::Model", &model).is_ok_and(|m| {
                intent.decide(
                    principal,
                    "InvokeModel",
                    m.clone(),
                    vec![Entity::with_uid(m)],
                    empty_context(),
                )
            });
            if !allowed {
                out.insert(format!("{principal} → {model}"));
            }
        }
    }
    Ok(out)
}

/// Judges every grant and model-invocation statement against `intent`: `Ok(None)` (no
/// intent declared) and `Err` (the intent file is unusable) leave the facts unknown.
pub fn apply(model: &mut Model, intent: Result<Option<&Intent>, String>) {
    let intent = match intent {
        Ok(Some(i)) => Ok(i),
        Ok(None) => Err(
            "no intent is declared: name a file of Cedar permits as `[intent] file` in ailint.toml"
                .to_string(),
        ),
        Err(reason) => Err(reason),
    };
    // Who holds each policy: its attachments, unknown when the inputs do not say.
    let holders: HashMap<Arc<str>, Result<BTreeSet<String>, String>> = model
        .resources
        .iter()
        .filter(|r| r.type_name == POLICY)
        .map(|p| {
            let held = match unknown_of(p, &["attachedTo"]) {
                Some(reason) => Err(reason),
                None if p.attributes.get("attachedTo").is_none() => {
                    Err("which principals hold the policy is not known".to_string())
                }
                None => Ok(strings(p, "attachedTo")),
            };
            (p.id.clone(), held)
        })
        .collect();
    for r in model.resources.iter_mut() {
        match r.type_name {
            PERMISSIONS => {
                let v = intent.clone().and_then(|i| unintended_permissions(i, r));
                set(r, "unintendedPermissions", v);
            }
            STATEMENT => {
                let held = r
                    .attributes
                    .get("policy")
                    .and_then(Value::as_str)
                    .and_then(|p| holders.get(p).cloned());
                let v = intent
                    .clone()
                    .and_then(|i| unintended_model_access(i, r, held));
                set(r, "unintendedModelAccess", v);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../docs/examples/intent.cedar");

    #[test]
    fn the_example_intent_validates() {
        Intent::parse("docs/examples/intent.cedar", EXAMPLE).unwrap();
    }

    #[test]
    fn the_example_gives_analysts_sales_agg_only() {
        let i = Intent::parse("intent.cedar", EXAMPLE).unwrap();
        let analyst = "arn:aws:iam::111122223333:role/Analyst";
        let agg = Target::Table("curated".into(), "sales_agg".into());
        assert!(i.allows(analyst, "SELECT", &agg, empty_context()));
        let orders = Target::Table("curated".into(), "orders".into());
        assert!(!i.allows(analyst, "SELECT", &orders, empty_context()));
        assert!(!i.allows(
            analyst,
            "DESCRIBE",
            &Target::Database("raw".into()),
            empty_context()
        ));
        let engineer = "arn:aws:iam::111122223333:role/DataEngineer";
        let raw = Target::Table("raw".into(), "events".into());
        assert!(i.allows(engineer, "INSERT", &raw, empty_context()));
        assert!(!i.allows(engineer, "ALL", &raw, empty_context()));
        assert!(!i.allows(engineer, "GRANT", &raw, grant_context("SELECT")));
    }

    #[test]
    fn a_policy_outside_the_schema_is_an_error_with_a_line() {
        let e = Intent::parse(
            "intent.cedar",
            "permit (principal, action == Intent::Action::\"READ\", resource);\n",
        )
        .err()
        .unwrap();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.to_string().contains("READ"), "{e}");
        let e = Intent::parse("intent.cedar", "\npermit (principal action, resource);")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn targets_parse_and_others_are_not_described() {
        assert_eq!(
            Target::parse("table/sales/orders"),
            Ok(Target::Table("sales".into(), "orders".into()))
        );
        assert_eq!(
            Target::parse("database/sales"),
            Ok(Target::Database("sales".into()))
        );
        assert!(Target::parse("catalog").is_err());
        assert!(Target::parse("table/sales").is_err());
    }

    #[test]
    fn principal_accounts() {
        assert_eq!(
            principal_account("arn:aws:iam::111122223333:role/X"),
            Some("111122223333")
        );
        assert_eq!(principal_account("444455556666"), Some("444455556666"));
        assert_eq!(principal_account("IAM_ALLOWED_PRINCIPALS"), None);
        assert_eq!(
            principal_name("arn:aws:iam::111122223333:role/team/DataEngineer"),
            Some("DataEngineer")
        );
        assert_eq!(principal_name("444455556666"), None);
    }
}
