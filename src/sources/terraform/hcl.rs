//! Terraform configuration (`.tf`), read without `terraform init`.
//!
//! A directory is a module: its variables (with defaults), locals, provider region,
//! resources and `aws_iam_policy_document` data sources are evaluated as far as the files
//! allow. References between resources stay references, so a bucket encrypted with
//! `aws_kms_key.k.arn` uses the configuration's own key. Local modules (`source = "./x"`)
//! are read with the caller's inputs; a directory some other input calls as a module is
//! not audited again on its own. What needs a plan or an apply (data sources other than
//! policy documents, `for` expressions, module outputs, most functions) is unknown, never
//! guessed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;

use super::super::iac::{Declared, Unit};
use super::super::tree::{Key, Node, Tree, MAX_DEPTH};
use super::super::{display, InputError, LineIndex, SourceText};
use crate::model::{Collected, ModelSchema, Suppression};

/// Local modules calling local modules, this deep, are not followed further.
const MAX_MODULE_DEPTH: usize = 8;

/// What evaluating a root module (with the modules it calls) may make, in bytes of values:
/// every expression's value counted in full, [`VALUE_BYTES`] a value plus its strings,
/// against a floor and more for more text. Locals that use another local twice double at
/// each step, and module calls multiply their modules; past this a configuration is an
/// expansion bomb, not infrastructure, and what is left is unknown.
const BUDGET_FLOOR: usize = 256 << 20;
const BUDGET_PER_BYTE: usize = 256;
const VALUE_BYTES: usize = 64;
const OVER_BUDGET: &str = "not evaluated: the configuration makes too many values";

/// The evaluation budget a root module and the modules it calls share.
struct Budget {
    limit: usize,
    left: std::cell::Cell<usize>,
    /// Set when a charge did not fit; the module that made it has the error.
    exhausted: std::cell::Cell<bool>,
}

impl Budget {
    fn new(files: &[File]) -> std::rc::Rc<Budget> {
        let text: usize = files.iter().map(|f| f.text.len()).sum();
        let limit = BUDGET_FLOOR.saturating_add(text.saturating_mul(BUDGET_PER_BYTE));
        std::rc::Rc::new(Budget {
            limit,
            left: std::cell::Cell::new(limit),
            exhausted: std::cell::Cell::new(false),
        })
    }

    /// Takes `cost` from what is left; `false` past it, the first time and every time after.
    fn take(&self, cost: usize) -> bool {
        match self.left.get().checked_sub(cost) {
            Some(left) if !self.exhausted.get() => {
                self.left.set(left);
                true
            }
            _ => false,
        }
    }
}

/// What a value costs against the [`Budget`].
fn value_bytes(node: &Node) -> usize {
    let mut bytes = 0usize;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        bytes = bytes.saturating_add(VALUE_BYTES);
        let text = match &n.value {
            Tree::Number(s) | Tree::String(s) | Tree::Unknown(s) => s.len(),
            Tree::Reference { target, attribute } => {
                target.len() + attribute.as_ref().map_or(0, String::len)
            }
            Tree::List(items) => {
                todo.extend(items);
                0
            }
            Tree::Map(entries) => entries
                .iter()
                .map(|(k, v)| {
                    todo.push(v);
                    k.name.len()
                })
                .sum(),
            Tree::Tagged(tag, inner) => {
                todo.push(inner);
                tag.len()
            }
            Tree::Null | Tree::Bool(_) => 0,
        };
        bytes = bytes.saturating_add(text);
    }
    bytes
}

/// One parsed `.tf` file.
struct File {
    path: Arc<str>,
    text: String,
    lines: LineIndex,
    body: Body,
}

/// Reads every directory of `.tf` files, each as a root module, except directories that
/// another one calls as a local module.
pub fn read_modules(
    modules: &BTreeMap<PathBuf, Vec<PathBuf>>,
    schema: &'static ModelSchema,
) -> Vec<(Collected, Vec<InputError>)> {
    let mut parsed: BTreeMap<PathBuf, (Vec<File>, Vec<InputError>)> = BTreeMap::new();
    for (dir, files) in modules {
        parsed.insert(dir.clone(), parse_files(files));
    }
    // Directories called as local modules by another input are read through their caller.
    let mut called: HashSet<PathBuf> = HashSet::new();
    for (dir, (files, _)) in &parsed {
        for f in files {
            for b in blocks(&f.body, "module") {
                if let Some(source) = string_attr(&b.body, "source").filter(|s| is_local(s)) {
                    if let Ok(target) = normalize(&dir.join(source)) {
                        called.insert(target);
                    }
                }
            }
        }
    }
    parsed
        .into_iter()
        .filter(|(dir, _)| normalize(dir).map_or(true, |d| !called.contains(&d)))
        .map(|(dir, (files, errors))| read_root(&dir, files, errors, schema))
        .collect()
}

/// The resources the `.tf` files of a directory declare, by address, evaluated with the
/// given variable values: what a plan next to them points its findings at, and where its
/// values known only after apply are partly known. Empty when there are none or they do
/// not parse (the plan's own lines are used then).
pub fn declared_in(dir: &Path, variables: HashMap<String, Node>) -> HashMap<String, Declared> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect(),
        Err(_) => return HashMap::new(),
    };
    paths.sort();
    let (files, _) = parse_files(&paths);
    let module = Module::new(&files, variables, String::new());
    let mut declared = Vec::new();
    let mut errors = Vec::new();
    let mut visiting = vec![normalize(dir).unwrap_or_else(|_| dir.to_path_buf())];
    module.read(dir, &mut declared, &mut errors, &mut visiting);
    declared
        .into_iter()
        .map(|d| (d.address.clone(), d))
        .collect()
}

