//! Terraform: configuration files read directly ([`hcl`]) and plans ([`plan`]), mapped to
//! the model by the same tables ([`types`]).

pub mod hcl;
pub mod plan;
pub mod types;
