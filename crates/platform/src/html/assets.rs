//! Static assets embedded in the binary: the project's own CSS and JavaScript islands.
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../../../web/css/app.css")),
    ("live.js", "text/javascript; charset=utf-8", include_bytes!("../../../../web/js/live.js")),
];

/// Assets are named by content in practice (the binary changes with them), so they are cached
/// for a day and revalidated by ETag.
pub async fn serve(Path(path): Path<String>, headers: axum::http::HeaderMap) -> Response {
    let Some((_, ctype, body)) = ASSETS.iter().find(|(name, _, _)| *name == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", &crate::identity::sha256_hex(&String::from_utf8_lossy(body))[..16]);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::CONTENT_TYPE, *ctype), (header::CACHE_CONTROL, "public, max-age=86400"), (header::ETAG, etag.as_str())], *body).into_response()
}
