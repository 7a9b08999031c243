//! Organisation B's private objects through every kernel route, for every kind of viewer:
//! only B's admins (and platform admins) may manage, only B's members may see members.
use http::{Method, StatusCode};
use serde_json::json;
use testkit::{backends, Client, TestApp};

use crate::app;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Outsider,
    MemberA,
    AdminA,
    MemberB,
    EditorB,
    AdminB,
    PlatformAdmin,
}

struct World {
    app: TestApp,
    clients: Vec<(Who, Client)>,
    member_b_id: i64,
}

async fn world(b: testkit::Backend) -> World {
    let app = app(b).await;
    let mut admin_a = app.user("admin-a@exemple.fr", false).await;
    let mut admin_b = app.user("admin-b@exemple.fr", false).await;
    assert_eq!(admin_a.post_json("/api/v1/organisations", &json!({"name": "Org A", "slug": "org-a"})).await.status, StatusCode::CREATED);
    assert_eq!(admin_b.post_json("/api/v1/organisations", &json!({"name": "Org B", "slug": "org-b"})).await.status, StatusCode::CREATED);
    let mut clients = vec![(Who::Anonymous, app.client()), (Who::Outsider, app.user("outsider@exemple.fr", false).await)];
    for (who, email, org, role) in [
        (Who::MemberA, "member-a@exemple.fr", "org-a", "member"),
        (Who::MemberB, "member-b@exemple.fr", "org-b", "member"),
        (Who::EditorB, "editor-b@exemple.fr", "org-b", "editor"),
    ] {
        let c = app.user(email, false).await;
        let org = app.platform.org_by_slug(org).await.unwrap().unwrap();
        let uid = app.platform.user_by_email(email).await.unwrap().unwrap().id;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, 0)")
            .bind(org.id)
            .bind(uid)
            .bind(role)
            .execute(app.platform.db.pool())
            .await
            .unwrap();
        clients.push((who, c));
    }
    clients.push((Who::AdminA, admin_a));
    clients.push((Who::AdminB, admin_b));
    clients.push((Who::PlatformAdmin, app.user("root@exemple.fr", true).await));
    let member_b_id = app.platform.user_by_email("member-b@exemple.fr").await.unwrap().unwrap().id;
    World { app, clients, member_b_id }
}

fn expect(who: Who, managers_only: bool) -> StatusCode {
    let allowed = if managers_only { matches!(who, Who::AdminB | Who::PlatformAdmin) } else { matches!(who, Who::MemberB | Who::EditorB | Who::AdminB | Who::PlatformAdmin) };
    match (who, allowed) {
        (Who::Anonymous, _) => StatusCode::UNAUTHORIZED,
        (_, false) => StatusCode::FORBIDDEN,
        (_, true) => StatusCode::OK,
    }
}

#[tokio::test]
async fn organisation_b_private_objects_by_route_and_role() {
    for b in backends() {
        let w = world(b).await;
        let routes: Vec<(Method, String, Option<serde_json::Value>, bool)> = vec![
            (Method::GET, "/api/v1/organisations/org-b/members".into(), None, false),
            (Method::GET, "/api/v1/organisations/org-b/requests".into(), None, true),
            (Method::PATCH, "/api/v1/organisations/org-b".into(), Some(json!({"description": "changed"})), true),
            (Method::POST, "/api/v1/organisations/org-b/invitations".into(), Some(json!({"email": "new@exemple.fr", "role": "member"})), true),
            (Method::PATCH, format!("/api/v1/organisations/org-b/members/{}", w.member_b_id), Some(json!({"role": "member"})), true),
            (Method::POST, "/api/v1/organisations/org-b/requests/999999".into(), Some(json!({"accept": true})), true),
        ];
        for (who, client) in &w.clients {
            for (method, path, body, managers_only) in &routes {
                let mut c = client.clone();
                let r = match body {
                    Some(b) => c.request(method.clone(), path, Some("application/json"), serde_json::to_vec(b).unwrap()).await,
                    None => c.request(method.clone(), path, None, Vec::new()).await,
                };
                let want = expect(*who, *managers_only);
                let got = if want == StatusCode::OK {
                    // Allowed: any success, or the 404 of the deliberately missing request id.
                    assert!(r.status.is_success() || (path.ends_with("999999") && r.status == StatusCode::NOT_FOUND), "{b:?} {who:?} {method} {path}: {} {}", r.status, r.text());
                    StatusCode::OK
                } else {
                    r.status
                };
                assert_eq!(got, want, "{b:?} {who:?} {method} {path}: {}", r.text());
            }
            // Removing B's member: only B's admins and platform admins (the member may leave).
            let mut c = client.clone();
            let r = c.delete(&format!("/api/v1/organisations/org-a/members/{}", w.member_b_id)).await;
            assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who:?} removes a non-member of A: {}", r.status);
        }
        // Nothing changed through a refused route: B's description is intact unless B's admin changed it.
        let org = w.app.platform.org_by_slug("org-b").await.unwrap().unwrap();
        assert!(org.description.is_empty() || org.description == "changed");
        // Admin area: only platform admins.
        for (who, client) in &w.clients {
            let mut c = client.clone();
            for path in ["/api/v1/admin/users", "/api/v1/audit", "/api/v1/admin/jobs", "/api/v1/admin/outbox"] {
                let st = c.get(path).await.status;
                let want = match who {
                    Who::Anonymous => StatusCode::UNAUTHORIZED,
                    Who::PlatformAdmin => StatusCode::OK,
                    _ => StatusCode::FORBIDDEN,
                };
                assert_eq!(st, want, "{b:?} {who:?} {path}");
            }
        }
    }
}

