//! The catalog's pages, and the download of uploaded files.
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use platform::html::error_page;
use platform::http::extract::ViewerExt;
use platform::module::Router;
use platform::Platform;

pub fn router() -> Router<Platform> {
    platform::html::construction_routes("catalog").route("/files/{rid}/{name}", get(download))
}

/// Serves an uploaded resource file, under the same visibility as its dataset.
async fn download(State(p): State<Platform>, ViewerExt(v): ViewerExt, Path((rid, _name)): Path<(String, String)>) -> Response {
    let found = async {
        let r = crate::store::get_resource(p.db.pool(), &rid).await.ok()??;
        crate::service::visible_dataset(&p, &v.principal, &r.dataset_id).await.ok()?;
        let sha = r.sha256.clone()?;
        let bytes = p.files.get(&sha).await.ok()?;
        Some((r, bytes))
    }
    .await;
    match found {
        Some((r, bytes)) => {
            let ct = if r.mime.is_empty() { "application/octet-stream".to_string() } else { r.mime.clone() };
            let name = crate::service::sanitize_filename(&r.title);
            (
                [
                    (header::CONTENT_TYPE, ct),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                    (header::HeaderName::from_static("x-content-type-options"), "nosniff".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        None => error_page(&p, Some(&v), v.locale, platform::error::AppError::not_found()),
    }
}
