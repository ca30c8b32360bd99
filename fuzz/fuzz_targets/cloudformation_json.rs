//! CloudFormation templates in JSON (and `.template` files, which fall back to YAML when
//! they do not start with `{`).
#![no_main]

use ailint::model::ModelSchema;
use ailint::sources::cloudformation::{read_file, Target};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let src = common::source("fuzz/template.json", data);
    common::on_reader_stack(|| {
        let _ = read_file(
            &src,
            false,
            ModelSchema::builtin(),
            &Target::default(),
            true,
        );
    });
});
