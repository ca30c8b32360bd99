//! CloudFormation templates in YAML (short forms such as `!Ref` included).
#![no_main]

use ailint::model::ModelSchema;
use ailint::sources::cloudformation::{read_file, Target};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let src = common::source("fuzz/template.yaml", data);
    common::on_reader_stack(|| {
        let _ = read_file(&src, true, ModelSchema::builtin(), &Target::default(), true);
    });
});
