//! Extractors whose rejections are problem+json with stable codes.
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
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

/// JSON body: wrong content type → 415, malformed → 400, wrong shape or unknown field → 422
/// (an array where an object is expected included), a string holding U+0000 → 422 (PostgreSQL
/// cannot store it in text, and no field needs it).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers()) {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the request body is too large or could not be read"))?;
        if first_byte(&bytes) == Some(b'[') && expects_struct::<T>() {
            // serde lets a struct be read from an array of its fields in order; the API's
            // objects are objects.
            return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "invalid type: array, expected a JSON object"));
        }
        let value = axum::Json::<T>::from_bytes(&bytes).map_err(|e| match e {
            JsonRejection::JsonSyntaxError(e) => AppError::bad_request("malformed_json", format!("the body is not valid JSON: {}", inner(&e.body_text()))),
            JsonRejection::JsonDataError(e) => AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", inner(&e.body_text())),
            other => AppError::bad_request("invalid_body", other.body_text()),
        })?;
        if has_escaped_nul(&bytes) {
            return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "text may not contain the NUL character (\\u0000)"));
        }
        Ok(ApiJson(value.0))
    }
}

/// `application/json` or any `application/*+json`, parameters aside (as `axum::Json` decides).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Whether a JSON text has `\u0000` in a string. Backslashes occur only in strings, in pairs
/// (`\\`) or before an escape letter, so skipping each escape pair is enough.
fn has_escaped_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1..i + 6) == Some(&b"u0000"[..]) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

fn first_byte(json: &[u8]) -> Option<u8> {
    json.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether `T` is read as a struct (derived `Deserialize` of a struct with named fields): asks
/// `T` to deserialize itself from a probe that notes the request and refuses everything.
fn expects_struct<T: DeserializeOwned>() -> bool {
    use serde::de::{Error, Visitor};
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Probe<'a>(&'a std::cell::Cell<bool>);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], _: V) -> Result<V::Value, Stop> {
            self.0.set(true);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let seen = std::cell::Cell::new(false);
    let _ = T::deserialize(Probe(&seen));
    seen.get()
}

/// Percent-encoded U+0000 in a path or a query string.
fn has_encoded_nul(s: &str) -> bool {
    s.contains("%00")
}

/// Query string: unknown parameters, wrong types and U+0000 → 400 with the reason.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if parts.uri.query().is_some_and(has_encoded_nul) {
            return Err(AppError::bad_request("invalid_query", "query parameters may not contain the NUL character (%00)"));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(AppError::bad_request("invalid_query", inner(&e.body_text()))),
            Err(e) => Err(AppError::bad_request("invalid_query", e.body_text())),
        }
    }
}

/// Path parameters with a problem+json rejection: of the wrong type, or holding U+0000, they
/// name nothing (404).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if has_encoded_nul(parts.uri.path()) {
            return Err(AppError::not_found());
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_nul_is_found_in_strings_only_once_escapes_are_paired() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a\u0000":1}"#));
        assert!(has_escaped_nul(br#"["\\\u0000"]"#), "an escaped backslash, then NUL");
        assert!(!has_escaped_nul(br#"["\\u0000"]"#), "a backslash, then the text u0000");
        assert!(!has_escaped_nul(br#"{"a":"\u0001 \u00e9"}"#));
        assert!(!has_escaped_nul(br#"{"a":"plain"}"#));
    }

    #[test]
    fn structs_are_told_from_other_bodies() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Named {
            a: Option<i64>,
        }
        assert!(expects_struct::<Named>());
        assert!(!expects_struct::<Vec<String>>());
        assert!(!expects_struct::<serde_json::Value>());
        assert!(!expects_struct::<String>());
        assert_eq!(first_byte(b" \n [1]"), Some(b'['));
        assert_eq!(first_byte(b"  "), None);
    }

    #[test]
    fn json_content_types() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::CONTENT_TYPE, v.parse().unwrap());
            m
        };
        assert!(is_json(&h("application/json")));
        assert!(is_json(&h("Application/JSON; charset=utf-8")));
        assert!(is_json(&h("application/merge-patch+json")));
        assert!(!is_json(&h("text/plain")));
        assert!(!is_json(&h("application/jsonx")));
        assert!(!is_json(&HeaderMap::new()));
    }
}
