// The built-in rules and the schema are embedded with `include_dir!`/`include_str!`;
// tell cargo to rebuild when any of them changes.
fn main() {
    println!("cargo:rerun-if-changed=rules");
}
