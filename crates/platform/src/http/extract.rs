//! Extractors whose rejections are problem+json with stable codes.
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::Viewer;
use crate::error::AppError;

/// The request's viewer (see the context middleware).
pub struct ViewerExt(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for ViewerExt {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .map(ViewerExt)
            .ok_or_else(|| AppError::internal("viewer missing: the context middleware is not installed"))
    }
}

/// JSON body: wrong content type → 415, malformed → 400, wrong shape or unknown field → 422.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(match e {
                JsonRejection::MissingJsonContentType(_) => AppError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                ),
                JsonRejection::JsonSyntaxError(e) => AppError::bad_request("malformed_json", format!("the body is not valid JSON: {}", inner(&e.body_text()))),
                JsonRejection::JsonDataError(e) => AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", inner(&e.body_text())),
                JsonRejection::BytesRejection(_) => AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the request body is too large or could not be read"),
                other => AppError::bad_request("invalid_body", other.body_text()),
            }),
        }
    }
}

/// Query string: unknown parameters and wrong types → 400 with the reason.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(AppError::bad_request("invalid_query", inner(&e.body_text()))),
            Err(e) => Err(AppError::bad_request("invalid_query", e.body_text())),
        }
    }
}

/// Path parameters with a problem+json rejection.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| AppError::new(StatusCode::NOT_FOUND, "not_found", e.body_text()))
    }
}

/// axum prefixes serde's message with its own; keep the useful part.
fn inner(text: &str) -> String {
    text.rsplit_once(": ").map(|(_, r)| r).unwrap_or(text).to_string()
}
