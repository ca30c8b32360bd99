//! A Terraform `.tf` file: hcl-edit's parser, then ailint's evaluator.
#![no_main]

use ailint::model::ModelSchema;
use ailint::sources::terraform::hcl::read_single;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // A directory that does not exist: local module calls fail to read instead of reading
    // whatever `.tf` files happen to be around.
    let src = common::source("/nonexistent/ailint-fuzz/main.tf", data);
    common::on_reader_stack(|| {
        let _ = read_single(&src, ModelSchema::builtin());
    });
});
