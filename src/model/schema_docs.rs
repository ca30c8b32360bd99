//! `docs/inventory.md`, rendered from the schema so the documented format is the one the
//! loader checks. A test keeps the committed file equal to this rendering.

use std::fmt::Write;

use super::schema::{is_synthesized, AttrSpec, AttrType, ModelSchema};

const INTRO: &str = r#"# The `ailint-inventory/v1` format

An inventory is the normalized model serialized as JSON: what `ailint collect` writes, what
every rule fixture is, and what `ailint audit FILE` reads. Any finding can be reproduced
offline from the inventory it came from.

This page is generated from `rules/ailint.cedarschema` (run
`AILINT_UPDATE_DOCS=1 cargo test --test docs` after changing the schema); a test fails when
it is out of date.

## Document

```json
{
  "format": "ailint-inventory/v1",
  "generator": { "name": "ailint", "version": "0.1.0" },
  "collectedAt": "2026-11-25T10:00:00Z",
  "accounts": [ { "id": "111122223333", "name": "ml-prod" } ],
  "resources": [
    {
      "type": "AWS::SageMaker::NotebookInstance",
      "id": "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/research",
      "name": "research",
      "account": "111122223333",
      "region": "us-east-1",
      "tags": { "CostCenter": "ml-platform" },
      "attributes": { "kmsKey": "alias/ml-notebooks", "directInternetAccess": "Disabled" },
      "unknown": [ { "path": "rootAccess", "reason": "GetNotebookInstance was denied" } ]
    }
  ],
  "notCollected": [
    { "account": "111122223333", "region": "eu-west-1", "types": ["AWS::LakeFormation::DataLakeSettings"],
      "operation": "lakeformation:GetDataLakeSettings", "reason": "AccessDeniedException" }
  ]
}
```

| field | meaning |
|---|---|
| `format` | required; `ailint-inventory/v1`. Other versions are refused with an error naming them. |
| `generator`, `collectedAt` | optional provenance. |
| `accounts` | optional; names accounts and gives account-level findings a line to point at. |
| `resources[].type` | an entity type below. |
| `resources[].id` | the ARN when there is one; unique per type. Findings and fingerprints use it. |
| `resources[].name`, `account`, `region` | the resource's name, 12-digit account id and region. A missing region makes residency unknown for it. |
| `resources[].tags` | tag keys and values (types marked *tags*). |
| `resources[].attributes` | the attributes below, with their types. `null` means absent. |
| `resources[].documents` | raw policy documents as AWS returns them (object or JSON string), read by derivations: `policy` (S3 bucket policy), `eventSelectors` and `advancedEventSelectors` (CloudTrail). |
| `resources[].unknown` | facts that could not be determined: a path (`kmsKey`, `dataCapture.kmsKey`, `documents.policy`) or `{path, reason}`. Rules judging them report *not assessed*. |
| `notCollected` | services or resource types that could not be read in an account/region; every rule on those types is *not assessed* there. |

## Semantics

- **Absent means the AWS default.** An absent attribute with a default below takes it
  (`directInternetAccess` absent is `Enabled`, as AWS does). An attribute listed in
  `unknown` never takes a default.
- **References** (`reference to T`) name the target the way AWS does: an ARN, an id, a name,
  or for keys an alias (`alias/ml-notebooks`). They resolve to a resource of the inventory
  in the same account and region first. `alias/aws/...` is an AWS-managed key. Any other
  reference to something not in the inventory makes the attribute unknown.
- **Derived** attributes are computed by ailint and cannot be set in an inventory.
- Every error names the file, line and column.

## Entity types
"#;

fn type_cell(spec: &AttrSpec) -> String {
    let mut s = format!("`{}`", spec.ty.describe());
    if let Some(d) = &spec.default {
        let _ = write!(s, ", default `{d}`");
    }
    if let Some(d) = &spec.derived {
        let _ = write!(s, ", derived from the {d}");
    }
    s
}

fn attr_rows(out: &mut String, prefix: &str, attrs: &std::collections::BTreeMap<String, AttrSpec>) {
    for (name, spec) in attrs {
        let envelope = prefix.is_empty() && matches!(name.as_str(), "name" | "account" | "region");
        let doc = if envelope {
            format!("from the resource's top-level `{name}`")
        } else {
            spec.doc.as_deref().unwrap_or("").replace('|', "\\|")
        };
        let _ = writeln!(
            out,
            "| `{prefix}{name}` | {} | {doc} |",
            type_cell(spec).replace('|', "\\|")
        );
        if let AttrType::Record(fields) = &spec.ty {
            attr_rows(out, &format!("{prefix}{name}."), fields);
        }
    }
}

/// The Markdown page.
pub fn render(schema: &ModelSchema) -> String {
    let mut out = String::from(INTRO);
    for t in &schema.resource_types {
        let Some(spec) = schema.entity_type(t) else {
            continue;
        };
        let _ = writeln!(out, "\n### `{t}`\n");
        if let Some(doc) = &spec.doc {
            let _ = writeln!(out, "{doc}\n");
        }
        if is_synthesized(t) {
            let _ = writeln!(
                out,
                "Built by ailint from the other resources; not listed in an inventory.\n"
            );
        }
        if let Some(src) = &spec.source {
            let _ = writeln!(
                out,
                "Source: {src}.{}\n",
                if spec.has_tags { " Carries tags." } else { "" }
            );
        }
        let _ = writeln!(out, "| attribute | type | meaning |\n|---|---|---|");
        attr_rows(&mut out, "", &spec.attrs);
    }
    out
}