#[tokio::test]
async fn pages_of_organisation_b_hide_members_from_outsiders() {
    for b in backends() {
        let w = world(b).await;
        for (who, client) in &w.clients {
            let mut c = client.clone();
            let page = c.get("/organisations/org-b").await;
            assert_eq!(page.status, StatusCode::OK);
            let shows_members = page.text().contains("member-b@exemple.fr");
            let may = matches!(who, Who::MemberB | Who::EditorB | Who::AdminB | Who::PlatformAdmin);
            assert_eq!(shows_members, may, "{b:?} {who:?}");
            let invite = c.post_form("/organisations/org-b/invite", &[("email", "x@exemple.fr"), ("role", "admin")]).await;
            let may_invite = matches!(who, Who::AdminB | Who::PlatformAdmin);
            let want = if may_invite || *who == Who::Anonymous { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
            assert_eq!(invite.status, want, "{b:?} {who:?}");
            if *who == Who::Anonymous {
                assert!(invite.header("location").unwrap().starts_with("/login"), "anonymous is sent to log in");
            }
        }
        let pending = w.app.platform.org_requests(w.app.platform.org_by_slug("org-b").await.unwrap().unwrap().id).await.unwrap();
        assert_eq!(pending.len(), 2, "only B's admin and the platform admin invited");
    }
}

#[tokio::test]
async fn invitation_flow_joins_the_invited_address_only() {
    for b in backends() {
        let app = app(b).await;
        let mut admin = app.user("boss@exemple.fr", false).await;
        admin.post_json("/api/v1/organisations", &json!({"name": "Ville de Lyon", "slug": "lyon"})).await;
        let r = admin.post_json("/api/v1/organisations/lyon/invitations", &json!({"email": "new@exemple.fr", "role": "editor"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let mail = app.platform.list_emails(Some("new@exemple.fr"), 1).await.unwrap().remove(0);
        let path = mail.body.split_whitespace().find(|w| w.contains("/invitations/")).unwrap();
        let path = &path[path.find("/invitations/").unwrap()..];
        let mut other = app.user("other@exemple.fr", false).await;
        assert_eq!(other.post_form(path, &[]).await.status, StatusCode::FORBIDDEN);
        let mut invited = app.user("new@exemple.fr", false).await;
        assert_eq!(invited.get(path).await.status, StatusCode::OK);
        assert_eq!(invited.post_form(path, &[]).await.status, StatusCode::SEE_OTHER);
        let members = admin.get("/api/v1/organisations/lyon/members").await.json();
        let roles: Vec<(String, String)> = members.as_array().unwrap().iter().map(|m| (m["email"].as_str().unwrap().into(), m["role"].as_str().unwrap().into())).collect();
        assert!(roles.contains(&("new@exemple.fr".into(), "editor".into())), "{roles:?}");
        // The last admin cannot leave or be demoted.
        let boss = app.platform.user_by_email("boss@exemple.fr").await.unwrap().unwrap().id;
        let r = admin.patch_json(&format!("/api/v1/organisations/lyon/members/{boss}"), &json!({"role": "member"})).await;
        assert_eq!(r.problem_code(), "last_admin");
        // Membership request, decided by the admin.
        let r = other.post_json("/api/v1/organisations/lyon/requests", &json!({"message": "Je souhaite aider"})).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(admin.post_json(&format!("/api/v1/organisations/lyon/requests/{id}"), &json!({"accept": true})).await.status, StatusCode::NO_CONTENT);
        assert_eq!(other.get("/api/v1/organisations/lyon/members").await.status, StatusCode::OK);
    }
}
