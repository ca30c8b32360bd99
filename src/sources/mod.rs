//! Inputs. Each source kind reads its files into [`crate::model::Collected`] and keeps
//! where every fact came from; problems are [`InputError`]s located in the file.

#[cfg(feature = "aws")]
pub mod aws;
pub mod cloudformation;
pub mod config_export;
pub mod iac;
pub mod inventory;
pub mod terraform;
mod text;
pub mod tree;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::model::{Collected, ModelSchema};
pub use text::LineIndex;

/// Inputs larger than this are refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// A problem with one input, located as precisely as the input allows.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{}", self.headline())]
pub struct InputError {
    pub path: String,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(u32, u32)>,
    pub message: String,
    #[source_code]
    pub src: Option<NamedSource<Arc<str>>>,
    #[label("{message}")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

impl InputError {
    pub fn whole_file(path: &str, message: impl Into<String>) -> InputError {
        InputError {
            path: path.to_string(),
            position: None,
            message: message.into(),
            src: None,
            span: None,
            help: None,
        }
    }

    /// An error at a byte offset of a text the caller holds.
    pub fn at(file: &SourceText, offset: usize, message: impl Into<String>) -> InputError {
        let (line, column) = file.lines.line_col(offset);
        let src = file.shared().map(|text| NamedSource::new(&file.path, text));
        InputError {
            path: file.path.to_string(),
            position: Some((line, column)),
            message: message.into(),
            span: src.as_ref().map(|_| SourceSpan::from((offset, 0))),
            src,
            help: None,
        }
    }

