//! Bad input at the edge: always a 4xx problem (or error page), never a 500, nothing written.
use http::{Method, StatusCode};
use serde_json::json;
use testkit::{backends, Backend, TestApp};

use crate::app;

#[tokio::test]
async fn malformed_bodies_are_problems() {
    let app = app(Backend::Sqlite).await;
    let mut c = app.user("edge@exemple.fr", false).await;
    let cases: Vec<(Option<&str>, &[u8], StatusCode, &str)> = vec![
        (Some("application/json"), b"{not json", StatusCode::BAD_REQUEST, "malformed_json"),
        (Some("text/plain"), b"{}", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (None, b"{}", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (Some("application/json"), br#"{"name":"x","scopes":["*"],"evil":1}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (Some("application/json"), br#"{"name":5,"scopes":["*"]}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
    ];
    for (ct, body, status, code) in cases {
        let r = c.request(Method::POST, "/api/v1/me/tokens", ct, body.to_vec()).await;
        assert_eq!(r.status, status, "{ct:?} {}", String::from_utf8_lossy(body));
        assert_eq!(r.problem_code(), code);
        assert!(!r.json()["detail"].as_str().unwrap().is_empty());
    }
    assert!(app.platform.list_api_tokens(app.platform.user_by_email("edge@exemple.fr").await.unwrap().unwrap().id).await.unwrap().is_empty());
    // Unknown query parameters and bad paging.
    assert_eq!(c.get("/api/v1/organisations?page=0").await.problem_code(), "validation_failed");
    assert_eq!(c.get("/api/v1/organisations?bogus=1").await.problem_code(), "invalid_query");
    assert_eq!(c.get("/api/v1/organisations?page=abc").await.problem_code(), "invalid_query");
    assert_eq!(c.get("/api/v1/me/tokens/abc").await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(c.delete("/api/v1/me/tokens/abc").await.problem_code(), "not_found");
    assert_eq!(c.get("/api/v1/nothing-here").await.problem_code(), "not_found");
}

#[tokio::test]
async fn oversize_bodies_are_refused() {
    let app = TestApp::with_config(Backend::Sqlite, Vec::new(), |c| {
        c.upload_max_bytes = 64 * 1024;
        c.max_body_bytes = 64 * 1024;
    })
    .await;
    let mut c = app.user("big@exemple.fr", false).await;
    let big = format!(r#"{{"name":"{}","scopes":["*"]}}"#, "x".repeat(200_000));
    let r = c.request(Method::POST, "/api/v1/me/tokens", Some("application/json"), big.into_bytes()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.problem_code(), "body_too_large");
}

#[tokio::test]
async fn csrf_protects_cookie_writes() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("csrf@exemple.fr", false).await;
        // No token: refused, nothing written.
        let saved = c.csrf.take();
        let r = c.post_json("/api/v1/organisations", &json!({"name": "Sans jeton"})).await;
        assert_eq!(r.problem_code(), "csrf_failed");
        // Wrong token.
        c.csrf = Some("0".repeat(32));
        assert_eq!(c.post_json("/api/v1/organisations", &json!({"name": "Mauvais jeton"})).await.problem_code(), "csrf_failed");
        // Form without _csrf gets the French error page.
        c.csrf = None;
        let r = c.request(Method::POST, "/organisations/new", Some("application/x-www-form-urlencoded"), b"name=Formulaire".to_vec()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.text().contains("Le formulaire a expiré"));
        // Cross-site origin, even with the right token.
        c.csrf = saved.clone();
        c.headers = vec![("origin".into(), "https://evil.example".into())];
        assert_eq!(c.post_json("/api/v1/organisations", &json!({"name": "Ailleurs"})).await.problem_code(), "csrf_failed");
        c.headers = vec![("sec-fetch-site".into(), "cross-site".into())];
        assert_eq!(c.post_json("/api/v1/organisations", &json!({"name": "Ailleurs"})).await.problem_code(), "csrf_failed");
        c.headers.clear();
        assert_eq!(app.platform.list_orgs(10, 0).await.unwrap().1, 0, "nothing written");
        // Same origin with the token works.
        c.headers = vec![("origin".into(), "http://localhost".into())];
        assert_eq!(c.post_json("/api/v1/organisations", &json!({"name": "Bonne origine"})).await.status, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = TestApp::with_config(Backend::Sqlite, Vec::new(), |c| c.rate_limit_per_ip = 1).await;
    let mut c = app.client();
    let mut limited = None;
    for _ in 0..10 {
        let r = c.get("/api/v1/organisations").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("limited within 10 requests at 1/s with a burst of 4");
    assert_eq!(r.problem_code(), "rate_limited");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK, "probes are never limited");
}

#[tokio::test]
async fn security_headers_and_probes() {
    let app = app(Backend::Sqlite).await;
    let mut c = app.client();
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("x-request-id").is_some_and(|v| v.len() == 16));
    assert!(!r.text().contains("<script>"), "no inline script");
    let cookie = r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|v| v.starts_with("communs_csrf=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert_eq!(c.get("/healthz").await.text(), "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(c.get("/assets/app.css").await.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(c.get("/assets/../Cargo.toml").await.status, StatusCode::NOT_FOUND);
    // Libraries from npm are embedded by the build and revalidated by ETag.
    let lib = c.get("/assets/vendor/uplot.js").await;
    assert_eq!(lib.status, StatusCode::OK);
    assert!(lib.text().contains("uPlot"));
    let etag = lib.header("etag").unwrap().to_string();
    c.headers = vec![("if-none-match".into(), etag)];
    assert_eq!(c.get("/assets/vendor/uplot.js").await.status, StatusCode::NOT_MODIFIED);
    c.headers.clear();
    assert_eq!(c.get("/assets/vendor/nothing.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn languages_follow_switch_cookie_preference_and_browser() {
    let app = app(Backend::Sqlite).await;
    let mut c = app.client();
    assert!(c.get("/").await.text().contains("<html lang=\"fr\">"), "French by default");
    c.headers = vec![("accept-language".into(), "en-GB,en;q=0.9".into())];
    assert!(c.get("/").await.text().contains("<html lang=\"en\">"));
    c.headers.clear();
    let r = c.get("/login?lang=en").await;
    assert!(r.text().contains("Log in"));
    // The switch keeps the page and its query.
    let r = c.get("/password/reset?token=abc&lang=en").await;
    assert!(r.text().contains("href=\"/password/reset?token=abc&#38;lang=fr\""), "{}", r.text());
    assert!(c.get("/").await.text().contains("<html lang=\"en\">"), "the switch is remembered");
    let r = c.get("/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("This page does not exist."));
    // The account preference applies at login.
    let mut u = app.user("pref@exemple.fr", false).await;
    assert_eq!(u.patch_json("/api/v1/me", &json!({"locale": "en"})).await.status, StatusCode::OK);
    let mut fresh = app.client();
    fresh.login("pref@exemple.fr", "correct horse battery").await;
    assert!(fresh.get("/account").await.text().contains("My account"));
}

#[tokio::test]
async fn message_catalogues_are_complete_in_both_languages() {
    let app = app(Backend::Sqlite).await;
    assert_eq!(app.platform.catalog.missing_keys(), Vec::<String>::new());
}

#[tokio::test]
async fn every_kernel_page_renders_in_both_languages() {
    for b in backends() {
        let app = app(b).await;
        let mut admin = app.user("pages@exemple.fr", true).await;
        admin.post_json("/api/v1/organisations", &json!({"name": "Pages", "slug": "pages"})).await;
        for lang in ["fr", "en"] {
            for path in [
                "/", "/login", "/register", "/password/forgot", "/password/reset?token=x", "/account", "/account/tokens", "/organisations",
                "/organisations/new", "/organisations/pages", "/admin", "/admin/users", "/admin/groups", "/admin/permissions", "/admin/jobs",
                "/admin/audit", "/admin/outbox", "/history/platform/organisation/1", "/api/docs",
            ] {
                let r = admin.get(&format!("{path}{}lang={lang}", if path.contains('?') { "&" } else { "?" })).await;
                assert_eq!(r.status, StatusCode::OK, "{b:?} {path} {lang}: {}", r.text());
                let html = r.text();
                assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}");
                // No message key left untranslated in the page.
                for key in ["nav.", "error.", "admin.", "field.", "form.", "account.", "tokens."] {
                    assert!(!html.contains(&format!(">{key}")), "{path} shows a raw key {key}");
                }
            }
        }
    }
}

/// Found by schemathesis: PostgreSQL refuses U+0000 in text, so a NUL in a JSON string, a path
/// segment or a query parameter reached the database and answered 500 there (SQLite stored it).
/// The API's extractors refuse it on both backends.
#[tokio::test]
async fn nul_characters_are_refused_at_the_edge() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("nul@exemple.fr", true).await;
        assert_eq!(c.post_json("/api/v1/organisations", &json!({"name": "Nul", "slug": "nul"})).await.status, StatusCode::CREATED);
        for (method, path, body) in [
            (Method::POST, "/api/v1/organisations", json!({"name": "Nul 2", "description": "a\u{0}b"})),
            (Method::PATCH, "/api/v1/organisations/nul", json!({"description": "a\u{0}b"})),
            (Method::POST, "/api/v1/organisations/nul/requests", json!({"message": "\u{0}"})),
            (Method::PATCH, "/api/v1/me", json!({"display_name": "Nul", "locale": null, "\u{0}": 1})),
        ] {
            let r = c.request(method.clone(), path, Some("application/json"), serde_json::to_vec(&body).unwrap()).await;
            assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{b:?} {method} {path}");
        }
        let org = c.get("/api/v1/organisations/nul").await.json();
        assert_eq!(org["description"], "", "{b:?}: nothing written");
        assert_eq!(app.platform.list_orgs(10, 0).await.unwrap().1, 1, "{b:?}: nothing written");
        for path in ["/api/v1/organisations/a%00b", "/api/v1/organisations/a%00b/members", "/api/v1/vocabularies/%00", "/api/v1/modules/%00"] {
            let r = c.get(path).await;
            assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "{b:?} {path}");
        }
        for path in ["/api/v1/admin/users?q=a%00b", "/api/v1/audit?module=%00", "/api/v1/search?q=a&module=x%00", "/api/v1/events?topics=a%00"] {
            let r = c.get(path).await;
            assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::BAD_REQUEST, "invalid_query"), "{b:?} {path}");
        }
    }
}

/// Found by schemathesis (negative data): serde reads a struct from an array of its fields in
/// order, so `PATCH /api/v1/me` with `[null, null]`, or `PATCH /api/v1/admin/users/{id}` with
/// `[true, null]`, was accepted and applied. Object bodies must be objects.
#[tokio::test]
async fn array_bodies_are_not_objects() {
    let app = app(Backend::Sqlite).await;
    let mut admin = app.user("arrays@exemple.fr", true).await;
    let other = app.user("other@exemple.fr", false).await;
    drop(other);
    let other_id = app.platform.user_by_email("other@exemple.fr").await.unwrap().unwrap().id;
    for (method, path, body) in [
        (Method::PATCH, "/api/v1/me".to_string(), json!(["Renommé", "en"])),
        (Method::PATCH, format!("/api/v1/admin/users/{other_id}"), json!([true, null])),
        (Method::POST, "/api/v1/organisations".to_string(), json!(["Tableau", "tableau", ""])),
        (Method::POST, "/api/v1/auth/password-reset".to_string(), json!(["arrays@exemple.fr"])),
    ] {
        let r = admin.request(method.clone(), &path, Some("application/json"), serde_json::to_vec(&body).unwrap()).await;
        assert_eq!((r.status, r.problem_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{method} {path}: {}", r.text());
    }
    let me = admin.get("/api/v1/me").await.json();
    assert_ne!(me["display_name"], "Renommé");
    assert!(!app.platform.user_by_id(other_id).await.unwrap().unwrap().is_admin, "not promoted");
    assert_eq!(app.platform.list_orgs(10, 0).await.unwrap().1, 0, "nothing created");
    // Objects still work.
    assert_eq!(admin.patch_json("/api/v1/me", &json!({"display_name": "Renommé"})).await.status, StatusCode::OK);
}

/// Found by schemathesis: query structs derived `IntoParams` without
/// `#[into_params(parameter_in = Query)]` were documented as required *path* parameters, and the
/// extractors' rejections (400, 401, 413, 415, 422, 429…) were not documented at all.
#[tokio::test]
async fn openapi_parameters_and_errors_match_the_extractors() {
    let app = app(Backend::Sqlite).await;
    let doc = app.client().get("/api/openapi.json").await.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: `{name}` is not in the path"),
                    "query" => {}
                    other => panic!("{method} {path}: `{name}` in {other}"),
                }
            }
            let responses = op["responses"].as_object().unwrap();
            let mut want = vec!["401", "429"];
            if params.iter().any(|p| p["in"] == "path") {
                want.push("404");
            }
            if params.iter().any(|p| p["in"] == "query") || op.get("requestBody").is_some() {
                want.push("400");
            }
            if op.get("requestBody").is_some() {
                want.extend(["413", "415", "422"]);
            }
            if method != "get" || op.get("security").is_some() {
                want.push("403");
            }
            for status in want {
                assert!(responses.contains_key(status), "{method} {path}: {status} undocumented");
            }
            for (status, r) in responses {
                if !status.starts_with('2') {
                    let r = match r.get("$ref").and_then(|v| v.as_str()) {
                        Some(name) => &doc["components"]["responses"][name.rsplit('/').next().unwrap()],
                        None => r,
                    };
                    assert!(r["content"].get("application/problem+json").is_some(), "{method} {path}: {status} is not problem+json");
                }
            }
        }
    }
    assert!(operations > 30);
    let page = &doc["paths"]["/api/v1/organisations"]["get"]["parameters"][0];
    assert_eq!((page["name"].as_str(), page["in"].as_str(), page["required"].as_bool()), (Some("page"), Some("query"), Some(false)));
}

#[tokio::test]
async fn nul_characters_in_pages_are_client_errors() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.client();
        assert!(c.get("/organisations/a%00b").await.status.is_client_error(), "{b:?}");
        let mut u = app.user("nul@exemple.fr", false).await;
        u.get("/organisations/new").await;
        let r = u.post_form("/organisations/new", &[("name", "Nul\u{0}Org"), ("slug", "nul-org"), ("description", "")]).await;
        assert!(r.status.is_client_error(), "{b:?}: {}", r.status);
    }
}

/// A module whose one route panics, to see what the edge makes of it.
struct Panicky;

#[platform::module::async_trait]
impl platform::Module for Panicky {
    fn id(&self) -> &'static str {
        "panicky"
    }
    fn nav_key(&self) -> &'static str {
        "home.title"
    }
    fn migrations(&self) -> Vec<platform::db::Migration> {
        Vec::new()
    }
    fn messages(&self) -> Vec<(platform::i18n::Locale, &'static str)> {
        Vec::new()
    }
    fn api(&self) -> platform::module::OpenApiRouter<platform::Platform> {
        platform::module::OpenApiRouter::new()
    }
    fn pages(&self) -> platform::module::Router<platform::Platform> {
        platform::module::Router::new().route("/", axum::routing::get(|| async { panic!("a bug") as &'static str }))
    }
    fn permissions(&self) -> Vec<platform::access::ObjectDecl> {
        Vec::new()
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_a_500_problem() {
    let app = TestApp::new(Backend::Sqlite, vec![std::sync::Arc::new(Panicky)]).await;
    let mut c = app.client();
    let r = c.request(Method::GET, "/panicky", Some("application/json"), Vec::new()).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.problem_code(), "internal");
    // The server goes on answering.
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
}