/// A single `.tf` file given with `--input-kind terraform`: its directory's module, with
/// just that file.
pub fn read_single(src: &SourceText, schema: &'static ModelSchema) -> (Collected, Vec<InputError>) {
    let path = PathBuf::from(&*src.path);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let (files, errors) = parse_texts(vec![(src.path.clone(), src.text.clone())]);
    read_root(&dir, files, errors, schema)
}

fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// A path with `.` and `..` resolved lexically.
fn normalize(path: &Path) -> Result<PathBuf, ()> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

fn parse_files(paths: &[PathBuf]) -> (Vec<File>, Vec<InputError>) {
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match super::super::read_text(p, super::super::MAX_TEMPLATE_BYTES) {
            Ok(src) => texts.push((src.path.clone(), src.text)),
            Err(e) => errors.push(*e),
        }
    }
    let (files, mut parse_errors) = parse_texts(texts);
    errors.append(&mut parse_errors);
    (files, errors)
}

fn parse_texts(texts: Vec<(Arc<str>, String)>) -> (Vec<File>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in texts {
        let src = SourceText::new(&path, text);
        if let Some(offset) = too_deep(&src.text) {
            errors.push(InputError::at(
                &src,
                offset,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
            continue;
        }
        match hcl_edit::parser::parse_body(&src.text) {
            Ok(body) => files.push(File {
                path: src.path.clone(),
                lines: src.lines.clone(),
                text: src.text.clone(),
                body,
            }),
            Err(e) => {
                let loc = e.location();
                let offset = src.lines.offset(loc.line(), loc.column(), src.text.len());
                errors.push(InputError::at(
                    &src,
                    offset,
                    format!("cannot parse: {}", e.message()),
                ));
            }
        }
    }
    (files, errors)
}

/// The offset where brackets nest deeper than [`MAX_DEPTH`], if they do: the parser
/// recurses, and hostile input must not exhaust the stack.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn blocks<'b>(body: &'b Body, ident: &'b str) -> impl Iterator<Item = &'b Block> {
    body.iter().filter_map(move |s| match s {
        Structure::Block(b) if b.ident.as_str() == ident => Some(b),
        _ => None,
    })
}

fn string_attr<'b>(body: &'b Body, key: &str) -> Option<&'b str> {
    match &body.get_attribute(key)?.value {
        Expression::String(s) => Some(s.as_str()),
        _ => None,
    }
}

fn read_root(
    dir: &Path,
    files: Vec<File>,
    mut errors: Vec<InputError>,
    schema: &'static ModelSchema,
) -> (Collected, Vec<InputError>) {
    if files.is_empty() {
        return (Collected::default(), errors);
    }
    let shown = display(dir);
    let shown = if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    };
    let mut declared = Vec::new();
    let mut region = Err("no `provider \"aws\"` block sets the region".to_string());
    let mut visiting = vec![normalize(dir).unwrap_or_else(|_| dir.to_path_buf())];
    let module = Module::new(&files, HashMap::new(), String::new());
    module.read(dir, &mut declared, &mut errors, &mut visiting);
    let mut problems = module.problems.take();
    problems.sort();
    problems.dedup();
    for (file, line, message) in problems {
        if let Some(f) = files.iter().find(|f| f.path == file) {
            let src = SourceText::new(&f.path, f.text.clone());
            errors.push(InputError::at_line(&src, line, message));
        }
    }
    if let Some(r) = module.region() {
        region = r;
    }
    let unit = Unit {
        file: files[0].path.clone(),
        id_prefix: shown,
        account: None,
        region,
        resources: declared,
    };
    let (resources, mapping_errors) =
        super::super::iac::to_model(&unit, &super::types::MAPPINGS, schema);
    for e in mapping_errors {
        // Mapping errors name the resource; point at its file when it has one.
        let file = unit
            .resources
            .iter()
            .find(|d| e.message.starts_with(&format!("`{}`", d.address)))
            .and_then(|d| d.file.clone())
            .unwrap_or_else(|| unit.file.clone());
        let f = files.iter().find(|f| f.path == file);
        errors.push(match f {
            Some(f) => {
                let src = SourceText::new(&f.path, f.text.clone());
                InputError::at_line(&src, e.line, e.message)
            }
            None => InputError::whole_file(&file, e.message),
        });
    }
    (
        Collected {
            resources,
            ..Collected::default()
        },
        errors,
    )
}

/// A module being evaluated: its files, inputs and the address prefix of its resources.
struct Module<'f> {
    files: &'f [File],
    inputs: HashMap<String, Node>,
    /// `module.a.` for resources of a called module; empty for the root.
    prefix: String,
    variables: HashMap<String, &'f Expression>,
    locals: HashMap<String, (&'f File, &'f Expression)>,
    /// Resource addresses (without prefix) → (type, file, block).
    resources: HashMap<String, (&'f File, &'f Block)>,
    data: HashMap<String, (&'f File, &'f Block)>,
    evaluating: std::cell::RefCell<Vec<String>>,
    /// The iterators of the `dynamic` blocks being expanded: name, key, value.
    iterators: std::cell::RefCell<Vec<(String, Node, Node)>>,
    /// Problems met while evaluating: file, line, message.
    problems: std::cell::RefCell<Vec<(Arc<str>, u32, String)>>,
    /// Shared with the modules this one calls.
    budget: std::rc::Rc<Budget>,
}

