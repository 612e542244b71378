//! Cutting the residents' app into its first download and the pages it
//! fetches when first shown (the survey and the facility page; see the
//! app's `src/split.rs`).
//!
//! The cut is made between the linker and wasm-bindgen, by wasm-split-cli
//! (the tool behind `cargo leptos --split`). trunk 0.21 runs cargo,
//! wasm-bindgen and wasm-opt itself and knows nothing of split modules, so
//! `dist` puts a `wasm-bindgen` of its own first on trunk's PATH: a shell
//! script that runs this binary's hidden `wasm-bindgen-shim` command
//! ([`shim`]). For a module with split points, the shim splits it into
//! [`Build::out`] and runs the real wasm-bindgen on the main part (keeping
//! the exports the parts share); any other call (`--version`, the staff
//! app) goes to the real wasm-bindgen as it was. After trunk, [`link`]
//! optimises the split modules, names them by their content, and points
//! the loader module, the app's glue and `index.html` at the final names.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::Tools;
use crate::util::{Project, Result, run};

/// A name in every wasm module that has split points: the imports through
/// which the app loads a split module are called `__wasm_split_load_<name>`.
const SPLIT_MARK: &[u8] = b"__wasm_split_load_";

/// The name wasm-split-cli gives the loader module that the main module
/// imports.
const LINK_MODULE: &str = "__wasm_split.js";

/// The residents' app's name, as trunk and wasm-bindgen call it.
const APP: &str = "linli";

/// Where one `dist` build keeps its shim and the split modules.
#[derive(Debug)]
pub struct Build {
    /// The directory holding the `wasm-bindgen` shim.
    shim_dir: PathBuf,
    /// Where the shim writes the split modules and their loader.
    pub out: PathBuf,
}

impl Build {
    /// Writes the shim and empties the output directory, so that nothing of
    /// an earlier build is linked in.
    pub fn prepare(project: &Project) -> Result<Build> {
        let base = project.target_dir().join("linli-split");
        let shim_dir = base.join("shim");
        let out = base.join("out");
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        for dir in [&shim_dir, &out] {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let exe = std::env::current_exe().map_err(|e| format!("where is xtask? {e}"))?;
        let exe = exe.to_string_lossy();
        if exe.contains('\'') {
            return Err(format!(
                "xtask's path {exe} holds a quote; build from another directory"
            ));
        }
        let script = shim_dir.join("wasm-bindgen");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nexec '{exe}' wasm-bindgen-shim \"$@\"\n"),
        )
        .map_err(|e| format!("{}: {e}", script.display()))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("{}: {e}", script.display()))?;
        Ok(Build { shim_dir, out })
    }

    /// A trunk command that calls the shim for wasm-bindgen.
    pub fn trunk(&self, project: &Project, tools: &Tools) -> Command {
        let mut cmd = project.command(&tools.trunk);
        let mut path = vec![self.shim_dir.clone()];
        path.extend(std::env::split_paths(&project.path_env()));
        cmd.env(
            "PATH",
            std::env::join_paths(path).expect("tool directories contain no path separator"),
        )
        .env("LINLI_SPLIT_OUT", &self.out)
        .env(
            "LINLI_WASM_BINDGEN",
            tools.test_runner.with_file_name("wasm-bindgen"),
        )
        .env("LINLI_WASM_SPLIT", &tools.wasm_split);
        cmd
    }
}

