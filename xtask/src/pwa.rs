//! The service worker's file lists: after trunk builds `dist/`, the names
//! of the app shell and of the small data files every page needs are
//! written into `dist/sw.js`, with a version made from them, so that each
//! release is a new worker with its own cache (see `public/sw.js`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::util::Result;

/// The data files cached when the worker installs; shards are cached as
/// they are seen.
const DATA: [&str; 3] = [
    "data/manifest.json",
    "data/holidays.json",
    "data/places.json",
];

/// A JSON array of strings (the names are plain file names, but quote
/// what JSON needs anyway).
fn json_list(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The shell: `./` (index.html), every top-level JS, wasm and CSS file
/// trunk wrote (their names carry a content hash), the web app manifest
/// and the icons, sorted.
pub fn shell_files(dist: &Path) -> Result<Vec<String>> {
    let mut files = vec!["./".to_owned()];
    let read = |dir: &Path| std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()));
    for entry in read(dist)? {
        let name = entry.map_err(|e| e.to_string())?.file_name();
        let name = name.to_string_lossy();
        let shell = [".js", ".wasm", ".css", ".webmanifest"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if shell && name != "sw.js" {
            files.push(name.into_owned());
        }
    }
    let icons = dist.join("icons");
    if icons.is_dir() {
        for entry in read(&icons)? {
            let name = entry.map_err(|e| e.to_string())?.file_name();
            files.push(format!("icons/{}", name.to_string_lossy()));
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the lists and the version into `dist/sw.js`.
pub fn stamp(dist: &Path) -> Result<()> {
    let path = dist.join("sw.js");
    let source = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let shell = shell_files(dist)?;
    let data: Vec<String> = DATA
        .iter()
        .filter(|f| dist.join(f).is_file())
        .map(|f| (*f).to_owned())
        .collect();
    let mut hasher = DefaultHasher::new();
    shell.hash(&mut hasher);
    data.hash(&mut hasher);
    // The data files' sizes too, so that a new dataset is a new worker.
    for f in &data {
        std::fs::metadata(dist.join(f))
            .map(|m| m.len())
            .unwrap_or(0)
            .hash(&mut hasher);
    }
    let version = format!("{:016x}", hasher.finish());
    let stamped = source
        .replace("\"__LINLI_VERSION__\"", &format!("\"{version}\""))
        .replace("__LINLI_SHELL__", &json_list(&shell))
        .replace("__LINLI_DATA__", &json_list(&data));
    if stamped.contains("__LINLI_") {
        return Err(format!(
            "{}: a placeholder was left unfilled",
            path.display()
        ));
    }
    std::fs::write(&path, stamped).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_gets_the_shell_the_data_and_a_version_that_follows_them() {
        let dist = std::env::temp_dir().join(format!("linli-pwa-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dist);
        std::fs::create_dir_all(dist.join("icons")).unwrap();
        std::fs::create_dir_all(dist.join("data")).unwrap();
        let worker = "const VERSION = \"__LINLI_VERSION__\"; const SHELL = __LINLI_SHELL__; const DATA = __LINLI_DATA__;";
        for (name, text) in [
            ("index.html", "<html></html>"),
            ("linli-0123456789abcdef.js", "js"),
            ("linli-0123456789abcdef_bg.wasm", "wasm"),
            ("main-0123456789abcdef.css", "css"),
            ("manifest.webmanifest", "{}"),
            ("icons/icon-192.png", "png"),
            ("data/manifest.json", "{}"),
            ("data/places.json", "{}"),
            ("data/110101.geojson", "{}"),
            ("sw.js", worker),
        ] {
            std::fs::write(dist.join(name), text).unwrap();
        }
        stamp(&dist).unwrap();
        let first = std::fs::read_to_string(dist.join("sw.js")).unwrap();
        assert!(first.contains(
            "const SHELL = [\"./\", \"icons/icon-192.png\", \"linli-0123456789abcdef.js\", \"linli-0123456789abcdef_bg.wasm\", \"main-0123456789abcdef.css\", \"manifest.webmanifest\"];"
        ), "{first}");
        assert!(
            first.contains("const DATA = [\"data/manifest.json\", \"data/places.json\"];"),
            "{first}"
        );
        assert!(!first.contains("__LINLI_"));
        // A new release (another hash) is another version.
        std::fs::rename(
            dist.join("linli-0123456789abcdef.js"),
            dist.join("linli-fedcba9876543210.js"),
        )
        .unwrap();
        std::fs::write(dist.join("sw.js"), worker).unwrap();
        stamp(&dist).unwrap();
        let second = std::fs::read_to_string(dist.join("sw.js")).unwrap();
        let version = |s: &str| s.split('"').nth(1).unwrap().to_owned();
        assert_ne!(version(&first), version(&second));
        let _ = std::fs::remove_dir_all(&dist);
    }
}
