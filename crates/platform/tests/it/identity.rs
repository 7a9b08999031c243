use http::StatusCode;
use serde_json::json;
use testkit::backends;

use crate::app;

#[tokio::test]
async fn register_verify_login_logout() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.client();
        c.get("/register").await;
        let r = c
            .post_form("/register", &[("email", "Zoe@Exemple.fr"), ("display_name", "Zoé"), ("password", "un mot de passe"), ("password_confirm", "un mot de passe")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.text());
        // The verification e-mail sits in the outbox with a one-time link.
        let mails = app.platform.list_emails(Some("zoe@exemple.fr"), 10).await.unwrap();
        assert_eq!(mails.len(), 1, "{b:?}");
        let link = mails[0].body.split_whitespace().find(|w| w.contains("/verify-email?token=")).expect("link").to_string();
        let path = &link[link.find("/verify-email").unwrap()..];
        assert!(!app.platform.user_by_email("zoe@exemple.fr").await.unwrap().unwrap().email_verified);
        assert_eq!(c.get(path).await.status, StatusCode::SEE_OTHER);
        assert!(app.platform.user_by_email("zoe@exemple.fr").await.unwrap().unwrap().email_verified);
        // Used once only.
        assert_eq!(c.get(path).await.status, StatusCode::BAD_REQUEST);

        let r = c.post_form("/login", &[("email", "zoe@exemple.fr"), ("password", "mauvais mot de passe")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("Adresse électronique ou mot de passe incorrect"));
        c.login("ZOE@exemple.fr", "un mot de passe").await;
        let me = c.get("/api/v1/me").await;
        assert_eq!(me.json()["email"], "zoe@exemple.fr", "{b:?}");
        let cookie = c.cookies.get("communs_session").cloned().unwrap();
        assert!(app.platform.resolve_session(&cookie).await.unwrap().is_some());
        // Only the hash of the session token is stored.
        use sqlx::Row;
        let stored: String = sqlx::query("SELECT token_hash FROM sessions").fetch_one(app.platform.db.pool()).await.unwrap().get(0);
        assert_ne!(stored, cookie);
        let r = c.post_form("/logout", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(app.platform.resolve_session(&cookie).await.unwrap().is_none(), "session revoked");
        assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn registration_errors_are_reported_per_field_in_the_page_language() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.client();
        c.get("/register?lang=en").await;
        let r = c.post_form("/register", &[("email", "not-an-email"), ("display_name", ""), ("password", "short"), ("password_confirm", "other")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        for msg in ["Enter a valid e-mail address", "This field is required", "at least 10 characters", "not the same"] {
            assert!(page.contains(msg), "{msg} missing");
        }
        // Nothing was written.
        assert!(app.platform.list_users(None, 10, 0).await.unwrap().0.is_empty());
        // Via the API (a program: no cookies), field errors with codes.
        let r = app.client().request(http::Method::POST, "/api/v1/auth/register", Some("application/json"), br#"{"email":"x","display_name":"a","password":"p"}"#.to_vec()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = r.json();
        assert_eq!(j["code"], "validation_failed");
        let codes: Vec<&str> = j["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["invalid_email", "password_too_short"]);
    }
}

#[tokio::test]
async fn duplicate_email_is_refused() {
    for b in backends() {
        let app = app(b).await;
        app.user("a@exemple.fr", false).await;
        let mut c = app.client();
        let r = c.post_json("/api/v1/auth/register", &json!({"email": "A@exemple.fr", "display_name": "A", "password": "0123456789"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["code"], "email_taken");
    }
}

#[tokio::test]
async fn login_is_throttled_after_repeated_failures() {
    for b in backends() {
        let app = app(b).await;
        app.user("t@exemple.fr", false).await;
        let mut c = app.client();
        c.get("/login").await;
        for _ in 0..5 {
            let r = c.post_form("/login", &[("email", "t@exemple.fr"), ("password", "wrong password")]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = c.post_form("/login", &[("email", "t@exemple.fr"), ("password", "correct horse battery")]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    }
}

#[tokio::test]
async fn password_reset_through_the_outbox_ends_sessions() {
    for b in backends() {
        let app = app(b).await;
        let mut old = app.user("r@exemple.fr", false).await;
        let mut c = app.client();
        c.get("/password/forgot").await;
        assert_eq!(c.post_form("/password/forgot", &[("email", "r@exemple.fr")]).await.status, StatusCode::SEE_OTHER);
        // Unknown addresses get the same answer.
        assert_eq!(c.post_form("/password/forgot", &[("email", "nobody@exemple.fr")]).await.status, StatusCode::SEE_OTHER);
        let mail = app.platform.list_emails(Some("r@exemple.fr"), 1).await.unwrap().remove(0);
        let token = mail.body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
        let r = c.post_form("/password/reset", &[("token", &token), ("password", "court")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = c.post_form("/password/reset", &[("token", &token), ("password", "nouveau mot de passe")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(old.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "old session ended");
        c.login("r@exemple.fr", "nouveau mot de passe").await;
        let r = c.post_form("/password/reset", &[("token", &token), ("password", "encore un autre")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "link used once");
    }
}

#[tokio::test]
async fn api_tokens_are_scoped_expire_and_revoke() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("tok@exemple.fr", false).await;
        let r = c.post_json("/api/v1/me/tokens", &json!({"name": "script", "scopes": ["platform:R"], "expires_in_days": 30})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let secret = r.json()["token"].as_str().unwrap().to_string();
        assert!(secret.starts_with("cmn_"));
        let prefix = r.json()["prefix"].as_str().unwrap().to_string();
        assert!(secret.starts_with(&prefix));
        let mut t = c.with_token(&secret);
        assert_eq!(t.get("/api/v1/me").await.json()["email"], "tok@exemple.fr");
        // X-API-KEY works too.
        let mut k = c.with_token("");
        k.headers = vec![("x-api-key".into(), secret.clone())];
        assert_eq!(k.get("/api/v1/me").await.status, StatusCode::OK);
        // Read-only token cannot write, nor make tokens.
        assert_eq!(t.patch_json("/api/v1/me", &json!({"display_name": "x"})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.post_json("/api/v1/me/tokens", &json!({"name": "n", "scopes": ["*"]})).await.status, StatusCode::FORBIDDEN);
        // Forged and malformed tokens are 401 problems.
        let mut f = c.with_token("cmn_deadbeef_0000000000000000000000000000000000000000000000000");
        assert_eq!(f.get("/api/v1/me").await.problem_code(), "invalid_token");
        let mut f = c.with_token("garbage");
        assert_eq!(f.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        // Bad scopes are refused with the field.
        let r = c.post_json("/api/v1/me/tokens", &json!({"name": "n", "scopes": ["nope:R"]})).await;
        assert_eq!(r.json()["errors"][0]["field"], "scopes");
        // Revocation.
        let id = app.platform.list_api_tokens(app.platform.user_by_email("tok@exemple.fr").await.unwrap().unwrap().id).await.unwrap()[0].id;
        assert_eq!(c.delete(&format!("/api/v1/me/tokens/{id}")).await.status, StatusCode::NO_CONTENT);
        assert_eq!(t.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("exp@exemple.fr", false).await;
        let secret = c.post_json("/api/v1/me/tokens", &json!({"name": "short", "scopes": ["*"], "expires_in_days": 1})).await.json()["token"].as_str().unwrap().to_string();
        sqlx::query("UPDATE api_tokens SET expires_at = 1").execute(app.platform.db.pool()).await.unwrap();
        assert_eq!(c.with_token(&secret).get("/api/v1/me").await.problem_code(), "invalid_token");
    }
}

#[tokio::test]
async fn gdpr_export_and_delete() {
    for b in backends() {
        let app = app(b).await;
        let mut c = app.user("gdpr@exemple.fr", false).await;
        let org = c.post_json("/api/v1/organisations", &json!({"name": "Jardin partagé"})).await;
        assert_eq!(org.status, StatusCode::CREATED, "{}", org.text());
        let r = c.get("/api/v1/me/export").await;
        assert_eq!(r.header("content-type"), Some("application/zip"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
        let mut names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().to_string()).collect();
        names.sort();
        assert_eq!(names, ["api_tokens.json", "history.json", "membership_requests.json", "organisations.json", "profile.json", "sessions.json"]);
        let mut profile = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("profile.json").unwrap(), &mut profile).unwrap();
        assert!(profile.contains("gdpr@exemple.fr"));
        assert_eq!(c.delete("/api/v1/me").await.status, StatusCode::NO_CONTENT);
        assert!(app.platform.user_by_email("gdpr@exemple.fr").await.unwrap().is_none());
        // The organisation stays; its history no longer names the person.
        assert!(app.platform.org_by_slug("jardin-partage").await.unwrap().is_some());
        let log = platform::audit::list(app.platform.db.pool(), &platform::audit::AuditQuery { limit: 500, ..Default::default() }).await.unwrap();
        assert!(!log.is_empty());
        for e in &log {
            let all = format!("{} {:?} {:?}", e.actor_label, e.before, e.after);
            assert!(!all.contains("gdpr@exemple.fr"), "{all}");
        }
        assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    }
}
