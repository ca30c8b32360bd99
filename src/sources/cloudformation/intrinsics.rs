//! CloudFormation intrinsic functions, resolved as far as a template alone allows.
//!
//! Parameters resolve to their defaults, pseudo parameters to what the configuration
//! fixes, conditions to booleans, mappings to their entries. `Ref`/`Fn::GetAtt` to a
//! resource of the template become [`Tree::Reference`]s, so a notebook whose key is
//! `!Ref MyKey` uses the template's key. Everything else a template cannot know
//! (`Fn::ImportValue`, a parameter without a default, a condition on one) becomes
//! [`Tree::Unknown`] with the reason: never a guess.

use std::collections::HashMap;

use crate::sources::tree::{Key, Node, Tree};

/// Conditions that name conditions, this deep, are refused rather than followed.
const MAX_CONDITION_DEPTH: usize = 64;

/// A problem that makes the template invalid, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: u32,
    pub message: String,
}

/// What resolution knows about the template.
pub struct Resolver<'t> {
    /// Parameter values: the default, or why there is none.
    pub parameters: HashMap<String, Result<Node, String>>,
    pub conditions: HashMap<String, &'t Node>,
    pub mappings: Option<&'t Node>,
    /// Logical id → type, for every resource.
    pub resources: HashMap<String, String>,
    /// Logical id → the string its `Ref` gives, where the template fixes it (a bucket's
    /// `BucketName`).
    pub ref_strings: HashMap<String, String>,
    pub region: Option<String>,
    pub account: Option<String>,
    /// Conditions being evaluated, to refuse cycles.
    evaluating: std::cell::RefCell<Vec<String>>,
    cache: std::cell::RefCell<HashMap<String, Option<bool>>>,
}

/// The result of resolving a value: a value, or nothing (`AWS::NoValue`, or a branch of
/// `Fn::If` that removes the property).
type Resolved = Result<Option<Node>, TemplateError>;

fn unknown(line: u32, reason: impl Into<String>) -> Node {
    Node::new(line, Tree::Unknown(reason.into()))
}

fn error(line: u32, message: impl Into<String>) -> TemplateError {
    TemplateError {
        line,
        message: message.into(),
    }
}

/// The intrinsic a map stands for, when it is one: a single key that names a function.
fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    match &node.value {
        Tree::Map(entries) if entries.len() == 1 => {
            let (k, v) = &entries[0];
            (k.name == "Ref" || k.name.starts_with("Fn::") || k.name == "Condition")
                .then_some((k.name.as_str(), v))
        }
        _ => None,
    }
}

/// The long name of a YAML short form: `!GetAtt` is `Fn::GetAtt`, `!Ref` is `Ref`.
fn long_name(tag: &str) -> String {
    match tag {
        "Ref" | "Condition" => tag.to_string(),
        other => format!("Fn::{other}"),
    }
}

