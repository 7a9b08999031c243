//! Persistent job queue with retries and exponential backoff. Jobs are rows; a worker claims
//! one at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL so several workers can share the queue;
//! SQLite's single writer makes the claim atomic there).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::Row;
use tokio::sync::Notify;

use crate::clock::Millis;
use crate::db::Backend;
use crate::Platform;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: String,
    pub last_error: Option<String>,
    pub progress: Option<String>,
    pub created_at: String,
}

#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    /// Runs the job; an `Err` schedules a retry until `max_attempts`.
    async fn run(&self, platform: &Platform, job: &Job) -> Result<(), String>;
}

#[derive(Default)]
pub struct JobRegistry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    pub wake: Notify,
}

impl JobRegistry {
    pub fn register(&mut self, h: Arc<dyn JobHandler>) {
        self.handlers.insert(h.kind(), h);
    }
    pub fn handler(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(kind).cloned()
    }
}

/// Delay before retry number `attempt` (1-based): 10 s doubling, capped at one hour.
pub fn backoff_ms(attempt: i64) -> i64 {
    let exp = attempt.clamp(1, 20) - 1;
    (10_000i64.saturating_mul(1i64 << exp)).min(3_600_000)
}

fn job_from_row(r: &sqlx::any::AnyRow) -> Job {
    let payload: String = r.get("payload");
    Job {
        id: r.get("id"),
        kind: r.get("kind"),
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        status: r.get("status"),
        attempts: r.get("attempts"),
        max_attempts: r.get("max_attempts"),
        run_at: crate::clock::rfc3339(r.get("run_at")),
        last_error: r.get("last_error"),
        progress: r.get("progress"),
        created_at: crate::clock::rfc3339(r.get("created_at")),
    }
}

const COLS: &str = "id, kind, payload, status, attempts, max_attempts, run_at, last_error, progress, created_at";

impl Platform {
    /// Queues a job inside the caller's transaction, so it exists only if the change commits.
    pub async fn enqueue_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        payload: &serde_json::Value,
        run_at: Millis,
    ) -> Result<i64, sqlx::Error> {
        let id: i64 = sqlx::query(
            "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at)
             VALUES ($1, $2, 'queued', 0, 5, $3, $4) RETURNING id",
        )
        .bind(kind)
        .bind(payload.to_string())
        .bind(run_at)
        .bind(self.now())
        .fetch_one(conn)
        .await?
        .get(0);
        self.jobs.wake.notify_one();
        Ok(id)
    }

    pub async fn enqueue(&self, kind: &str, payload: &serde_json::Value) -> Result<i64, sqlx::Error> {
        let mut tx = self.db.write().await?;
        let id = self.enqueue_in(tx.conn(), kind, payload, self.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn job_progress(&self, id: i64, progress: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE jobs SET progress = $1 WHERE id = $2")
            .bind(progress)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    pub async fn list_jobs(&self, status: Option<&str>, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM jobs WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(status)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.iter().map(job_from_row).collect())
    }

    /// Puts a dead job back in the queue now, audited in the same transaction.
    pub async fn retry_job(&self, id: i64, actor: &crate::audit::Actor) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.write().await?;
        let n = sqlx::query(
            "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, last_error = NULL WHERE id = $2 AND status = 'dead'",
        )
        .bind(self.now())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 1 {
            crate::audit::record(tx.conn(), self.now(), actor, crate::audit::Change {
                module: "platform", object_type: "job", object_id: id.to_string(), action: "retry", before: None, after: None,
            })
            .await?;
        }
        tx.commit().await?;
        self.jobs.wake.notify_one();
        Ok(n == 1)
    }

    async fn claim_job(&self, worker: &str) -> Result<Option<Job>, sqlx::Error> {
        let now = self.now();
        let lock = match self.db.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut tx = self.db.write().await?;
        let row = sqlx::query(&format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = $2
             WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $2 ORDER BY run_at, id LIMIT 1 {lock})
             RETURNING {COLS}"
        ))
        .bind(worker)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(row.as_ref().map(job_from_row))
    }

    async fn finish_job(&self, job: &Job, result: Result<(), String>) -> Result<(), sqlx::Error> {
        let now = self.now();
        match result {
            Ok(()) => {
                sqlx::query("UPDATE jobs SET status = 'done', finished_at = $1, locked_by = NULL WHERE id = $2")
                    .bind(now)
                    .bind(job.id)
                    .execute(self.db.pool())
                    .await?;
            }
            Err(e) => {
                let dead = job.attempts >= job.max_attempts;
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, dead, error = %e, "job failed");
                sqlx::query(
                    "UPDATE jobs SET status = $1, last_error = $2, run_at = $3, locked_by = NULL, finished_at = $4 WHERE id = $5",
                )
                .bind(if dead { "dead" } else { "queued" })
                .bind(e)
                .bind(now + backoff_ms(job.attempts))
                .bind(if dead { Some(now) } else { None })
                .bind(job.id)
                .execute(self.db.pool())
                .await?;
            }
        }
        Ok(())
    }

    /// Runs ready jobs until none is left; returns how many ran. Used by the worker loop and tests.
    pub async fn run_ready_jobs(&self, worker: &str) -> Result<usize, sqlx::Error> {
        let mut n = 0;
        while let Some(job) = self.claim_job(worker).await? {
            let result = match self.jobs.handler(&job.kind) {
                Some(h) => h.run(self, &job).await,
                None => Err(format!("no handler for job kind `{}`", job.kind)),
            };
            self.finish_job(&job, result).await?;
            n += 1;
        }
        Ok(n)
    }

    /// Jobs left `running` by a worker that died are put back in the queue.
    pub async fn requeue_stale_jobs(&self, older_than_ms: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("UPDATE jobs SET status = 'queued', locked_by = NULL WHERE status = 'running' AND locked_at < $1")
            .bind(self.now() - older_than_ms)
            .execute(self.db.pool())
            .await?
            .rows_affected())
    }

    /// The worker loop: wakes on new jobs or every second.
    pub async fn run_worker(self, name: String) {
        if let Err(e) = self.requeue_stale_jobs(15 * 60 * 1000).await {
            tracing::error!(error = %e, "cannot requeue stale jobs");
        }
        loop {
            if let Err(e) = self.run_ready_jobs(&name).await {
                tracing::error!(error = %e, "job worker error");
            }
            tokio::select! {
                _ = self.jobs.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// Daily clean-up of expired sessions, e-mail tokens and old login attempts; it requeues itself.
pub struct Purge;

#[async_trait::async_trait]
impl JobHandler for Purge {
    fn kind(&self) -> &'static str {
        "platform.purge"
    }
    async fn run(&self, p: &Platform, _job: &Job) -> Result<(), String> {
        let now = p.now();
        let e = |e: sqlx::Error| e.to_string();
        let mut tx = p.db.write().await.map_err(e)?;
        for sql in [
            "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1 - 86400000",
            "DELETE FROM email_tokens WHERE expires_at < $1",
            "DELETE FROM login_attempts WHERE at < $1 - 86400000",
        ] {
            sqlx::query(sql).bind(now).execute(tx.conn()).await.map_err(e)?;
        }
        let next = now + 86_400_000;
        p.enqueue_in(tx.conn(), "platform.purge", &serde_json::json!({}), next).await.map_err(e)?;
        tx.commit().await.map_err(e)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(super::backoff_ms(1), 10_000);
        assert_eq!(super::backoff_ms(2), 20_000);
        assert_eq!(super::backoff_ms(5), 160_000);
        assert_eq!(super::backoff_ms(50), 3_600_000);
    }
}