impl<'f> Module<'f> {
    fn new(files: &'f [File], inputs: HashMap<String, Node>, prefix: String) -> Module<'f> {
        let mut m = Module {
            files,
            inputs,
            prefix,
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            data: HashMap::new(),
            evaluating: Default::default(),
            iterators: Default::default(),
            problems: Default::default(),
            budget: Budget::new(files),
        };
        for f in files {
            for s in f.body.iter() {
                let Structure::Block(b) = s else { continue };
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                match (b.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        if let Some(d) = b.body.get_attribute("default") {
                            m.variables.insert(name.to_string(), &d.value);
                        }
                    }
                    ("locals", []) => {
                        for s in b.body.iter() {
                            if let Structure::Attribute(a) = s {
                                m.locals.insert(a.key.as_str().to_string(), (f, &a.value));
                            }
                        }
                    }
                    ("resource", [t, n]) => {
                        m.resources.insert(format!("{t}.{n}"), (f, b));
                    }
                    ("data", [t, n]) => {
                        m.data.insert(format!("{t}.{n}"), (f, b));
                    }
                    _ => {}
                }
            }
        }
        m
    }

    /// The region of the module's default `aws` provider, when it has one.
    fn region(&self) -> Option<Result<String, String>> {
        for f in self.files {
            for b in blocks(&f.body, "provider") {
                let is_aws = b.labels.first().is_some_and(|l| l.as_str() == "aws");
                if !is_aws || b.body.get_attribute("alias").is_some() {
                    continue;
                }
                let Some(attr) = b.body.get_attribute("region") else {
                    return Some(Err(
                        "the `aws` provider takes its region from the environment".into(),
                    ));
                };
                let v = self.eval(f, &attr.value, 0);
                return Some(match v.value {
                    Tree::String(s) => Ok(s),
                    _ => Err(v
                        .first_unknown()
                        .unwrap_or_else(|| "the provider's region is not a string".into())),
                });
            }
        }
        None
    }

