//! A Terraform plan as `terraform show -json` writes it.
#![no_main]

use ailint::model::ModelSchema;
use ailint::sources::terraform::plan::read;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // The plan reader also reads the `.tf` files next to the plan; a directory that does
    // not exist keeps the run independent of the files around it.
    let src = common::source("/nonexistent/ailint-fuzz/plan.json", data);
    common::on_reader_stack(|| {
        let _ = read(&src, ModelSchema::builtin());
    });
});
