//! Static assets embedded in the binary: the project's own CSS and JavaScript islands, and the
//! front-end libraries from npm listed in web/vendor.txt (served under /assets/vendor/).
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../../../web/css/app.css")),
];

/// ETags are computed once per asset, not per request.
fn etag_of(path: &str, body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    static TAGS: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let tags = TAGS.get_or_init(Default::default);
    let mut map = tags.lock().expect("etag cache poisoned");
    map.entry(path.to_string()).or_insert_with(|| format!("\"{}\"", &hex::encode(Sha256::digest(body))[..16])).clone()
}

use crate::Platform;

mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

/// Assets are named by content in practice (the binary changes with them), so they are cached
/// for a day and revalidated by ETag.
pub async fn serve(State(p): State<Platform>, Path(path): Path<String>, headers: axum::http::HeaderMap) -> Response {
    let found: Option<(&str, &[u8])> = match path.split_once('/') {
        Some(("vendor", name)) => vendor::VENDOR.iter().find(|(n, _, _)| *n == name).map(|(_, c, b)| (*c, *b)),
        Some((module, name)) => p.module(module).and_then(|m| m.assets().into_iter().find(|(n, _, _)| *n == name)).map(|(_, c, b)| (c, b)),
        None => ASSETS.iter().find(|(name, _, _)| *name == path).map(|(_, c, b)| (*c, *b)),
    };
    let Some((ctype, body)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = etag_of(&path, body);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::CONTENT_TYPE, ctype), (header::CACHE_CONTROL, "public, max-age=86400"), (header::ETAG, etag.as_str())], body).into_response()
}