    /// An error at the start of a 1-based line.
    pub fn at_line(file: &SourceText, line: u32, message: impl Into<String>) -> InputError {
        let offset = file.lines.offset(line as usize, 1, file.text.len());
        InputError::at(file, offset, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> InputError {
        self.help = Some(help.into());
        self
    }

    fn headline(&self) -> String {
        match self.position {
            Some((line, col)) => format!("{}:{line}:{col}: {}", self.path, self.message),
            None => format!("{}: {}", self.path, self.message),
        }
    }
}

/// A file's text with its display path and line index.
pub struct SourceText {
    pub path: Arc<str>,
    pub text: String,
    pub lines: LineIndex,
    /// The text as error reports share it, made on the first error.
    shared: std::sync::OnceLock<Arc<str>>,
}

/// Errors show the source around them only for files up to this size: showing it costs a
/// copy of the file.
const SHOWN_SOURCE_MAX: usize = 4 << 20;

impl SourceText {
    pub fn new(path: &str, text: String) -> SourceText {
        let lines = LineIndex::new(&text);
        SourceText {
            path: path.into(),
            text,
            lines,
            shared: std::sync::OnceLock::new(),
        }
    }

    /// The text for error reports, for files small enough to show.
    fn shared(&self) -> Option<Arc<str>> {
        (self.text.len() <= SHOWN_SOURCE_MAX).then(|| {
            self.shared
                .get_or_init(|| Arc::from(self.text.as_str()))
                .clone()
        })
    }
}

/// Which reader an input goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// An `ailint-inventory/v1` file.
    Inventory,
    /// A CloudFormation template (JSON or YAML; SAM and CDK output too).
    Cloudformation,
    /// Terraform configuration (`.tf` files of a directory).
    Terraform,
    /// A Terraform plan as `terraform show -json` writes it.
    TerraformPlan,
    /// AWS Config data: a configuration snapshot or history file delivered to S3
    /// (gunzipped), or the JSON output of `aws configservice get-resource-config-history`,
    /// `batch-get-resource-config` or `select-(aggregate-)resource-config`.
    ConfigExport,
}

/// How inputs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Forces the kind of every file; otherwise each file's kind is detected from its
    /// content.
    pub kind: Option<InputKind>,
    /// Where CloudFormation templates are deployed.
    pub cloudformation: cloudformation::Target,
}

/// Templates and configuration larger than this are refused: CloudFormation itself takes
/// templates of at most 1 MB.
pub const MAX_TEMPLATE_BYTES: u64 = 10 << 20;

/// Reads every input path with the default options.
pub fn read_inputs(
    paths: &[PathBuf],
    schema: &'static ModelSchema,
) -> (Collected, Vec<InputError>) {
    read_inputs_with(paths, schema, &ReadOptions::default())
}

/// A file to read, and whether the user named it (a named file that is not an input is
/// an error; a file met while walking a directory is skipped).
struct Found {
    path: PathBuf,
    named: bool,
}

/// Reads every input path (files, or directories walked for inventories, templates,
/// Terraform and plans), keeping the facts of the good inputs when others fail. Files are
/// read in parallel; each file's problems are its own.
pub fn read_inputs_with(
    paths: &[PathBuf],
    schema: &'static ModelSchema,
    options: &ReadOptions,
) -> (Collected, Vec<InputError>) {
    use rayon::prelude::*;
    let mut collected = Collected::default();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if let Err(e) = expand(path, true, &mut files) {
            errors.push(*e);
        }
    }
    // Terraform reads a directory at a time: a module is all its `.tf` files.
    let (tf, other): (Vec<Found>, Vec<Found>) = files.into_iter().partition(|f| {
        options.kind == Some(InputKind::Terraform)
            || (options.kind.is_none() && f.path.extension().is_some_and(|e| e == "tf"))
    });
    let mut modules: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> = Default::default();
    for f in tf {
        let dir = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
        modules.entry(dir).or_default().push(f.path);
    }
    let results: Vec<(Collected, Vec<InputError>, Option<InputKind>)> = other
        .par_iter()
        .map(|f| read_file(f, schema, options))
        .collect();
    // A plan describes its directory's configuration better than the `.tf` files alone
    // (variable values, modules, what is created): those files are not read again.
    let mut planned: Vec<PathBuf> = Vec::new();
    for (found, (c, errs, kind)) in other.iter().zip(results) {
        if kind == Some(InputKind::TerraformPlan) {
            planned.push(
                found
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            );
        }
        collected.extend(c);
        errors.extend(errs);
    }
    modules.retain(|dir, _| !planned.contains(dir));
    for (c, errs) in terraform::hcl::read_modules(&modules, schema) {
        collected.extend(c);
        errors.extend(errs);
    }
    // Inputs that cover the same account and region (AWS Config history files of one
    // region) say the same thing is missing there: once is enough.
    let mut seen = std::collections::HashSet::new();
    collected.not_collected.retain(|n| {
        seen.insert((
            n.account.clone(),
            n.region.clone(),
            n.types.clone(),
            n.operation.clone(),
            n.reason.clone(),
        ))
    });
    (collected, errors)
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Extensions of the files a directory walk reads.
const INPUT_EXTENSIONS: [&str; 6] = ["json", "yaml", "yml", "template", "tf", "cfn"];

fn expand(path: &Path, named: bool, out: &mut Vec<Found>) -> Result<(), Box<InputError>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Box::new(InputError::whole_file(
            &display(path),
            format!("cannot read: {e}"),
        ))
    })?;
    if !meta.is_dir() {
        out.push(Found {
            path: path.to_path_buf(),
            named,
        });
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| {
            Box::new(InputError::whole_file(
                &display(path),
                format!("cannot list: {e}"),
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden directories hold tool state (`.git`, `.terraform` with downloaded
        // modules), not the repository's own infrastructure.
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if entry.is_dir() {
            expand(&entry, false, out)?;
        } else if entry
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| INPUT_EXTENSIONS.contains(&e))
        {
            out.push(Found {
                path: entry,
                named: false,
            });
        }
    }
    Ok(())
}

/// The bytes of a file as UTF-8 text, or the error for it.
fn read_text(path: &Path, limit: u64) -> Result<SourceText, Box<InputError>> {
    let shown = display(path);
    let size = std::fs::metadata(path)
        .map_err(|e| Box::new(InputError::whole_file(&shown, format!("cannot read: {e}"))))?
        .len();
    if size > limit {
        return Err(Box::new(InputError::whole_file(
            &shown,
            format!(
                "file is {} bytes; inputs of this kind over {limit} bytes are refused",
                size
            ),
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| InputError::whole_file(&shown, format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceText::new(&shown, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let src = SourceText::new(&shown, valid);
            Err(Box::new(InputError::at(
                &src,
                offset,
                "file is not valid UTF-8",
            )))
        }
    }
}

/// What a JSON or YAML file is, from its first bytes; `None` when it is none of ailint's
/// inputs.
fn detect(text: &str, yaml: bool) -> Option<InputKind> {
    let head = &text[..text.len().min(1 << 16)];
    let head = match head.char_indices().last() {
        Some((i, c)) if i + c.len_utf8() < head.len() => &head[..i],
        _ => head,
    };
    if !yaml && head.contains("\"ailint-inventory/") {
        return Some(InputKind::Inventory);
    }
    if !yaml && head.contains("\"terraform_version\"") && head.contains("\"format_version\"") {
        return Some(InputKind::TerraformPlan);
    }
    if !yaml && config_export::looks_like(head) {
        return Some(InputKind::ConfigExport);
    }
    cloudformation::looks_like_template(text).then_some(InputKind::Cloudformation)
}

fn read_file(
    found: &Found,
    schema: &'static ModelSchema,
    options: &ReadOptions,
) -> (Collected, Vec<InputError>, Option<InputKind>) {
    let (kind, (collected, errors)) = read_detected(found, schema, options);
    (collected, errors, kind)
}

/// Reads a file as its detected (or forced) kind.
fn read_detected(
    found: &Found,
    schema: &'static ModelSchema,
    options: &ReadOptions,
) -> (Option<InputKind>, (Collected, Vec<InputError>)) {
    let path = &found.path;
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let src = match read_text(path, MAX_INPUT_BYTES) {
        Ok(src) => src,
        Err(e) => return (None, (Collected::default(), vec![*e])),
    };
    let kind = match options.kind.or_else(|| detect(&src.text, yaml)) {
        Some(kind) => kind,
        None if found.named => {
            return (
                None,
                (
                    Collected::default(),
                    vec![InputError::whole_file(
                        &src.path,
                        "not an input ailint reads: an inventory, a CloudFormation template, Terraform `.tf` files, a Terraform plan (`terraform show -json`) or AWS Config data",
                    )
                    .with_help("`--input-kind` names the kind when it cannot be detected")],
                ),
            )
        }
        None => return (None, (Collected::default(), vec![])),
    };
    let too_big = |limit: u64| {
        (src.text.len() as u64 > limit).then(|| {
            InputError::whole_file(
                &src.path,
                format!(
                    "file is {} bytes; ailint reads CloudFormation templates up to {limit} bytes (AWS itself takes at most 1 MB)",
                    src.text.len()
                ),
            )
        })
    };
    let read = match kind {
        InputKind::Inventory => inventory::read(&src, schema),
        InputKind::Cloudformation => match too_big(MAX_TEMPLATE_BYTES) {
            Some(e) => (Collected::default(), vec![e]),
            None => {
                cloudformation::read_file(&src, yaml, schema, &options.cloudformation, found.named)
            }
        },
        InputKind::TerraformPlan => terraform::plan::read(&src, schema),
        InputKind::ConfigExport => config_export::read(&src, schema),
        InputKind::Terraform => terraform::hcl::read_single(&src, schema),
    };
    (Some(kind), read)
}
