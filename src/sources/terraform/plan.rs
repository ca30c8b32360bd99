//! Terraform plans as `terraform show -json` writes them
//! (`../shared/reference/terraform-plan.md`).
//!
//! Each managed resource that the plan keeps is read from `change.after`, with every
//! `after_unknown` leaf marked unknown. An unknown value whose configuration expression
//! refers to a resource of the same module becomes a reference to it, so a bucket
//! encrypted with a key created in the same plan uses a customer-managed key. The region
//! is the resource's provider's. When the plan sits next to its `.tf` files, findings
//! point at the lines of the configuration; otherwise at the lines of the plan.

use std::collections::HashMap;
use std::path::Path;

use super::super::iac::{Declared, Unit};
use super::super::tree::{parse_json, Key, Node, Tree};
use super::super::{InputError, SourceText};
use crate::model::{Collected, ModelSchema};

/// Reads a plan file.
pub fn read(src: &SourceText, schema: &'static ModelSchema) -> (Collected, Vec<InputError>) {
    let doc = match parse_json(&src.text) {
        Ok(doc) => doc,
        Err(e) => {
            return (
                Collected::default(),
                vec![InputError::at(
                    src,
                    e.offset,
                    format!("cannot parse the plan: {}", e.message),
                )],
            )
        }
    };
    let at = |node: &Node, message: String| InputError::at_line(src, node.line, message);
    match doc.get("format_version").and_then(Node::as_str) {
        Some(v) if v.split('.').next() == Some("1") => {}
        Some(v) => {
            let node = doc.get("format_version").unwrap_or(&doc);
            return (
                Collected::default(),
                vec![at(
                    node,
                    format!("unsupported plan `format_version` `{v}`; ailint reads 1.x"),
                )],
            );
        }
        None => {
            return (
                Collected::default(),
                vec![at(&doc, "not a Terraform plan: no `format_version`".into())],
            )
        }
    }
    let configuration = doc.get("configuration");
    let variables = doc.get("variables");
    let regions = provider_regions(configuration, variables);
    // The configuration's own files, when the plan is next to them.
    let dir = Path::new(&*src.path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let inputs: HashMap<String, Node> = variables
        .and_then(Node::as_map)
        .map(|vars| {
            vars.iter()
                .filter_map(|(k, v)| Some((k.name.clone(), v.get("value")?.clone())))
                .collect()
        })
        .unwrap_or_default();
    let sources = super::hcl::declared_in(&dir, inputs);

    let mut by_provider: HashMap<String, Vec<Declared>> = HashMap::new();
    let mut errors = Vec::new();
    let changes = doc
        .get("resource_changes")
        .and_then(Node::as_list)
        .unwrap_or(&[]);
    // Every address, by itself and by each part of it before a `[`, the first in the plan
    // winning: what references look up (a search of the list for each was quadratic).
    let mut addresses: HashMap<&str, &str> = HashMap::new();
    for a in changes
        .iter()
        .filter_map(|c| c.get("address").and_then(Node::as_str))
    {
        for (i, _) in a.match_indices('[') {
            addresses.entry(&a[..i]).or_insert(a);
        }
        addresses.entry(a).or_insert(a);
    }
    let mut config_index = HashMap::new();
    for change in changes {
        let (Some(address), Some(kind)) = (
            change.get("address").and_then(Node::as_str),
            change.get("type").and_then(Node::as_str),
        ) else {
            errors.push(at(
                change,
                "a resource change without `address` or `type`".into(),
            ));
            continue;
        };
        if change.get("mode").and_then(Node::as_str) != Some("managed") {
            continue;
        }
        let Some(c) = change.get("change") else {
            continue;
        };
        let actions: Vec<&str> = c
            .get("actions")
            .and_then(Node::as_list)
            .map(|a| a.iter().filter_map(Node::as_str).collect())
            .unwrap_or_default();
        // What remains after the apply: not what is only deleted or forgotten.
        if actions.iter().all(|a| matches!(*a, "delete" | "forget")) && !actions.is_empty() {
            continue;
        }
        let Some(after) = c.get("after").filter(|a| a.as_map().is_some()) else {
            continue;
        };
        let mut properties = after.clone();
        if let Some(unknown) = c.get("after_unknown") {
            mark_unknown(&mut properties, unknown, 0);
        }
        let module = change
            .get("module_address")
            .and_then(Node::as_str)
            .map(|m| format!("{m}."))
            .unwrap_or_default();
        let tags = ["tags_all", "tags"]
            .iter()
            .find_map(|k| properties.get(k).and_then(Node::as_map))
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.name.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let mut declared = Declared {
            source_type: kind.to_string(),
            address: address.to_string(),
            line: change.line,
            properties,
            tags,
            suppressions: Vec::new(),
            file: None,
        };
        if let Some(source) = sources.get(&strip_indexes(address)) {
            relocate(&mut declared.properties, &source.properties);
            declared.line = source.line;
            declared.file = source.file.clone();
            declared.suppressions = source.suppressions.clone();
        }
        // What is still unknown and names a resource of the plan refers to it.
        let config = config_resource(&mut config_index, configuration, &module, address);
        if let Some(exprs) = config.and_then(|r| r.get("expressions")) {
            link_references(&mut declared.properties, exprs, &module, &addresses, 0);
        }
        let provider = config
            .and_then(|r| r.get("provider_config_key"))
            .and_then(Node::as_str)
            .unwrap_or("aws")
            .to_string();
        by_provider.entry(provider).or_default().push(declared);
    }

    let mut collected = Collected::default();
    let mut providers: Vec<_> = by_provider.into_iter().collect();
    providers.sort_by(|a, b| a.0.cmp(&b.0));
    // Attachments find their targets within a unit; a plan's providers share the region in
    // nearly every configuration, so units are per region.
    let mut by_region: Vec<(Result<String, String>, Vec<Declared>)> = Vec::new();
    for (provider, declared) in providers {
        let region = regions.get(&provider).cloned().unwrap_or_else(|| {
            Err(format!(
                "the provider `{provider}` sets no region in the plan"
            ))
        });
        match by_region.iter_mut().find(|(r, _)| *r == region) {
            Some((_, list)) => list.extend(declared),
            None => by_region.push((region, declared)),
        }
    }
    for (region, resources) in by_region {
        let unit = Unit {
            file: src.path.clone(),
            id_prefix: src.path.to_string(),
            account: None,
            region,
            resources,
        };
        let (resources, mapping_errors) =
            super::super::iac::to_model(&unit, &super::types::MAPPINGS, schema);
        errors.extend(
            mapping_errors
                .into_iter()
                .map(|e| InputError::at_line(src, e.line, e.message)),
        );
        collected.resources.extend(resources);
    }
    (collected, errors)
}

/// `module.a.aws_x.y["k"]` → `module.a.aws_x.y`.
fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut in_string = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The position of each key of a map (the first, as a search finds).
fn key_index(entries: &[(Key, Node)]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(entries.len());
    for (i, (k, _)) in entries.iter().enumerate() {
        index.entry(k.name.clone()).or_insert(i);
    }
    index
}

/// Marks every `after_unknown` leaf of `after` unknown.
fn mark_unknown(after: &mut Node, unknown: &Node, depth: usize) {
    const REASON: &str = "known only after apply";
    if depth > super::super::tree::MAX_DEPTH {
        return;
    }
    match &unknown.value {
        Tree::Bool(true) => after.value = Tree::Unknown(REASON.into()),
        Tree::Map(entries) => {
            // Large maps are indexed: a search per key is quadratic.
            let index: Option<HashMap<String, usize>> = match &after.value {
                Tree::Map(items) if items.len() > 16 => Some(key_index(items)),
                _ => None,
            };
            for (k, u) in entries {
                if let Tree::Map(items) = &mut after.value {
                    let found = match &index {
                        Some(index) => index.get(&k.name).copied(),
                        None => items.iter().position(|(ak, _)| ak.name == k.name),
                    };
                    match found {
                        Some(i) => mark_unknown(&mut items[i].1, u, depth + 1),
                        None if u.value == Tree::Bool(true) => items.push((
                            Key {
                                name: k.name.clone(),
                                line: after.line,
                            },
                            Node::new(after.line, Tree::Unknown(REASON.into())),
                        )),
                        None => {}
                    }
                }
            }
        }
        Tree::List(list) => {
            if let Tree::List(items) = &mut after.value {
                for (v, u) in items.iter_mut().zip(list) {
                    mark_unknown(v, u, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The configuration of a resource: `configuration.root_module.resources[]`, or in a
/// module call's module for `module.a.` prefixes. Each module's resources are indexed by
/// address on first use (`index`): a search of the list for each change was quadratic.
fn config_resource<'n>(
    index: &mut HashMap<String, HashMap<&'n str, &'n Node>>,
    configuration: Option<&'n Node>,
    module: &str,
    address: &str,
) -> Option<&'n Node> {
    let resources = index.entry(module.to_string()).or_insert_with(|| {
        let list = (|| {
            let mut m = configuration?.get("root_module")?;
            for name in module.split('.').collect::<Vec<_>>().chunks(2) {
                if let ["module", call] = name {
                    m = m.get("module_calls")?.get(call)?.get("module")?;
                }
            }
            m.get("resources")?.as_list()
        })();
        let mut by_address = HashMap::new();
        for r in list.unwrap_or(&[]) {
            if let Some(a) = r.get("address").and_then(Node::as_str) {
                by_address.entry(a).or_insert(r);
            }
        }
        by_address
    });
    let bare = strip_indexes(address);
    let local = bare.strip_prefix(module).unwrap_or(&bare);
    resources.get(local).copied()
}

/// Replaces unknown values by references to resources of the module, where the
/// configuration expression names one.
fn link_references(
    props: &mut Node,
    exprs: &Node,
    module: &str,
    addresses: &HashMap<&str, &str>,
    depth: usize,
) {
    if depth > super::super::tree::MAX_DEPTH {
        return;
    }
    let Tree::Map(entries) = &mut props.value else {
        return;
    };
    // Large maps are indexed: a search per key is quadratic.
    let index = exprs
        .as_map()
        .filter(|e| e.len() > 16)
        .map(|e| (key_index(e), e));
    for (k, v) in entries.iter_mut() {
        let expr = match &index {
            Some((index, e)) => index.get(&k.name).map(|&i| &e[i].1),
            None => exprs.get(&k.name),
        };
        let Some(expr) = expr else {
            continue;
        };
        match (&mut v.value, &expr.value) {
            (Tree::Unknown(_), _) => {
                if let Some(reference) = resource_reference(expr, module, addresses) {
                    v.value = reference;
                }
            }
            (Tree::List(items), Tree::List(blocks)) => {
                for (item, block) in items.iter_mut().zip(blocks) {
                    link_references(item, block, module, addresses, depth + 1);
                }
            }
            (Tree::List(items), Tree::Map(_)) => {
                if let Some(item) = items.first_mut() {
                    link_references(item, expr, module, addresses, depth + 1);
                }
            }
            (Tree::Map(_), Tree::Map(_)) => link_references(v, expr, module, addresses, depth + 1),
            _ => {}
        }
    }
}

/// `{"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}` → a reference to the plan's
/// `aws_kms_key.k` (of the same module).
fn resource_reference(expr: &Node, module: &str, addresses: &HashMap<&str, &str>) -> Option<Tree> {
    let refs = expr.get("references")?.as_list()?;
    for r in refs.iter().filter_map(Node::as_str) {
        let mut parts = r.split('.');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        if matches!(
            kind,
            "var" | "local" | "data" | "module" | "each" | "count" | "path" | "self" | "terraform"
        ) {
            continue;
        }
        let name = name.split('[').next().unwrap_or(name);
        let base = format!("{module}{kind}.{name}");
        let target = addresses.get(base.as_str())?;
        return Some(Tree::Reference {
            target: target.to_string(),
            attribute: parts.next().map(str::to_string),
        });
    }
    None
}

/// The region of each provider configuration: a constant, or a variable's value.
fn provider_regions(
    configuration: Option<&Node>,
    variables: Option<&Node>,
) -> HashMap<String, Result<String, String>> {
    let mut out = HashMap::new();
    let Some(providers) = configuration
        .and_then(|c| c.get("provider_config"))
        .and_then(Node::as_map)
    else {
        return out;
    };
    for (key, p) in providers {
        if p.get("name").and_then(Node::as_str) != Some("aws") {
            continue;
        }
        let region = match p.get("expressions").and_then(|e| e.get("region")) {
            None => Err("the `aws` provider takes its region from the environment".to_string()),
            Some(e) => match e.get("constant_value").and_then(Node::as_str) {
                Some(r) => Ok(r.to_string()),
                None => e
                    .get("references")
                    .and_then(Node::as_list)
                    .and_then(|refs| {
                        refs.iter()
                            .filter_map(Node::as_str)
                            .find_map(|r| r.strip_prefix("var."))
                    })
                    .and_then(|var| {
                        variables?
                            .get(var)?
                            .get("value")?
                            .as_str()
                            .map(str::to_string)
                    })
                    .ok_or_else(|| "the provider's region is not known from the plan".to_string()),
            },
        };
        out.insert(key.name.clone(), region);
    }
    out
}

/// Points the keys of a plan's values at the lines of the configuration they came from;
/// what the configuration does not write (defaults, computed values) points at the
/// enclosing block. A value the plan knows only after apply takes what the configuration
/// says of it, when that is more (a policy whose `Resource` is a new bucket's ARN is still
/// known in its other parts).
fn relocate(after: &mut Node, source: &Node) {
    after.line = source.line;
    if matches!(after.value, Tree::Unknown(_)) && !matches!(source.value, Tree::Unknown(_)) {
        *after = source.clone();
        return;
    }
    match (&mut after.value, &source.value) {
        (Tree::Map(entries), Tree::Map(_)) => {
            for (k, v) in entries.iter_mut() {
                match source.entry(&k.name) {
                    Some((sk, sv)) => {
                        k.line = sk.line;
                        relocate(v, sv);
                    }
                    None => {
                        k.line = source.line;
                        flatten_lines(v, source.line);
                    }
                }
            }
        }
        (Tree::List(items), Tree::List(src_items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                match src_items.get(i) {
                    Some(s) => relocate(item, s),
                    None => flatten_lines(item, source.line),
                }
            }
        }
        (_, _) => flatten_lines(after, source.line),
    }
}

fn flatten_lines(node: &mut Node, line: u32) {
    node.line = line;
    match &mut node.value {
        Tree::Map(entries) => {
            for (k, v) in entries {
                k.line = line;
                flatten_lines(v, line);
            }
        }
        Tree::List(items) => items.iter_mut().for_each(|i| flatten_lines(i, line)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_stripped_from_addresses() {
        assert_eq!(
            strip_indexes(r#"module.a["x.y"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(strip_indexes("aws_kms_key.k"), "aws_kms_key.k");
    }

    #[test]
    fn after_unknown_marks_values_and_adds_missing_ones() {
        let mut after = parse_json(r#"{"a": 1, "b": [{"c": "x"}, {"c": "y"}]}"#).unwrap();
        let unknown = parse_json(r#"{"b": [{}, {"c": true}], "d": true}"#).unwrap();
        mark_unknown(&mut after, &unknown, 0);
        let b = after.get("b").unwrap().as_list().unwrap();
        assert_eq!(b[0].get("c").unwrap().as_str(), Some("x"));
        assert!(matches!(b[1].get("c").unwrap().value, Tree::Unknown(_)));
        assert!(matches!(after.get("d").unwrap().value, Tree::Unknown(_)));
    }

    #[test]
    fn wide_maps_are_marked_and_linked_without_a_search_per_key() {
        // A resource of 200,000 attributes took minutes: a search of the map per key.
        let n = 50_000;
        let keys: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let map = |value: &dyn Fn(&String) -> String, step: usize| {
            let entries: Vec<String> = keys.iter().step_by(step).map(value).collect();
            entries.join(",")
        };
        let mut after = parse_json(&format!("{{{}}}", map(&|k| format!("\"{k}\": 1"), 1))).unwrap();
        let unknown = format!(
            "{{{}, \"new\": true}}",
            map(&|k| format!("\"{k}\": true"), 2)
        );
        mark_unknown(&mut after, &parse_json(&unknown).unwrap(), 0);
        let entries = after.as_map().unwrap();
        assert_eq!(entries.len(), n + 1);
        assert!(matches!(entries[0].1.value, Tree::Unknown(_)));
        assert_eq!(entries[1].1.value, Tree::Number("1".into()));
        assert_eq!(entries[n].0.name, "new");
        let exprs = format!(
            "{{{}}}",
            map(
                &|k| format!("\"{k}\": {{\"references\": [\"aws_kms_key.k\"]}}"),
                1
            )
        );
        let addresses = HashMap::from([("aws_kms_key.k", "aws_kms_key.k")]);
        link_references(&mut after, &parse_json(&exprs).unwrap(), "", &addresses, 0);
        let entries = after.as_map().unwrap();
        let reference = Tree::Reference {
            target: "aws_kms_key.k".into(),
            attribute: None,
        };
        assert_eq!(entries[n - 2].1.value, reference);
        assert_eq!(entries[n - 1].1.value, Tree::Number("1".into()));
    }

    #[test]
    fn references_link_in_a_plan_of_many_resources() {
        // Each reference searched every address (with an allocation per address), and each
        // change searched the configuration: 5,000 resources took 40 seconds.
        let n = 20_000;
        let change = |address: String, kind: &str, after: &str, unknown: &str| {
            format!(
                r#"{{"address": "{address}", "mode": "managed", "type": "{kind}", "change": {{"actions": ["create"], "after": {after}, "after_unknown": {unknown}}}}}"#
            )
        };
        let mut changes = Vec::new();
        let mut config = Vec::new();
        for i in 0..n {
            changes.push(change(
                format!("aws_kms_key.k{i}[0]"),
                "aws_kms_key",
                "{}",
                "{}",
            ));
            changes.push(change(
                format!("aws_sagemaker_notebook_instance.nb{i}"),
                "aws_sagemaker_notebook_instance",
                &format!(r#"{{"name": "nb{i}"}}"#),
                r#"{"kms_key_id": true}"#,
            ));
            config.push(format!(r#"{{"address": "aws_sagemaker_notebook_instance.nb{i}", "expressions": {{"kms_key_id": {{"references": ["aws_kms_key.k{i}[0].arn", "aws_kms_key.k{i}"]}}}}}}"#));
        }
        let text = format!(
            r#"{{"format_version": "1.2", "resource_changes": [{}], "configuration": {{"root_module": {{"resources": [{}]}}}}}}"#,
            changes.join(","),
            config.join(",")
        );
        let (collected, errors) = read(
            &SourceText::new("/nonexistent/plan.json", text),
            ModelSchema::builtin(),
        );
        assert!(errors.is_empty(), "{:?}", &errors[..1]);
        for i in [0, 7, n - 1] {
            let nb = collected
                .resources
                .iter()
                .find(|r| r.name.as_deref() == Some(&format!("nb{i}")))
                .unwrap();
            assert_eq!(
                nb.attributes["kmsKey"],
                format!("/nonexistent/plan.json#aws_kms_key.k{i}[0]").as_str()
            );
        }
    }
}
