//! ailint: a compliance linter for AWS AI/ML workloads.
//!
//! Sources normalize, rules judge, reporters format:
//! - [`sources`] read an input (an inventory file today) into [`model::Resource`]s that keep
//!   where each fact came from;
//! - [`model`] checks resources against the schema, applies AWS defaults, resolves references
//!   between resources and derives aggregate facts;
//! - [`engine`] turns the model into Cedar entities and asks one request per resource of the
//!   rules in `rules/`;
//! - [`report`] formats an [`engine::AuditReport`] as text, JSON or SARIF.

pub mod cli;
pub mod config;
pub mod engine;
pub mod inventory_gen;
pub mod model;
pub mod report;
pub mod sources;

/// The tool's version, as reported in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

use std::path::PathBuf;

/// Reads the inputs, normalizes them and evaluates the rules: the whole audit, minus the
/// command line. Input errors are kept in the report and do not stop the other inputs.
pub fn audit_paths(
    inputs: &[PathBuf],
    config: &config::Config,
    rules: &engine::RuleSet,
) -> engine::AuditReport {
    audit_paths_as(inputs, None, config, rules)
}

/// [`audit_paths`], with every input read as `kind` when it is given.
pub fn audit_paths_as(
    inputs: &[PathBuf],
    kind: Option<sources::InputKind>,
    config: &config::Config,
    rules: &engine::RuleSet,
) -> engine::AuditReport {
    audit_paths_with(inputs, kind, config, rules, engine::EvalOptions::default())
}

/// [`audit_paths_as`], with evaluation options (e.g. keeping every passing verdict).
pub fn audit_paths_with(
    inputs: &[PathBuf],
    kind: Option<sources::InputKind>,
    config: &config::Config,
    rules: &engine::RuleSet,
    eval: engine::EvalOptions,
) -> engine::AuditReport {
    let schema = model::ModelSchema::builtin();
    let options = sources::ReadOptions {
        kind,
        cloudformation: sources::cloudformation::Target {
            region: config.cloudformation.region.clone(),
            account: config.cloudformation.account.clone(),
        },
    };
    let (collected, input_errors) = sources::read_inputs_with(inputs, schema, &options);
    let mut errors: Vec<engine::ToolError> = input_errors
        .iter()
        .map(|e| engine::ToolError {
            path: e.path.clone(),
            line: e.position.map(|p| p.0),
            column: e.position.map(|p| p.1),
            message: e.message.clone(),
        })
        .collect();
    let (mut model, model_errors) = model::Model::build(collected, schema);
    errors.extend(model_errors.into_iter().map(|e| engine::ToolError {
        path: e.location.file.to_string(),
        line: Some(e.location.line),
        column: None,
        message: e.message,
    }));
    match engine::intent::Intent::load(config) {
        Ok(intent) => engine::intent::apply(&mut model, Ok(intent.as_ref())),
        Err(e) => {
            engine::intent::apply(
                &mut model,
                Err(format!("the intent file cannot be used: {}", e.message)),
            );
            errors.push(engine::ToolError {
                path: e.path.clone(),
                line: e.line,
                column: None,
                message: e.message.clone(),
            });
        }
    }
    let names = inputs
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let report = engine::evaluate_with(&model, rules, config, schema, names, errors, eval);
    // Freeing the model overlaps with reporting.
    std::thread::spawn(move || drop(model));
    report
}