impl<'t> Resolver<'t> {
    pub fn new(
        parameters: HashMap<String, Result<Node, String>>,
        conditions: HashMap<String, &'t Node>,
        mappings: Option<&'t Node>,
        resources: HashMap<String, String>,
        region: Option<String>,
        account: Option<String>,
    ) -> Resolver<'t> {
        Resolver {
            parameters,
            conditions,
            mappings,
            resources,
            ref_strings: HashMap::new(),
            region,
            account,
            evaluating: Default::default(),
            cache: Default::default(),
        }
    }

    /// Resolves a property value. `None` means the property is not there.
    pub fn resolve(&self, node: &Node) -> Resolved {
        if is_no_value(node) {
            return Ok(None);
        }
        if let Tree::Tagged(tag, inner) = &node.value {
            return self.function(&long_name(tag), inner, node.line);
        }
        if let Some((name, arg)) = intrinsic(node) {
            if name != "Condition" {
                return self.function(name, arg, node.line);
            }
        }
        Ok(Some(match &node.value {
            Tree::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(v) = self.resolve(item)? {
                        out.push(v);
                    }
                }
                Node::new(node.line, Tree::List(out))
            }
            Tree::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    if let Some(v) = self.resolve(v)? {
                        out.push((k.clone(), v));
                    }
                }
                Node::new(node.line, Tree::Map(out))
            }
            _ => node.clone(),
        }))
    }

    fn function(&self, name: &str, arg: &Node, line: u32) -> Resolved {
        match name {
            "Ref" => self.reference(arg, line).map(Some),
            "Fn::GetAtt" => self.get_att(arg, line).map(Some),
            "Fn::Sub" => self.sub(arg, line).map(Some),
            "Fn::Join" => self.join(arg, line).map(Some),
            "Fn::Select" => self.select(arg, line),
            "Fn::Split" => self.split(arg, line).map(Some),
            "Fn::If" => self.if_(arg, line),
            "Fn::FindInMap" => self.find_in_map(arg, line).map(Some),
            "Fn::ImportValue" => Ok(Some(unknown(
                line,
                "imported from another stack (`Fn::ImportValue`)",
            ))),
            "Fn::GetAZs" => Ok(Some(unknown(line, "`Fn::GetAZs` depends on the account"))),
            "Fn::Base64" | "Fn::Cidr" | "Fn::Transform" => Ok(Some(unknown(
                line,
                format!("`{name}` is evaluated at deployment"),
            ))),
            "Fn::Length" => {
                let list = self.resolve(arg)?;
                Ok(Some(match list.as_ref().map(|l| &l.value) {
                    Some(Tree::List(items)) => {
                        Node::new(line, Tree::Number(items.len().to_string()))
                    }
                    _ => unknown(line, "`Fn::Length` of a value that is not known"),
                }))
            }
            "Fn::ToJsonString" => {
                let v = self.resolve(arg)?;
                Ok(Some(match v.as_ref().and_then(Node::to_json) {
                    Some(json) => Node::new(line, Tree::String(json.to_string())),
                    None => unknown(line, "`Fn::ToJsonString` of a value that is not known"),
                }))
            }
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                let node = Node::new(
                    line,
                    Tree::Map(vec![(
                        Key {
                            name: name.into(),
                            line,
                        },
                        arg.clone(),
                    )]),
                );
                Ok(Some(match self.condition_value(&node)? {
                    Some(b) => Node::new(line, Tree::Bool(b)),
                    None => unknown(line, "the condition depends on values that are not known"),
                }))
            }
            other => Err(error(line, format!("unknown intrinsic function `{other}`"))),
        }
    }

    fn reference(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let name = arg
            .as_str()
            .ok_or_else(|| error(line, "`Ref` takes the name of a parameter or resource"))?;
        if let Some(value) = self.parameters.get(name) {
            return Ok(match value {
                Ok(v) => Node::new(line, v.value.clone()),
                Err(reason) => unknown(line, reason.clone()),
            });
        }
        if self.resources.contains_key(name) {
            return Ok(Node::new(
                line,
                Tree::Reference {
                    target: name.to_string(),
                    attribute: None,
                },
            ));
        }
        Ok(match name {
            "AWS::NoValue" => {
                return Err(error(
                    line,
                    "`AWS::NoValue` is only allowed as a property value",
                ))
            }
            "AWS::Region" => match &self.region {
                Some(r) => Node::new(line, Tree::String(r.clone())),
                None => unknown(line, "the stack's region is not in the template"),
            },
            "AWS::AccountId" => match &self.account {
                Some(a) => Node::new(line, Tree::String(a.clone())),
                None => unknown(line, "the stack's account is not in the template"),
            },
            "AWS::Partition" => Node::new(line, Tree::String("aws".into())),
            "AWS::URLSuffix" => Node::new(line, Tree::String("amazonaws.com".into())),
            "AWS::StackName" | "AWS::StackId" | "AWS::NotificationARNs" => {
                unknown(line, format!("`{name}` is known at deployment"))
            }
            other => {
                return Err(error(
                    line,
                    format!(
                        "`Ref` to `{other}`, which is not a parameter or resource of the template"
                    ),
                ))
            }
        })
    }

    fn get_att(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let (resource, attribute) = match &arg.value {
            Tree::String(s) => match s.split_once('.') {
                Some((r, a)) => (r.to_string(), a.to_string()),
                None => return Err(error(line, "`Fn::GetAtt` takes `Resource.Attribute`")),
            },
            Tree::List(items) if items.len() == 2 => {
                let r = items[0]
                    .as_str()
                    .ok_or_else(|| error(line, "`Fn::GetAtt` takes a resource name"))?;
                let a = match self.resolve(&items[1])? {
                    Some(Node {
                        value: Tree::String(a),
                        ..
                    }) => a,
                    _ => {
                        return Ok(unknown(
                            line,
                            "`Fn::GetAtt` of an attribute that is not known",
                        ))
                    }
                };
                (r.to_string(), a)
            }
            _ => return Err(error(line, "`Fn::GetAtt` takes `[Resource, Attribute]`")),
        };
        if !self.resources.contains_key(&resource) {
            return Err(error(
                line,
                format!("`Fn::GetAtt` of `{resource}`, which is not a resource of the template"),
            ));
        }
        Ok(Node::new(
            line,
            Tree::Reference {
                target: resource,
                attribute: Some(attribute),
            },
        ))
    }

    /// The string a resolved value gives inside `Fn::Sub` or `Fn::Join`, or why it has none.
    fn as_text(&self, node: &Node) -> Result<String, String> {
        match &node.value {
            Tree::String(s) | Tree::Number(s) => Ok(s.clone()),
            Tree::Bool(b) => Ok(b.to_string()),
            Tree::Reference {
                target,
                attribute: None,
            } => self
                .ref_strings
                .get(target)
                .cloned()
                .ok_or_else(|| format!("`{target}` is named at deployment")),
            Tree::Reference {
                target,
                attribute: Some(a),
            } => Err(format!("`{target}.{a}` is known only after deployment")),
            Tree::Unknown(reason) => Err(reason.clone()),
            _ => Err("a list or map where a string is expected".into()),
        }
    }

    fn sub(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let (template, vars) = match &arg.value {
            Tree::String(s) => (s.as_str(), None),
            Tree::List(items) if items.len() == 2 => (
                items[0]
                    .as_str()
                    .ok_or_else(|| error(line, "`Fn::Sub` takes a string"))?,
                Some(&items[1]),
            ),
            _ => {
                return Err(error(
                    line,
                    "`Fn::Sub` takes a string or `[string, {variables}]`",
                ))
            }
        };
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(error(line, "`Fn::Sub` has an unclosed `${`"));
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.resolve(v)?,
                None if name.contains('.') => {
                    let (r, a) = name.split_once('.').unwrap_or((name, ""));
                    if self.resources.contains_key(r) {
                        Some(Node::new(
                            line,
                            Tree::Reference {
                                target: r.to_string(),
                                attribute: Some(a.to_string()),
                            },
                        ))
                    } else {
                        return Err(error(
                            line,
                            format!("`Fn::Sub` names `{name}`, which is not in the template"),
                        ));
                    }
                }
                None => {
                    Some(self.reference(&Node::new(line, Tree::String(name.to_string())), line)?)
                }
            };
            match value.as_ref().map(|v| self.as_text(v)) {
                Some(Ok(s)) => out.push_str(&s),
                Some(Err(reason)) => return Ok(unknown(line, reason)),
                None => return Ok(unknown(line, "`Fn::Sub` of a removed value")),
            }
        }
        out.push_str(rest);
        Ok(Node::new(line, Tree::String(out)))
    }

    fn join(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let items = arg
            .as_list()
            .filter(|l| l.len() == 2)
            .ok_or_else(|| error(line, "`Fn::Join` takes `[delimiter, [values]]`"))?;
        let delimiter = items[0]
            .as_str()
            .ok_or_else(|| error(line, "the `Fn::Join` delimiter must be a string"))?;
        let list = self.resolve(&items[1])?;
        let Some(Node {
            value: Tree::List(values),
            ..
        }) = list
        else {
            return Ok(unknown(line, "`Fn::Join` of a list that is not known"));
        };
        let mut parts = Vec::with_capacity(values.len());
        for v in &values {
            match self.as_text(v) {
                Ok(s) => parts.push(s),
                Err(reason) => return Ok(unknown(line, reason)),
            }
        }
        Ok(Node::new(line, Tree::String(parts.join(delimiter))))
    }

    fn select(&self, arg: &Node, line: u32) -> Resolved {
        let items = arg
            .as_list()
            .filter(|l| l.len() == 2)
            .ok_or_else(|| error(line, "`Fn::Select` takes `[index, [values]]`"))?;
        let index = self.resolve(&items[0])?;
        let index = match index.as_ref().map(|i| &i.value) {
            Some(Tree::Number(n) | Tree::String(n)) => n
                .parse::<usize>()
                .map_err(|_| error(line, format!("`Fn::Select` index `{n}` is not a number")))?,
            _ => {
                return Ok(Some(unknown(
                    line,
                    "`Fn::Select` with an index that is not known",
                )))
            }
        };
        match self.resolve(&items[1])? {
            Some(Node {
                value: Tree::List(values),
                ..
            }) => match values.into_iter().nth(index) {
                Some(v) => Ok(Some(v)),
                None => Err(error(
                    line,
                    format!("`Fn::Select` index {index} is out of range"),
                )),
            },
            _ => Ok(Some(unknown(
                line,
                "`Fn::Select` from a list that is not known",
            ))),
        }
    }

    fn split(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let items = arg
            .as_list()
            .filter(|l| l.len() == 2)
            .ok_or_else(|| error(line, "`Fn::Split` takes `[delimiter, string]`"))?;
        let delimiter = items[0]
            .as_str()
            .ok_or_else(|| error(line, "the `Fn::Split` delimiter must be a string"))?;
        let source = self.resolve(&items[1])?;
        Ok(match source.as_ref().map(|s| self.as_text(s)) {
            Some(Ok(s)) if !delimiter.is_empty() => Node::new(
                line,
                Tree::List(
                    s.split(delimiter)
                        .map(|p| Node::new(line, Tree::String(p.to_string())))
                        .collect(),
                ),
            ),
            Some(Err(reason)) => unknown(line, reason),
            _ => unknown(line, "`Fn::Split` of a value that is not known"),
        })
    }

    fn if_(&self, arg: &Node, line: u32) -> Resolved {
        let items = arg
            .as_list()
            .filter(|l| l.len() == 3)
            .ok_or_else(|| error(line, "`Fn::If` takes `[condition, then, else]`"))?;
        let name = items[0]
            .as_str()
            .ok_or_else(|| error(line, "`Fn::If` takes the name of a condition"))?;
        let branch = match self.condition(name, line)? {
            Some(true) => &items[1],
            Some(false) => &items[2],
            None => {
                return Ok(Some(unknown(
                    line,
                    format!("depends on the condition `{name}`, which is not known"),
                )))
            }
        };
        if is_no_value(branch) {
            return Ok(None);
        }
        self.resolve(branch)
    }

    fn find_in_map(&self, arg: &Node, line: u32) -> Result<Node, TemplateError> {
        let items = arg
            .as_list()
            .filter(|l| l.len() == 3 || l.len() == 4)
            .ok_or_else(|| error(line, "`Fn::FindInMap` takes `[map, key, key]`"))?;
        let mut keys = Vec::with_capacity(3);
        for item in &items[..3] {
            match self.resolve(item)?.as_ref().map(|k| self.as_text(k)) {
                Some(Ok(k)) => keys.push(k),
                Some(Err(reason)) => return Ok(unknown(line, reason)),
                None => {
                    return Ok(unknown(
                        line,
                        "`Fn::FindInMap` with a key that is not known",
                    ))
                }
            }
        }
        let found = self
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match found {
            Some(v) => Ok(v.clone()),
            None => Err(error(
                line,
                format!("`Fn::FindInMap` finds nothing at `{}`", keys.join(".")),
            )),
        }
    }

    /// A named condition: `Some` when the template decides it.
    pub fn condition(&self, name: &str, line: u32) -> Result<Option<bool>, TemplateError> {
        if let Some(v) = self.cache.borrow().get(name) {
            return Ok(*v);
        }
        let Some(&node) = self.conditions.get(name) else {
            return Err(error(line, format!("unknown condition `{name}`")));
        };
        if self.evaluating.borrow().iter().any(|n| n == name) {
            return Err(error(
                line,
                format!("the condition `{name}` depends on itself"),
            ));
        }
        if self.evaluating.borrow().len() >= MAX_CONDITION_DEPTH {
            return Err(error(
                line,
                format!("conditions refer to conditions more than {MAX_CONDITION_DEPTH} deep"),
            ));
        }
        self.evaluating.borrow_mut().push(name.to_string());
        let value = self.condition_value(node);
        self.evaluating.borrow_mut().pop();
        let value = value?;
        self.cache.borrow_mut().insert(name.to_string(), value);
        Ok(value)
    }

    fn condition_value(&self, node: &Node) -> Result<Option<bool>, TemplateError> {
        let (name, arg) = match &node.value {
            Tree::Tagged(tag, inner) => (long_name(tag), &**inner),
            Tree::Bool(b) => return Ok(Some(*b)),
            _ => match intrinsic(node) {
                Some((n, a)) => (n.to_string(), a),
                None => return Err(error(node.line, "a condition must be a condition function")),
            },
        };
        let line = node.line;
        let operands = || {
            arg.as_list()
                .ok_or_else(|| error(line, format!("`{name}` takes a list")))
        };
        match name.as_str() {
            "Condition" => {
                let c = arg
                    .as_str()
                    .ok_or_else(|| error(line, "`Condition` takes a name"))?;
                self.condition(c, line)
            }
            "Fn::Equals" => {
                let items = operands()?;
                if items.len() != 2 {
                    return Err(error(line, "`Fn::Equals` takes two values"));
                }
                let a = self.resolve(&items[0])?;
                let b = self.resolve(&items[1])?;
                Ok(
                    match (
                        a.as_ref().map(|a| self.as_text(a)),
                        b.as_ref().map(|b| self.as_text(b)),
                    ) {
                        (Some(Ok(a)), Some(Ok(b))) => Some(a == b),
                        _ => None,
                    },
                )
            }
            "Fn::Not" => {
                let items = operands()?;
                if items.len() != 1 {
                    return Err(error(line, "`Fn::Not` takes one condition"));
                }
                Ok(self.condition_value(&items[0])?.map(|b| !b))
            }
            "Fn::And" | "Fn::Or" => {
                let is_and = name == "Fn::And";
                let mut unknown = false;
                for c in operands()? {
                    match self.condition_value(c)? {
                        Some(b) if b != is_and => return Ok(Some(b)),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                Ok(if unknown { None } else { Some(is_and) })
            }
            other => Err(error(
                line,
                format!("`{other}` is not a condition function"),
            )),
        }
    }
}

/// `{"Ref": "AWS::NoValue"}` or `!Ref AWS::NoValue`.
pub fn is_no_value(node: &Node) -> bool {
    match &node.value {
        Tree::Tagged(t, inner) if t == "Ref" => inner.as_str() == Some("AWS::NoValue"),
        _ => matches!(intrinsic(node), Some(("Ref", v)) if v.as_str() == Some("AWS::NoValue")),
    }
}
