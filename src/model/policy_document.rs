//! IAM policy documents (bucket, key, endpoint and identity policies) in every form AWS
//! accepts: a JSON string or an object, `Statement` as an object or an array, `Principal`
//! as `"*"` or `{"AWS": ...}`, values as a string or an array, condition keys in any case.

use serde_json::Value;

/// A value a template or plan cannot know, inside a document: the prefix, then why.
/// Templates interpolate values known only after deployment (`${Bucket.Arn}/*`) into
/// documents whose other parts are known; only facts that read the unknown part are
/// unknown.
pub const UNKNOWN_PREFIX: &str = "\u{1}ailint:unknown:";

/// Why a string of a document is unknown, if it is.
pub fn unknown_reason(s: &str) -> Option<&str> {
    s.strip_prefix(UNKNOWN_PREFIX)
}

/// The first unknown string inside a JSON value, with its reason.
pub fn first_unknown(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => unknown_reason(s),
        Value::Array(items) => items.iter().find_map(first_unknown),
        Value::Object(obj) => obj
            .iter()
            .find_map(|(k, v)| unknown_reason(k).or_else(|| first_unknown(v))),
        _ => None,
    }
}

/// One statement, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    /// Why the effect, principals, actions or conditions are not all known.
    pub unknown_terms: Option<String>,
    /// Why the resources are not all known.
    pub unknown_resources: Option<String>,
    /// `*` for everyone, else `AWS:<arn>`, `Service:<name>`, `Federated:<id>`.
    pub principals: Vec<String>,
    pub not_principal: bool,
    /// Lower-cased.
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub conditions: Vec<Condition>,
}

/// One `operator: { key: values }` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// As written, e.g. `Bool`, `NumericLessThan`, `ForAnyValue:StringLike`.
    pub operator: String,
    /// Lower-cased (condition keys are case-insensitive).
    pub key: String,
    pub values: Vec<String>,
}

/// Parses a document given as an object, a JSON string, or the URL-encoded JSON string
/// the IAM API returns.
pub fn parse(doc: &Value) -> Result<Vec<Statement>, String> {
    let owned;
    let doc = match doc {
        Value::String(s) => {
            let decoded;
            let text = if s.trim_start().starts_with('%') {
                decoded = percent_decode(s)?;
                decoded.as_str()
            } else {
                s.as_str()
            };
            owned = serde_json::from_str::<Value>(text)
                .map_err(|e| format!("policy document is not JSON: {e}"))?;
            &owned
        }
        other => other,
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(obj @ Value::Object(_)) => vec![obj],
        Some(_) => return Err("`Statement` must be an object or an array".into()),
        None => return Err("policy document has no `Statement`".into()),
    };
    statements.into_iter().map(statement).collect()
}

/// RFC 3986 percent-decoding (IAM returns policy documents URL-encoded).
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad percent-encoding at byte {i}"))?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "percent-decoded document is not UTF-8".to_string())
}

fn statement(v: &Value) -> Result<Statement, String> {
    let effect = v
        .get("Effect")
        .and_then(Value::as_str)
        .ok_or("statement has no `Effect`")?;
    let allow = match effect {
        "Allow" => true,
        "Deny" => false,
        // Unknown: `unknown_terms` says so; the value of `allow` is not read then.
        e if unknown_reason(e).is_some() => true,
        other => return Err(format!("unknown `Effect` `{other}`")),
    };
    let unknown_terms = [
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Condition",
    ]
    .iter()
    .find_map(|k| v.get(*k).and_then(first_unknown))
    .map(str::to_string);
    let unknown_resources = ["Resource", "NotResource"]
        .iter()
        .find_map(|k| v.get(*k).and_then(first_unknown))
        .map(str::to_string);
    let (principals, not_principal) = match (v.get("Principal"), v.get("NotPrincipal")) {
        (Some(p), _) => (principals(p), false),
        (None, Some(p)) => (principals(p), true),
        (None, None) => (vec![], false),
    };
    let mut conditions = Vec::new();
    if let Some(Value::Object(ops)) = v.get("Condition") {
        for (op, keys) in ops {
            if let Value::Object(keys) = keys {
                for (key, values) in keys {
                    conditions.push(Condition {
                        operator: op.clone(),
                        key: key.to_ascii_lowercase(),
                        values: strings(values),
                    });
                }
            }
        }
    }
    let lower = |v: Option<&Value>| -> Vec<String> {
        v.map(strings)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect()
    };
    Ok(Statement {
        sid: v.get("Sid").and_then(Value::as_str).map(str::to_string),
        allow,
        unknown_terms,
        unknown_resources,
        principals,
        not_principal,
        actions: lower(v.get("Action")),
        not_actions: lower(v.get("NotAction")),
        resources: v.get("Resource").map(strings).unwrap_or_default(),
        not_resources: v.get("NotResource").map(strings).unwrap_or_default(),
        conditions,
    })
}

