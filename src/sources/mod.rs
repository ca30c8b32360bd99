//! Inputs. Each source kind reads its files into [`crate::model::Collected`] and keeps
//! where every fact came from; problems are [`InputError`]s located in the file.

pub mod inventory;
mod text;

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

/// Reads every input path (files, or directories walked for `.json` files), keeping the
/// facts of the good inputs when others fail.
pub fn read_inputs(
    paths: &[PathBuf],
    schema: &'static ModelSchema,
) -> (Collected, Vec<InputError>) {
    let mut collected = Collected::default();
    let mut errors = Vec::new();
    for path in paths {
        let mut files = Vec::new();
        if let Err(e) = expand(path, &mut files) {
            errors.push(*e);
            continue;
        }
        for file in files {
            let (c, errs) = read_file(&file, schema);
            collected.extend(c);
            errors.extend(errs);
        }
    }
    (collected, errors)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn expand(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Box<InputError>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Box::new(InputError::whole_file(
            &display(path),
            format!("cannot read: {e}"),
        ))
    })?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
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
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if entry.is_dir() {
            expand(&entry, out)?;
        } else if name.ends_with(".json") {
            out.push(entry);
        }
    }
    Ok(())
}

fn read_file(path: &Path, schema: &'static ModelSchema) -> (Collected, Vec<InputError>) {
    let shown = display(path);
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            return (
                Collected::default(),
                vec![InputError::whole_file(&shown, format!("cannot read: {e}"))],
            )
        }
    };
    if size > MAX_INPUT_BYTES {
        return (
            Collected::default(),
            vec![InputError::whole_file(
                &shown,
                format!("file is {size} bytes; inputs over {MAX_INPUT_BYTES} bytes are refused"),
            )],
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return (
                Collected::default(),
                vec![InputError::whole_file(&shown, format!("cannot read: {e}"))],
            )
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let src = SourceText::new(&shown, valid);
            return (
                Collected::default(),
                vec![InputError::at(&src, offset, "file is not valid UTF-8")],
            );
        }
    };
    let src = SourceText::new(&shown, text);
    inventory::read(&src, schema)
}