/// The `wasm-bindgen` trunk calls during `dist`: splits a module with
/// split points, then runs the real wasm-bindgen (see the module's
/// documentation). `args` are trunk's arguments to wasm-bindgen.
pub fn shim(args: &[String]) -> Result<()> {
    let var = |name: &str| {
        std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
            format!("wasm-bindgen-shim runs under `cargo xtask dist` only ({name} is not set)")
        })
    };
    let real = var("LINLI_WASM_BINDGEN")?;
    let input = args
        .iter()
        .position(|a| !a.starts_with('-') && a.ends_with(".wasm"));
    let split = match input {
        Some(i) => {
            let bytes = std::fs::read(&args[i]).map_err(|e| format!("{}: {e}", args[i]))?;
            contains(&bytes, SPLIT_MARK).then_some(i)
        }
        None => None,
    };
    let Some(input) = split else {
        // `--version`, and apps without split points: as they were.
        let status = Command::new(&real)
            .args(args)
            .status()
            .map_err(|e| format!("could not start {}: {e}", real.display()))?;
        return if status.success() {
            Ok(())
        } else {
            Err(format!("{} failed ({status})", real.display()))
        };
    };
    let out = var("LINLI_SPLIT_OUT")?;
    let out_name = args
        .iter()
        .find_map(|a| a.strip_prefix("--out-name="))
        .ok_or("trunk called wasm-bindgen without --out-name=")?;
    run(Command::new(var("LINLI_WASM_SPLIT")?)
        .arg(&args[input])
        .arg(&out)
        .args(["--out-name", out_name]))?;
    // The main part, which wasm-bindgen turns into the app's glue and wasm;
    // the split modules stay in `out` for `link`.
    let main = out.join(format!("{out_name}.wasm"));
    let mut bindgen_args = args.to_vec();
    bindgen_args[input] = main.to_string_lossy().into_owned();
    bindgen_args.push("--keep-lld-exports".into());
    run(Command::new(&real).args(&bindgen_args))?;
    std::fs::remove_file(&main).map_err(|e| format!("{}: {e}", main.display()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A name for `bytes` that changes when they do: 16 hex digits.
fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = DefaultHasher::new();
    for part in parts {
        part.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// Moves the split modules of `build` into `dist` (the residents' app,
/// as trunk wrote it): each optimised with wasm-opt and named by its
/// content, the loader module beside them, and the app's glue, its wasm
/// and `index.html` pointing at the final names.
pub fn link(project: &Project, dist: &Path, build: &Build) -> Result<()> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let write =
        |p: &Path, text: &str| std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()));
    let loader_path = build.out.join(LINK_MODULE);
    if !loader_path.is_file() {
        return Err(format!(
            "the app was built without split pages ({} is missing): \
             was wasm-bindgen called through the shim?",
            loader_path.display()
        ));
    }
    let mut loader = read(&loader_path)?;

    let wasm_opt = project.node_bin().join("wasm-opt");
    let mut chunks = Vec::new();
    for entry in
        std::fs::read_dir(&build.out).map_err(|e| format!("{}: {e}", build.out.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            chunks.push(path);
        }
    }
    chunks.sort();
    if chunks.is_empty() {
        return Err(format!(
            "wasm-split-cli wrote no split modules into {}",
            build.out.display()
        ));
    }
    for chunk in &chunks {
        let stem = chunk
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("{}: not a plain file name", chunk.display()))?;
        let optimised = dist.join(format!("{stem}.wasm"));
        // The same level as trunk's for the main module (`data-wasm-opt="z"`);
        // the features are those the split modules use, which their
        // sections do not declare.
        run(project
            .command(&wasm_opt)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(chunk)
            .arg("-o")
            .arg(&optimised))?;
        let bytes =
            std::fs::read(&optimised).map_err(|e| format!("{}: {e}", optimised.display()))?;
        let name = format!("{stem}-{}.wasm", content_hash(&[&bytes]));
        std::fs::rename(&optimised, dist.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        loader = replace_once(
            &loader,
            &format!("\"./{stem}.wasm\""),
            &format!("\"./{name}\""),
            LINK_MODULE,
        )?;
    }

    // trunk's glue and wasm: `linli-<hash>.js` beside `linli-<hash>_bg.wasm`.
    let glue = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .find(|n| {
            n.starts_with(&format!("{APP}-"))
                && n.strip_suffix(".js")
                    .is_some_and(|stem| dist.join(format!("{stem}_bg.wasm")).is_file())
        })
        .ok_or_else(|| {
            format!(
                "trunk wrote no {APP}-<hash>.js beside its wasm into {}",
                dist.display()
            )
        })?;
    let old_stem = glue.trim_end_matches(".js").to_owned();
    let mut glue_text = read(&dist.join(&glue))?;

    // The glue and the loader import each other, so one name for both, and
    // for the wasm beside the glue: from all three contents (the loader's
    // already names the split modules). The wasm counts too, since the glue
    // does not change with most changes to the app's code, and each name
    // is served as never changing.
    let wasm = std::fs::read(dist.join(format!("{old_stem}_bg.wasm")))
        .map_err(|e| format!("{old_stem}_bg.wasm: {e}"))?;
    let hash = content_hash(&[&wasm, glue_text.as_bytes(), loader.as_bytes()]);
    let new_stem = format!("{APP}-{hash}");
    let loader_name = format!("{APP}-split-{hash}.js");
    loader = replace_once(
        &loader,
        &format!("\"./{APP}.js\""),
        &format!("\"./{new_stem}.js\""),
        LINK_MODULE,
    )?;
    // Only the import statements: the wasm module's own import is still
    // called `./__wasm_split.js` in the glue's table of imports.
    let imported = format!("from \"./{LINK_MODULE}\"");
    if !glue_text.contains(&imported) {
        return Err(format!(
            "{glue} does not import {LINK_MODULE}: the app has no split pages"
        ));
    }
    glue_text = glue_text.replace(&imported, &format!("from \"./{loader_name}\""));

    write(&dist.join(&loader_name), &loader)?;
    crate::tools::minify_js(project, &dist.join(&loader_name))?;
    std::fs::remove_file(dist.join(&glue)).map_err(|e| format!("{glue}: {e}"))?;
    write(&dist.join(format!("{new_stem}.js")), &glue_text)?;
    std::fs::rename(
        dist.join(format!("{old_stem}_bg.wasm")),
        dist.join(format!("{new_stem}_bg.wasm")),
    )
    .map_err(|e| format!("{old_stem}_bg.wasm: {e}"))?;
    let index_path = dist.join("index.html");
    let index = read(&index_path)?;
    if !index.contains(&format!("{old_stem}.js")) || !index.contains(&format!("{old_stem}_bg.wasm"))
    {
        return Err(format!(
            "index.html does not load {old_stem}.js and its wasm"
        ));
    }
    write(&index_path, &index.replace(&old_stem, &new_stem))
}