fn principals(p: &Value) -> Vec<String> {
    match p {
        Value::String(s) if s == "*" => vec!["*".into()],
        Value::String(s) => vec![format!("AWS:{s}")],
        Value::Object(map) => map
            .iter()
            .flat_map(|(kind, ids)| {
                strings(ids).into_iter().map(move |id| {
                    if kind == "AWS" && id == "*" {
                        "*".to_string()
                    } else {
                        format!("{kind}:{id}")
                    }
                })
            })
            .collect(),
        _ => vec![],
    }
}

/// A string, a bool, a number or an array of them, as strings.
/// The account of an AWS principal: a 12-digit id or the account field of an ARN.
pub fn principal_account(id: &str) -> Option<&str> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Some(id);
    }
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn")
        .then(|| parts[4])
        .filter(|a| !a.is_empty())
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Number(n) => vec![n.to_string()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => vec![],
    }
}

/// Whether an IAM action pattern (with `*` and `?`) matches a lower-cased action.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard(pattern.as_bytes(), action.as_bytes())
}

fn wildcard(p: &[u8], s: &[u8]) -> bool {
    // Iterative glob matching with backtracking to the last `*`.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&s[si])) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

impl Statement {
    /// Whether the statement applies to everyone (`"*"` or `{"AWS": "*"}`).
    pub fn applies_to_everyone(&self) -> bool {
        !self.not_principal && self.principals.iter().any(|p| p == "*")
    }

    /// Whether the statement covers `action` (lower-cased, no wildcard).
    pub fn covers_action(&self, action: &str) -> bool {
        if !self.not_actions.is_empty() {
            return !self.not_actions.iter().any(|p| action_matches(p, action));
        }
        self.actions.iter().any(|p| action_matches(p, action))
    }

    /// Condition values for an operator (case-insensitive, `IfExists` allowed) and key.
    pub fn condition_values(&self, operator: &str, key: &str) -> Vec<&str> {
        let key = key.to_ascii_lowercase();
        self.conditions
            .iter()
            .filter(|c| {
                let op = c.operator.strip_suffix("IfExists").unwrap_or(&c.operator);
                op.eq_ignore_ascii_case(operator) && c.key == key
            })
            .flat_map(|c| c.values.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_accounts_of_ids_arns_and_others() {
        assert_eq!(principal_account("111122223333"), Some("111122223333"));
        assert_eq!(
            principal_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        // A unique id, `*` or a short string is no account, and no panic.
        assert_eq!(principal_account("AIDAJQABLZS4A3QDU576Q"), None);
        assert_eq!(principal_account("*"), None);
        assert_eq!(principal_account("arn:aws:s3:::bucket"), None);
    }
    use serde_json::json;

    #[test]
    fn principal_string_and_object_forms_are_the_same() {
        for p in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["*"]})] {
            let doc = json!({"Statement": {"Effect": "Deny", "Principal": p, "Action": "s3:*"}});
            let s = parse(&doc).unwrap();
            assert!(s[0].applies_to_everyone(), "{doc}");
        }
        let doc = json!({"Statement": [{"Effect": "Deny", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "s3:*"}]});
        assert!(!parse(&doc).unwrap()[0].applies_to_everyone());
    }

    #[test]
    fn string_documents_and_condition_keys_are_normalized() {
        let doc = json!(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":["S3:*"],"Condition":{"Bool":{"AWS:SecureTransport":false}}}]}"#
        );
        let s = &parse(&doc).unwrap()[0];
        assert!(s.covers_action("s3:getobject"));
        assert_eq!(
            s.condition_values("bool", "aws:securetransport"),
            vec!["false"]
        );
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(action_matches("bedrock:invoke*", "bedrock:invokemodel"));
        assert!(action_matches("*", "bedrock:invokemodel"));
        assert!(action_matches(
            "bedrock:invokemodel?ithresponsestream",
            "bedrock:invokemodelwithresponsestream"
        ));
        assert!(!action_matches("bedrock:get*", "bedrock:invokemodel"));
        assert!(action_matches("bedrock:*model*", "bedrock:invokemodel"));
    }

    #[test]
    fn url_encoded_documents_from_the_iam_api_are_decoded() {
        let doc = json!("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22bedrock%3AInvokeModel%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D");
        let s = parse(&doc).unwrap();
        assert!(s[0].allow && s[0].covers_action("bedrock:invokemodel"));
        assert_eq!(s[0].resources, vec!["*"]);
    }

    #[test]
    fn unknown_parts_are_marked_per_statement() {
        let unknown = format!("{UNKNOWN_PREFIX}`b.arn` is known only after deployment");
        let doc = json!({"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [unknown.clone()]},
            {"Effect": "Allow", "Principal": {"AWS": unknown.clone()}, "Action": "s3:GetObject"}
        ]});
        let s = parse(&doc).unwrap();
        assert_eq!(s[0].unknown_terms, None);
        assert!(s[0].unknown_resources.as_deref().unwrap().contains("b.arn"));
        assert!(s[1].unknown_terms.is_some());
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(parse(&json!("{not json")).is_err());
        assert!(parse(&json!({"Version": "2012-10-17"})).is_err());
        assert!(parse(&json!({"Statement": [{"Effect": "Maybe"}]})).is_err());
    }
}
