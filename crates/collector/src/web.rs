//! Serving the built app and the dataset, and the headers every response
//! carries: a content security policy the app really runs under, and the
//! usual hardening.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// How the web side is configured.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// The built app (`dist/`) to serve at `/`; nothing when `None`.
    pub dist: Option<PathBuf>,
    /// Origins allowed to call the API from another site (CORS); empty
    /// means same-origin only.
    pub allowed_origins: Vec<String>,
    /// Requests per minute per client address on the API; 0 for no limit.
    pub rate_per_minute: u32,
}

/// The `'sha256-…'` sources of the inline scripts in `index_html`, so that
/// the policy allows exactly them and no other inline script.
pub fn inline_script_hashes(index_html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains("src=") && !body.is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{b64}'"));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

/// The content security policy for an app whose `index.html` is
/// `index_html`: its own files only, WebAssembly compilation allowed, the
/// inline loader script by hash.
pub fn content_security_policy(index_html: Option<&str>) -> String {
    let hashes = index_html.map(inline_script_hashes).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}{}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        if hashes.is_empty() { "" } else { " " },
        hashes.join(" ")
    )
}

/// Adds the static app (if any) and the security headers to `api`.
pub fn with_site(api: Router, config: &WebConfig) -> Router {
    // The inline loader scripts of both apps (residents' at `/`, staff at
    // `/staff/`), so that the policy allows exactly them.
    let index = config.dist.as_deref().map(|d| {
        ["index.html", "staff/index.html"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(d.join(f)).ok())
            .collect::<Vec<_>>()
            .join("\n")
    });
    let mut router = api;
    if let Some(dist) = &config.dist {
        // The app's files compressed (brotli or gzip, as the browser
        // accepts; the wasm shrinks to about a third) and with cache
        // lifetimes; the API answers are small and left alone.
        let site = Router::new()
            .fallback_service(static_files(dist))
            .layer(axum::middleware::from_fn(caching))
            .layer(axum::middleware::from_fn_with_state(
                std::sync::Arc::new(dist.clone()),
                missing_files,
            ))
            .layer(tower_http::compression::CompressionLayer::new());
        router = router.fallback_service(site);
    }
    let set = |name: HeaderName, value: &str| {
        SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_str(value).expect("a valid header value"),
        )
    };
    router
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            &content_security_policy(index.as_deref()),
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(
            HeaderName::from_static("permissions-policy"),
            "geolocation=(self), camera=(), microphone=(), payment=()",
        ))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}

/// How long a browser may keep a file at `path` (the request path).
///
/// trunk names the shell's JS, wasm and CSS after a hash of their content
/// (`linli-0123456789abcdef_bg.wasm`), so those never change and are kept
/// for a year. Everything else (index.html, the service worker, the web
/// app manifest, the dataset, whose file names do not change between
/// versions) is checked with the server on each use, which costs a
/// `304 Not Modified` when nothing changed.
pub fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    let hashed = [".js", ".wasm", ".css"].iter().any(|ext| {
        name.strip_suffix(ext)
            .map(|stem| stem.strip_suffix("_bg").unwrap_or(stem))
            .and_then(|stem| stem.rsplit_once('-'))
            .is_some_and(|(_, hash)| {
                hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
            })
    });
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Sets `Cache-Control` on the app's files by [`cache_control`].
async fn caching(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let policy = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Answers 404 for a file that `dist/` does not have (a path whose last
/// part has an extension other than `.html`): the app's page in its place
/// would make a wasm module or a script fail in a way nobody can read, and,
/// under a hashed name, be kept for a year. An old release's split page
/// module, asked for by a tab opened before a new release, is such a file.
async fn missing_files(
    axum::extract::State(dist): axum::extract::State<std::sync::Arc<PathBuf>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let path = request.uri().path();
    let name = path.rsplit('/').next().unwrap_or_default();
    let names_a_file = name
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && ext != "html");
    let inside = path.split('/').all(|part| part != ".." && part != ".");
    if names_a_file && !(inside && dist.join(path.trim_start_matches('/')).is_file()) {
        return (axum::http::StatusCode::NOT_FOUND, "not found").into_response();
    }
    next.run(request).await
}

/// `dist/` with `index.html` for any path that is not a file, so that
/// links with a query string open the app.
/// Files that `cargo xtask dist` precompressed (`.br`, `.gz` beside
/// them) go out as they are; the rest are compressed on the way out.
fn static_files(dist: &Path) -> ServeDir<ServeFile> {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_shell_files_are_kept_and_the_rest_revalidated() {
        for path in [
            "/linli-60649140f298353f.js",
            "/linli-60649140f298353f_bg.wasm",
            "/main-88004957e29f7020.css",
        ] {
            assert_eq!(
                cache_control(path),
                "public, max-age=31536000, immutable",
                "{path}"
            );
        }
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/data/manifest.json",
            "/data/110101.geojson",
            "/icons/icon-192.png",
            "/linli-short.js",
        ] {
            assert_eq!(cache_control(path), "no-cache", "{path}");
        }
    }

    #[test]
    fn hashes_inline_scripts_only() {
        let html =
            "<script type=module>import init from '/a.js';</script><script src=/b.js></script>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/a.js';"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        let csp = content_security_policy(Some(html));
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
    }
}