    fn read(
        &self,
        dir: &Path,
        out: &mut Vec<Declared>,
        errors: &mut Vec<InputError>,
        visiting: &mut Vec<PathBuf>,
    ) {
        for f in self.files {
            for s in f.body.iter() {
                let Structure::Block(b) = s else { continue };
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                match (b.ident.as_str(), labels.as_slice()) {
                    ("resource", [t, n]) => {
                        if let Some(count) = b.body.get_attribute("count") {
                            let c = self.eval(f, &count.value, 0);
                            if matches!(&c.value, Tree::Number(n) if n == "0")
                                || c.value == Tree::Bool(false)
                            {
                                continue;
                            }
                        }
                        let line = line_of(f, b.span());
                        let properties = self.body(f, &b.body, 0);
                        self.charge(VALUE_BYTES, f, line);
                        let address = format!("{}{t}.{n}", self.prefix);
                        let tags = tags(&properties);
                        let suppressions = suppressions(f, line);
                        let d = Declared {
                            source_type: t.to_string(),
                            address,
                            line,
                            properties,
                            tags,
                            suppressions,
                            file: Some(f.path.clone()),
                        };
                        if *t == "aws_iam_role" {
                            out.extend(super::super::iac::inline_policies(
                                &d,
                                "inline_policy",
                                "name",
                                "policy",
                                "aws_iam_role_policy",
                                "role",
                            ));
                        }
                        out.push(d);
                    }
                    ("module", [name]) => self.call(dir, f, b, name, out, errors, visiting),
                    _ => {}
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        dir: &Path,
        f: &File,
        b: &Block,
        name: &str,
        out: &mut Vec<Declared>,
        errors: &mut Vec<InputError>,
        visiting: &mut Vec<PathBuf>,
    ) {
        let Some(source) = string_attr(&b.body, "source").filter(|s| is_local(s)) else {
            // Registry and git modules need `terraform init`; a plan covers them.
            return;
        };
        let Ok(target) = normalize(&dir.join(source)) else {
            return;
        };
        if self.budget.exhausted.get() {
            return;
        }
        if visiting.contains(&target) || visiting.len() > MAX_MODULE_DEPTH {
            let src = SourceText::new(&f.path, f.text.clone());
            errors.push(InputError::at_line(
                &src,
                line_of(f, b.span()),
                format!("module `{name}` calls `{source}`, which is already being read (a cycle, or nesting deeper than {MAX_MODULE_DEPTH})"),
            ));
            return;
        }
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&target) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "tf"))
                .collect(),
            Err(e) => {
                let src = SourceText::new(&f.path, f.text.clone());
                errors.push(InputError::at_line(
                    &src,
                    line_of(f, b.span()),
                    format!("module `{name}`: cannot read `{source}`: {e}"),
                ));
                return;
            }
        };
        paths.sort();
        let (files, mut errs) = parse_files(&paths);
        errors.append(&mut errs);
        // Each call reads its module again: what it reads is charged like values.
        if !self.charge(
            files.iter().map(|f| f.text.len()).sum(),
            f,
            line_of(f, b.span()),
        ) {
            return;
        }
        let mut inputs = HashMap::new();
        for s in b.body.iter() {
            if let Structure::Attribute(a) = s {
                let key = a.key.as_str();
                if !matches!(
                    key,
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    inputs.insert(key.to_string(), self.eval(f, &a.value, 0));
                }
            }
        }
        let mut child = Module::new(&files, inputs, format!("{}module.{name}.", self.prefix));
        child.budget = self.budget.clone();
        visiting.push(target.clone());
        child.read(&target, out, errors, visiting);
        visiting.pop();
        for (file, line, message) in child.problems.take() {
            if let Some(f) = files.iter().find(|f| f.path == file) {
                let src = SourceText::new(&f.path, f.text.clone());
                errors.push(InputError::at_line(&src, line, message));
            }
        }
    }

    /// A block body as a map: attributes by name, nested blocks as lists of maps.
    fn body(&self, f: &File, body: &Body, depth: usize) -> Node {
        let line = line_of(f, body.span());
        let mut entries: Vec<(Key, Node)> = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if matches!(
                        key,
                        "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
                    ) {
                        continue;
                    }
                    let line = line_of(f, a.span());
                    entries.push((
                        Key {
                            name: key.to_string(),
                            line,
                        },
                        self.eval(f, &a.value, depth + 1),
                    ));
                }
                Structure::Block(b) => {
                    let line = line_of(f, b.span());
                    if b.ident.as_str() == "dynamic" {
                        let name = b
                            .labels
                            .first()
                            .map(|l| l.as_str().to_string())
                            .unwrap_or_default();
                        let value = self.dynamic(f, b, &name, line, depth);
                        set_entry(&mut entries, Key { name, line }, value);
                        continue;
                    }
                    if b.ident.as_str() == "lifecycle" {
                        continue;
                    }
                    let inner = self.body(f, &b.body, depth + 1);
                    let key = Key {
                        name: b.ident.as_str().to_string(),
                        line,
                    };
                    match entries.iter_mut().find(|(k, _)| k.name == key.name) {
                        Some((
                            _,
                            Node {
                                value: Tree::List(items),
                                ..
                            },
                        )) => items.push(inner),
                        _ => entries.push((key, Node::new(line, Tree::List(vec![inner])))),
                    }
                }
            }
        }
        Node::new(line, Tree::Map(entries))
    }

    /// A `dynamic` block: one block per element of a known `for_each`, its `content`
    /// evaluated with the iterator bound.
    fn dynamic(&self, f: &File, b: &Block, label: &str, line: u32, depth: usize) -> Node {
        let unknown = |reason: &str| Node::new(line, Tree::Unknown(reason.to_string()));
        let Some(for_each) = b.body.get_attribute("for_each") else {
            return unknown("a `dynamic` block without `for_each`");
        };
        let Some(content) = blocks(&b.body, "content").next() else {
            return unknown("a `dynamic` block without `content`");
        };
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            Some(_) => return unknown("a `dynamic` block with an unusual `iterator`"),
            None => label.to_string(),
        };
        let items: Vec<(Node, Node)> = match self.eval(f, &for_each.value, depth + 1) {
            Node {
                value: Tree::List(items),
                ..
            } => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Node::new(v.line, Tree::Number(i.to_string())), v))
                .collect(),
            Node {
                value: Tree::Map(entries),
                ..
            } => entries
                .into_iter()
                .map(|(k, v)| (Node::new(k.line, Tree::String(k.name)), v))
                .collect(),
            other => {
                return unknown(&format!(
                    "generated by a `dynamic` block over {}",
                    other
                        .first_unknown()
                        .unwrap_or_else(|| "a value that is not a collection".into())
                ))
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (key, value) in items {
            self.iterators
                .borrow_mut()
                .push((iterator.clone(), key, value));
            let block = self.body(f, &content.body, depth + 1);
            self.iterators.borrow_mut().pop();
            // Nested `dynamic` blocks multiply, with no expression to charge when empty.
            if !self.charge(value_bytes(&block), f, line) {
                break;
            }
            out.push(block);
        }
        Node::new(line, Tree::List(out))
    }

    /// Takes `cost` from the budget; past it, `false`, and the first time an error at
    /// `line` of `f`.
    fn charge(&self, cost: usize, f: &File, line: u32) -> bool {
        if self.budget.take(cost) {
            return true;
        }
        if !self.budget.exhausted.replace(true) {
            self.problems.borrow_mut().push((
                f.path.clone(),
                line,
                format!(
                    "evaluating the configuration makes more than {} MiB of values (locals, `dynamic` blocks or module calls that multiply each other?); what is left is unknown",
                    self.budget.limit >> 20
                ),
            ));
        }
        false
    }

    /// Evaluates an expression, its value charged to the budget.
    fn eval(&self, f: &File, e: &Expression, depth: usize) -> Node {
        let line = line_of(f, e.span());
        if self.budget.exhausted.get() {
            return Node::new(line, Tree::Unknown(OVER_BUDGET.into()));
        }
        let node = self.eval_expr(f, e, depth);
        if self.charge(value_bytes(&node), f, line) {
            node
        } else {
            Node::new(line, Tree::Unknown(OVER_BUDGET.into()))
        }
    }

    /// Evaluates an expression as far as the configuration allows.
    fn eval_expr(&self, f: &File, e: &Expression, depth: usize) -> Node {
        let line = line_of(f, e.span());
        let unknown = |reason: &str| Node::new(line, Tree::Unknown(reason.to_string()));
        if depth > MAX_DEPTH {
            return unknown("the expression nests too deeply");
        }
        let value = match e {
            Expression::Null(_) => Tree::Null,
            Expression::Bool(b) => Tree::Bool(*b.value()),
            Expression::Number(n) => Tree::Number(n.value().to_string()),
            Expression::String(s) => Tree::String(s.value().to_string()),
            Expression::Array(items) => {
                Tree::List(items.iter().map(|i| self.eval(f, i, depth + 1)).collect())
            }
            Expression::Object(obj) => {
                let mut entries = Vec::new();
                for (k, v) in obj.iter() {
                    let name = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => match self.eval(f, ke, depth + 1).value {
                            Tree::String(s) => s,
                            _ => return unknown("an object key that is not known"),
                        },
                    };
                    let vline = line_of(f, v.expr().span());
                    entries.push((Key { name, line: vline }, self.eval(f, v.expr(), depth + 1)));
                }
                Tree::Map(entries)
            }
            Expression::StringTemplate(t) => return self.template(f, t, line, depth),
            Expression::HeredocTemplate(h) => return self.template(f, &h.template, line, depth),
            Expression::Parenthesis(p) => return self.eval(f, p.inner(), depth + 1),
            Expression::Variable(v) => {
                return unknown(&format!(
                    "`{}` is known only when Terraform runs",
                    v.as_str()
                ))
            }
            Expression::Traversal(t) => {
                return self.traversal(f, &t.expr, &t.operators, line, depth)
            }
            Expression::FuncCall(call) => {
                let args: Vec<Node> = call
                    .args
                    .iter()
                    .map(|a| self.eval(f, a, depth + 1))
                    .collect();
                return self.function(call.name.name.as_str(), args, line);
            }
            Expression::Conditional(c) => {
                return match self.eval(f, &c.cond_expr, depth + 1).value {
                    Tree::Bool(true) => self.eval(f, &c.true_expr, depth + 1),
                    Tree::Bool(false) => self.eval(f, &c.false_expr, depth + 1),
                    _ => unknown("the condition is not known"),
                }
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(f, &op.expr, depth + 1);
                return match (*op.operator.value(), &v.value) {
                    (UnaryOperator::Not, Tree::Bool(b)) => Node::new(line, Tree::Bool(!b)),
                    (UnaryOperator::Neg, Tree::Number(n)) => {
                        Node::new(line, Tree::Number(format!("-{n}")))
                    }
                    _ => unknown("an operation on a value that is not known"),
                };
            }
            Expression::BinaryOp(op) => {
                let l = self.eval(f, &op.lhs_expr, depth + 1);
                let r = self.eval(f, &op.rhs_expr, depth + 1);
                return match (*op.operator.value(), &l.value, &r.value) {
                    (BinaryOperator::Eq, a, b) if known(a) && known(b) => {
                        Node::new(line, Tree::Bool(a == b))
                    }
                    (BinaryOperator::NotEq, a, b) if known(a) && known(b) => {
                        Node::new(line, Tree::Bool(a != b))
                    }
                    (BinaryOperator::And, Tree::Bool(a), Tree::Bool(b)) => {
                        Node::new(line, Tree::Bool(*a && *b))
                    }
                    (BinaryOperator::Or, Tree::Bool(a), Tree::Bool(b)) => {
                        Node::new(line, Tree::Bool(*a || *b))
                    }
                    _ => unknown("an operation ailint does not evaluate"),
                };
            }
            Expression::ForExpr(_) => return unknown("a `for` expression"),
        };
        Node::new(line, value)
    }

    fn template(&self, f: &File, t: &Template, line: u32, depth: usize) -> Node {
        let mut out = String::new();
        for element in t.iter() {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(f, &i.expr, depth + 1);
                    match text(&v) {
                        Ok(s) => out.push_str(&s),
                        Err(reason) => return Node::new(line, Tree::Unknown(reason)),
                    }
                }
                Element::Directive(_) => {
                    return Node::new(
                        line,
                        Tree::Unknown("a template directive (`%{...}`)".into()),
                    )
                }
            }
        }
        Node::new(line, Tree::String(out))
    }

    fn traversal(
        &self,
        f: &File,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        line: u32,
        depth: usize,
    ) -> Node {
        let unknown = |reason: String| Node::new(line, Tree::Unknown(reason));
        let names: Vec<Option<&str>> = ops
            .iter()
            .map(|op| match op.value() {
                TraversalOperator::GetAttr(i) => Some(i.as_str()),
                _ => None,
            })
            .collect();
        let Expression::Variable(root_name) = root else {
            let base = self.eval(f, root, depth + 1);
            return self.apply(f, base, ops, line, depth);
        };
        let root_name = root_name.as_str();
        let iterated = self
            .iterators
            .borrow()
            .iter()
            .rev()
            .find(|(name, _, _)| name == root_name)
            .map(|(_, key, value)| (key.clone(), value.clone()));
        if let Some((key, value)) = iterated {
            return match names.first().copied().flatten() {
                Some("value") => self.apply(f, value, &ops[1..], line, depth),
                Some("key") => self.apply(f, key, &ops[1..], line, depth),
                _ => unknown(format!("`{root_name}` has only `key` and `value`")),
            };
        }
        match (root_name, names.first().copied().flatten()) {
            ("var", Some(name)) => {
                let base = match self.inputs.get(name) {
                    Some(v) => v.clone(),
                    None => match self.variables.get(name) {
                        Some(d) => self.eval(f, d, depth + 1),
                        None => return unknown(format!("the variable `{name}` has no default")),
                    },
                };
                self.apply(f, base, &ops[1..], line, depth)
            }
            ("local", Some(name)) => {
                let Some((lf, le)) = self.locals.get(name) else {
                    return unknown(format!("no local `{name}`"));
                };
                if self.evaluating.borrow().iter().any(|n| n == name) {
                    // Terraform refuses such a configuration; so does ailint, at the local.
                    let chain = self.evaluating.borrow().join("` → `local.");
                    self.problems.borrow_mut().push((
                        lf.path.clone(),
                        line_of(lf, le.span()),
                        format!("the local `{name}` depends on itself (`local.{chain}` → `local.{name}`)"),
                    ));
                    return unknown(format!("the local `{name}` depends on itself"));
                }
                self.evaluating.borrow_mut().push(name.to_string());
                let base = self.eval(lf, le, depth + 1);
                self.evaluating.borrow_mut().pop();
                self.apply(f, base, &ops[1..], line, depth)
            }
            ("data", Some(kind)) => {
                let name = names.get(1).copied().flatten().unwrap_or("");
                let address = format!("{kind}.{name}");
                match (
                    kind,
                    names.get(2).copied().flatten(),
                    self.data.get(&address),
                ) {
                    ("aws_iam_policy_document", Some("json" | "minified_json"), Some((df, db))) => {
                        self.policy_document(df, db, line, depth)
                    }
                    _ => unknown(format!("`data.{address}` is read when Terraform plans")),
                }
            }
            ("module", Some(name)) => {
                unknown(format!("the outputs of module `{name}` are not evaluated"))
            }
            ("each" | "count" | "self", _) => {
                unknown(format!("`{root_name}` is known only when Terraform runs"))
            }
            ("path" | "terraform", _) => {
                unknown(format!("`{root_name}` depends on how Terraform runs"))
            }
            (kind, Some(name)) => {
                let address = format!("{kind}.{name}");
                if !self.resources.contains_key(&address) {
                    return unknown(format!("`{address}` is not declared in this module"));
                }
                let attribute = names.get(1).copied().flatten();
                // A bucket's id and name are its name: known when the configuration writes
                // it, else the address stands for the name Terraform generates.
                if kind == "aws_s3_bucket" && matches!(attribute, Some("id" | "bucket")) {
                    return Node::new(line, Tree::String(self.bucket_name(&address, depth)));
                }
                Node::new(
                    line,
                    Tree::Reference {
                        target: format!("{}{address}", self.prefix),
                        attribute: attribute.map(str::to_string),
                    },
                )
            }
            _ => unknown(format!("`{root_name}` is known only when Terraform runs")),
        }
    }

    /// The name of a bucket of the module: its `bucket` argument when known, else its
    /// address.
    fn bucket_name(&self, address: &str, depth: usize) -> String {
        self.resources
            .get(address)
            .and_then(|(f, b)| {
                let e = &b.body.get_attribute("bucket")?.value;
                match self.eval(f, e, depth + 1).value {
                    Tree::String(s) => Some(s),
                    _ => None,
                }
            })
            .unwrap_or_else(|| format!("{}{address}", self.prefix))
    }

    /// Applies `.attr` and `[index]` to a value.
    fn apply(
        &self,
        f: &File,
        mut node: Node,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        line: u32,
        depth: usize,
    ) -> Node {
        for op in ops {
            node = match (op.value(), &node.value) {
                (_, Tree::Unknown(_)) => return node,
                (TraversalOperator::GetAttr(name), Tree::Map(_)) => match node.get(name.as_str()) {
                    Some(v) => v.clone(),
                    None => {
                        return Node::new(
                            line,
                            Tree::Unknown(format!("no attribute `{}`", name.as_str())),
                        )
                    }
                },
                (TraversalOperator::Index(ix), Tree::List(items)) => {
                    match self.eval(f, ix, depth + 1).value {
                        Tree::Number(n) => match n.parse::<usize>().ok().and_then(|i| items.get(i))
                        {
                            Some(v) => v.clone(),
                            None => {
                                return Node::new(line, Tree::Unknown(format!("no element `{n}`")))
                            }
                        },
                        _ => {
                            return Node::new(
                                line,
                                Tree::Unknown("an index that is not known".into()),
                            )
                        }
                    }
                }
                (TraversalOperator::LegacyIndex(i), Tree::List(items)) => {
                    match items.get(*i.value() as usize) {
                        Some(v) => v.clone(),
                        None => return Node::new(line, Tree::Unknown("no such element".into())),
                    }
                }
                (TraversalOperator::Index(ix), Tree::Map(_)) => match self
                    .eval(f, ix, depth + 1)
                    .value
                {
                    Tree::String(k) => match node.get(&k) {
                        Some(v) => v.clone(),
                        None => return Node::new(line, Tree::Unknown(format!("no key `{k}`"))),
                    },
                    _ => return Node::new(line, Tree::Unknown("a key that is not known".into())),
                },
                _ => {
                    return Node::new(
                        line,
                        Tree::Unknown("a splat or traversal ailint does not evaluate".into()),
                    )
                }
            };
        }
        node
    }

    fn function(&self, name: &str, args: Vec<Node>, line: u32) -> Node {
        let unknown = |reason: String| Node::new(line, Tree::Unknown(reason));
        if let Some(reason) = args.iter().find_map(|a| match &a.value {
            Tree::Unknown(r) => Some(r.clone()),
            _ => None,
        }) {
            if name != "try" && name != "coalesce" {
                return unknown(reason);
            }
        }
        match (name, args.as_slice()) {
            // Unknown parts are marked inside the JSON: a policy whose `Resource` is an ARN
            // known only after apply still says what it allows.
            ("jsonencode", [v]) => Node::new(line, Tree::String(v.to_json_marked().to_string())),
            (
                "tostring" | "tolist" | "toset" | "tomap" | "tonumber" | "tobool" | "sensitive"
                | "nonsensitive",
                [v],
            ) => v.clone(),
            (
                "lower",
                [Node {
                    value: Tree::String(s),
                    ..
                }],
            ) => Node::new(line, Tree::String(s.to_lowercase())),
            (
                "upper",
                [Node {
                    value: Tree::String(s),
                    ..
                }],
            ) => Node::new(line, Tree::String(s.to_uppercase())),
            ("concat", lists) => {
                let mut out = Vec::new();
                for l in lists {
                    match &l.value {
                        Tree::List(items) => out.extend(items.iter().cloned()),
                        _ => return unknown("concat of values that are not lists".into()),
                    }
                }
                Node::new(line, Tree::List(out))
            }
            ("merge", maps) => {
                let mut out: Vec<(Key, Node)> = Vec::new();
                for m in maps {
                    match &m.value {
                        Tree::Map(entries) => {
                            for (k, v) in entries {
                                set_entry(&mut out, k.clone(), v.clone());
                            }
                        }
                        _ => return unknown("merge of values that are not maps".into()),
                    }
                }
                Node::new(line, Tree::Map(out))
            }
            (
                "join",
                [Node {
                    value: Tree::String(sep),
                    ..
                }, Node {
                    value: Tree::List(items),
                    ..
                }],
            ) => match items.iter().map(text).collect::<Result<Vec<_>, _>>() {
                Ok(parts) => Node::new(line, Tree::String(parts.join(sep))),
                Err(reason) => unknown(reason),
            },
            (
                "lookup",
                [m, Node {
                    value: Tree::String(k),
                    ..
                }, rest @ ..],
            ) => match (m.get(k), rest.first()) {
                (Some(v), _) => v.clone(),
                (None, Some(default)) => default.clone(),
                (None, None) => unknown(format!("no key `{k}`")),
            },
            ("try" | "coalesce", candidates) => candidates
                .iter()
                .find(|c| !matches!(c.value, Tree::Unknown(_) | Tree::Null))
                .cloned()
                .unwrap_or_else(|| unknown(format!("`{name}` of values that are not known"))),
            (other, _) => unknown(format!("the function `{other}` is not evaluated")),
        }
    }

    /// `data.aws_iam_policy_document.x.json`: the statements as an IAM policy document.
    fn policy_document(&self, f: &File, b: &Block, line: u32, depth: usize) -> Node {
        let body = self.body(f, &b.body, depth + 1);
        let mut statements = Vec::new();
        for s in body.get("statement").and_then(Node::as_list).unwrap_or(&[]) {
            let mut out = serde_json::Map::new();
            let field = |name: &str| s.get(name).map(|n| Ok::<_, String>(n.to_json_marked()));
            macro_rules! copy {
                ($tf:expr, $iam:expr) => {
                    match field($tf) {
                        Some(Ok(v)) if !v.is_null() => {
                            out.insert($iam.into(), v);
                        }
                        Some(Err(reason)) => return Node::new(line, Tree::Unknown(reason)),
                        _ => {}
                    }
                };
            }
            copy!("sid", "Sid");
            out.insert("Effect".into(), serde_json::Value::String("Allow".into()));
            copy!("effect", "Effect");
            copy!("actions", "Action");
            copy!("not_actions", "NotAction");
            copy!("resources", "Resource");
            copy!("not_resources", "NotResource");
            for (block, key) in [
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ] {
                let Some(list) = s.get(block).and_then(Node::as_list) else {
                    continue;
                };
                let mut principal = serde_json::Map::new();
                for p in list {
                    let (Some(t), Some(ids)) =
                        (p.get("type").and_then(Node::as_str), p.get("identifiers"))
                    else {
                        return Node::new(
                            line,
                            Tree::Unknown("a principal that is not known".into()),
                        );
                    };
                    principal.insert(t.to_string(), ids.to_json_marked());
                }
                let value = if principal.len() == 1 && principal.get("*").is_some() {
                    serde_json::Value::String("*".into())
                } else {
                    serde_json::Value::Object(principal)
                };
                out.insert(key.into(), value);
            }
            if let Some(list) = s.get("condition").and_then(Node::as_list) {
                let mut conditions = serde_json::Map::new();
                for c in list {
                    let (Some(test), Some(variable), Some(values)) = (
                        c.get("test").and_then(Node::as_str),
                        c.get("variable").and_then(Node::as_str),
                        c.get("values").map(Node::to_json_marked),
                    ) else {
                        return Node::new(
                            line,
                            Tree::Unknown("a condition that is not known".into()),
                        );
                    };
                    let entry = conditions
                        .entry(test.to_string())
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                    if let serde_json::Value::Object(m) = entry {
                        m.insert(variable.to_string(), values);
                    }
                }
                out.insert("Condition".into(), serde_json::Value::Object(conditions));
            }
            statements.push(serde_json::Value::Object(out));
        }
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
        Node::new(line, Tree::String(doc.to_string()))
    }
}

