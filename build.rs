//! Links the residents' app with its relocations kept when it is built to
//! be split (the `split` feature, which `index.html` asks trunk for and
//! only `cargo xtask dist` can finish): wasm-split-cli
//! reads them to move the survey's and the facility page's code into
//! modules of their own (`src/split.rs`). Only that binary: the staff app
//! is built without the feature, so that it does not carry the split
//! pages' code (a split point is an exported function, which every binary
//! linking the library would keep).

fn main() {
    if std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bin=linli=--emit-relocs");
    }
}