/// `text` with its one `from` replaced by `to`; an error naming `file` if
/// `from` is not there exactly once.
fn replace_once(text: &str, from: &str, to: &str, file: &str) -> Result<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("{file}: expected {from} once, found it {n} times")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_split_mark() {
        assert!(contains(b"\0\x01__wasm_split_load_survey\0", SPLIT_MARK));
        assert!(!contains(b"__wasm_split_loa", SPLIT_MARK));
        assert!(!contains(b"", SPLIT_MARK));
    }

    #[test]
    fn replaces_exactly_once() {
        assert_eq!(
            replace_once("a \"./x.wasm\" b", "\"./x.wasm\"", "\"./x-1.wasm\"", "f").unwrap(),
            "a \"./x-1.wasm\" b"
        );
        let twice = replace_once(
            "\"./x.wasm\" \"./x.wasm\"",
            "\"./x.wasm\"",
            "y",
            "loader.js",
        )
        .unwrap_err();
        assert!(
            twice.contains("loader.js") && twice.contains("2 times"),
            "{twice}"
        );
        let none = replace_once("", "\"./x.wasm\"", "y", "loader.js").unwrap_err();
        assert!(none.contains("0 times"), "{none}");
    }

    #[test]
    fn content_names_follow_the_content() {
        assert_eq!(
            content_hash(&[b"a".as_slice()]),
            content_hash(&[b"a".as_slice()])
        );
        assert_ne!(
            content_hash(&[b"a".as_slice()]),
            content_hash(&[b"b".as_slice()])
        );
        assert_eq!(content_hash(&[b"a".as_slice()]).len(), 16);
    }
}