fn known(t: &Tree) -> bool {
    matches!(
        t,
        Tree::Null | Tree::Bool(_) | Tree::Number(_) | Tree::String(_)
    )
}

/// A value as template text.
fn text(n: &Node) -> Result<String, String> {
    match &n.value {
        Tree::String(s) | Tree::Number(s) => Ok(s.clone()),
        Tree::Bool(b) => Ok(b.to_string()),
        Tree::Reference { target, attribute } => Err(match attribute {
            Some(a) => format!("`{target}.{a}` is known only after apply"),
            None => format!("`{target}` is known only after apply"),
        }),
        Tree::Unknown(reason) => Err(reason.clone()),
        _ => Err("a list or map where a string is expected".into()),
    }
}

fn set_entry(entries: &mut Vec<(Key, Node)>, key: Key, value: Node) {
    match entries.iter_mut().find(|(k, _)| k.name == key.name) {
        Some(e) => *e = (key, value),
        None => entries.push((key, value)),
    }
}

fn line_of(f: &File, span: Option<std::ops::Range<usize>>) -> u32 {
    span.map_or(1, |s| f.lines.line_col(s.start).0)
}

/// `tags = { k = "v" }` with known values (`tags_all` comes from plans).
fn tags(properties: &Node) -> Vec<(String, String)> {
    properties
        .get("tags")
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.name.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `# ailint:ignore <ID> <reason>` (or `//`) on the resource's first line or on the comment
/// lines right above it.
fn suppressions(f: &File, line: u32) -> Vec<Suppression> {
    // Lines from the index: collecting the file's lines for every resource is quadratic in
    // a file of many resources.
    let len = f.text.len();
    let line_text = |n: usize| {
        let (start, end) = (f.lines.offset(n, 1, len), f.lines.offset(n + 1, 1, len));
        let text = f.text.get(start..end).filter(|_| start < len)?;
        let text = text.strip_suffix('\n').unwrap_or(text);
        Some(text.strip_suffix('\r').unwrap_or(text))
    };
    let mut out = Vec::new();
    let mut n = line as usize;
    let mut first = true;
    while n >= 1 {
        let Some(text) = line_text(n) else { break };
        let trimmed = text.trim_start();
        let comment = if first {
            // The block's own line: a trailing comment.
            text.find('#')
                .or_else(|| text.find("//"))
                .map(|i| &text[i..])
        } else if trimmed.starts_with('#') || trimmed.starts_with("//") {
            Some(trimmed)
        } else {
            None
        };
        if let Some(c) = comment {
            if let Some(s) = parse_ignore(c, n as u32) {
                out.push(s);
            }
        } else if !first {
            break;
        }
        first = false;
        n -= 1;
    }
    out.reverse();
    out
}

fn parse_ignore(comment: &str, line: u32) -> Option<Suppression> {
    let body = comment.trim_start_matches(['#', '/']).trim();
    let rest = body.strip_prefix("ailint:ignore")?;
    let mut parts = rest.trim().splitn(2, char::is_whitespace);
    let rule = parts.next().filter(|r| !r.is_empty())?.to_string();
    let reason = parts
        .next()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    Some(Suppression { rule, reason, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_multiply_stop_at_the_budget() {
        // Each local uses the previous one twice: 2^40 values, which ran out of memory.
        let mut text = String::from("locals {\n  a0 = \"x\"\n");
        for i in 1..40 {
            text.push_str(&format!("  a{i} = [local.a{}, local.a{}]\n", i - 1, i - 1));
        }
        text.push_str("}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = local.a39\n}\n");
        let (collected, errors) =
            read_single(&SourceText::new("m/main.tf", text), ModelSchema::builtin());
        assert_eq!(collected.resources.len(), 1);
        let e = errors
            .iter()
            .find(|e| e.message.contains("MiB of values"))
            .unwrap_or_else(|| panic!("{errors:?}"));
        assert!(e.position.is_some_and(|(line, _)| line <= 41), "{e:?}");
    }

    #[test]
    fn ignore_comments_in_a_file_of_many_resources() {
        // The file's lines were collected for every resource: minutes for 170,000 resources.
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "# ailint:ignore AIL-S3-{i} reason {i}\r\nresource \"aws_s3_bucket\" \"b{i}\" {{ # ailint:ignore AIL-X\n}}\n"
            ));
        }
        let (files, errors) = parse_texts(vec![("m/main.tf".into(), text)]);
        assert!(errors.is_empty(), "{errors:?}");
        for i in [0u32, 7, 19_999] {
            let s = suppressions(&files[0], 3 * i + 2);
            let found: Vec<_> = s
                .iter()
                .map(|s| (s.rule.as_str(), s.reason.clone(), s.line))
                .collect();
            assert_eq!(
                found,
                [
                    (
                        format!("AIL-S3-{i}").as_str(),
                        Some(format!("reason {i}")),
                        3 * i + 1
                    ),
                    ("AIL-X", None, 3 * i + 2)
                ]
            );
        }
        assert!(suppressions(&files[0], 60_001).is_empty());
    }
}
