//! Outgoing e-mail. Messages are written to the `outbox` table in the transaction that caused
//! them; administrators can read them in the admin area (how a development or demo instance is
//! used without a mail server). When SMTP is configured, a job delivers each one.
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::config::SmtpConfig;
use crate::jobs::{Job, JobHandler};
use crate::Platform;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Email {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
}

impl Platform {
    pub async fn queue_email(&self, conn: &mut AnyConnection, to: &str, subject: &str, body: &str) -> Result<i64, sqlx::Error> {
        let id: i64 = sqlx::query(
            "INSERT INTO outbox (to_addr, subject, body_text, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(self.now())
        .fetch_one(&mut *conn)
        .await?
        .get(0);
        if self.config.smtp.is_some() {
            self.enqueue_in(conn, "outbox.deliver", &serde_json::json!({ "id": id }), self.now()).await?;
        }
        Ok(id)
    }

    pub async fn list_emails(&self, to: Option<&str>, limit: i64) -> Result<Vec<Email>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, to_addr, subject, body_text, created_at, sent_at, last_error FROM outbox
             WHERE ($1 IS NULL OR to_addr = $1) ORDER BY id DESC LIMIT $2",
        )
        .bind(to)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.iter().map(email_from_row).collect())
    }

    pub async fn get_email(&self, id: i64) -> Result<Option<Email>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, to_addr, subject, body_text, created_at, sent_at, last_error FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.as_ref().map(email_from_row))
    }
}

fn email_from_row(r: &sqlx::any::AnyRow) -> Email {
    Email {
        id: r.get("id"),
        to: r.get("to_addr"),
        subject: r.get("subject"),
        body: r.get("body_text"),
        created_at: crate::clock::rfc3339(r.get("created_at")),
        sent_at: r.get::<Option<i64>, _>("sent_at").map(crate::clock::rfc3339),
        last_error: r.get("last_error"),
    }
}

/// Sends one message over plain SMTP (a local relay such as Postfix or an internal smarthost
/// that handles TLS onward).
pub async fn smtp_send(cfg: &SmtpConfig, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let stream = TcpStream::connect((cfg.host.as_str(), cfg.port)).await.map_err(|e| format!("connect: {e}"))?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    async fn expect(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>, code: &str) -> Result<(), String> {
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
                return Err("connection closed".into());
            }
            if !line.starts_with(code) {
                return Err(format!("expected {code}, got `{}`", line.trim_end()));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    }
    let clean = |s: &str| s.replace(['\r', '\n'], " ");
    expect(&mut r, "220").await?;
    let steps: [(String, &str); 4] = [
        ("EHLO communs\r\n".into(), "250"),
        (format!("MAIL FROM:<{}>\r\n", clean(&cfg.from)), "250"),
        (format!("RCPT TO:<{}>\r\n", clean(to)), "250"),
        ("DATA\r\n".into(), "354"),
    ];
    for (cmd, code) in steps {
        w.write_all(cmd.as_bytes()).await.map_err(|e| e.to_string())?;
        expect(&mut r, code).await?;
    }
    let mut msg = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        clean(&cfg.from),
        clean(to),
        clean(subject)
    );
    for line in body.lines() {
        // Dot-stuffing (RFC 5321 §4.5.2).
        if line.starts_with('.') {
            msg.push('.');
        }
        msg.push_str(line);
        msg.push_str("\r\n");
    }
    msg.push_str(".\r\n");
    w.write_all(msg.as_bytes()).await.map_err(|e| e.to_string())?;
    expect(&mut r, "250").await?;
    w.write_all(b"QUIT\r\n").await.map_err(|e| e.to_string())?;
    Ok(())
}

pub struct Deliver;

#[async_trait::async_trait]
impl JobHandler for Deliver {
    fn kind(&self) -> &'static str {
        "outbox.deliver"
    }
    async fn run(&self, p: &Platform, job: &Job) -> Result<(), String> {
        let Some(cfg) = p.config.smtp.clone() else {
            return Err("SMTP is not configured".into());
        };
        let id = job.payload["id"].as_i64().ok_or("payload has no id")?;
        let email = p.get_email(id).await.map_err(|e| e.to_string())?.ok_or("no such e-mail")?;
        if email.sent_at.is_some() {
            return Ok(());
        }
        let result = smtp_send(&cfg, &email.to, &email.subject, &email.body).await;
        let now = p.now();
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, sent_at = $1, last_error = $2 WHERE id = $3")
            .bind(result.is_ok().then_some(now))
            .bind(result.as_ref().err())
            .bind(id)
            .execute(p.db.pool())
            .await
            .map_err(|e| e.to_string())?;
        result
    }
}
