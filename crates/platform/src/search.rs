//! Full-text search port: SQLite FTS5 or PostgreSQL text search ('french' configuration).
//! Text is accent-folded and lower-cased here so both backends match "Météo" with "meteo".
use serde::Serialize;
use sqlx::Row;
use unicode_normalization::UnicodeNormalization;

use crate::access::ScopeFilter;
use crate::db::{Backend, Db};

/// "Évreux, Côte-d'Or" → "evreux, cote-d'or".
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .fold(String::with_capacity(s.len()), |mut out, c| {
            // French spells these ligatures out as often as not: "oeuvre" must find "œuvre".
            match c {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                c => out.push(c),
            }
            out
        })
}

/// Words of a user query, folded, without FTS operators.
pub fn query_terms(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_string)
        .collect()
}

#[derive(Clone, Debug)]
pub struct SearchDoc<'a> {
    pub module: &'a str,
    pub kind: &'a str,
    pub ref_id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub url: &'a str,
    pub org_id: Option<i64>,
    pub public: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub module: String,
    pub kind: String,
    pub ref_id: String,
    pub title: String,
    pub url: String,
}

/// Adds or replaces a document (inside the caller's transaction).
pub async fn index(db: &Db, conn: &mut sqlx::AnyConnection, d: &SearchDoc<'_>) -> Result<(), sqlx::Error> {
    remove(db, conn, d.module, d.kind, d.ref_id).await?;
    let folded = fold(&format!("{} {}", d.title, d.body));
    let insert = sqlx::query(match db.backend() {
        Backend::Postgres => "INSERT INTO search_documents (module, kind, ref_id, title, body, url, org_id, public, folded)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        Backend::Sqlite => "INSERT INTO search_documents (module, kind, ref_id, title, body, url, org_id, public)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    })
    .bind(d.module)
    .bind(d.kind)
    .bind(d.ref_id)
    .bind(d.title)
    .bind(d.body)
    .bind(d.url)
    .bind(d.org_id)
    .bind(d.public);
    let insert = if db.backend() == Backend::Postgres { insert.bind(&folded) } else { insert };
    let id: i64 = insert.fetch_one(&mut *conn).await?.get(0);
    if db.backend() == Backend::Sqlite {
        sqlx::query("INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(fold(d.title))
            .bind(fold(d.body))
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn remove(db: &Db, conn: &mut sqlx::AnyConnection, module: &str, kind: &str, ref_id: &str) -> Result<(), sqlx::Error> {
    let old: Option<i64> = sqlx::query("SELECT id FROM search_documents WHERE module = $1 AND kind = $2 AND ref_id = $3")
        .bind(module)
        .bind(kind)
        .bind(ref_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.get(0));
    if let Some(id) = old {
        if db.backend() == Backend::Sqlite {
            sqlx::query("DELETE FROM search_fts WHERE rowid = $1").bind(id).execute(&mut *conn).await?;
        }
        sqlx::query("DELETE FROM search_documents WHERE id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Best matches first, restricted to what the filter lets the asker read.
pub async fn search(
    db: &Db,
    q: &str,
    module: Option<&str>,
    filter: &ScopeFilter,
    limit: i64,
) -> Result<Vec<SearchHit>, sqlx::Error> {
    let terms = query_terms(q);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let visible = filter.sql(Some("d.public"), None, Some("d.org_id"));
    let rows = match db.backend() {
        Backend::Sqlite => {
            // Each term as a quoted prefix: `"mete"*` matches météo; quoting neutralises operators.
            let fts: Vec<String> = terms.iter().map(|t| format!("\"{t}\"*")).collect();
            sqlx::query(&format!(
                "SELECT d.module, d.kind, d.ref_id, d.title, d.url FROM search_fts f
                 JOIN search_documents d ON d.id = f.rowid
                 WHERE search_fts MATCH $1 AND ($2 IS NULL OR d.module = $2) AND {visible}
                 ORDER BY bm25(search_fts, 5.0, 1.0) LIMIT $3"
            ))
            .bind(fts.join(" "))
            .bind(module)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
        Backend::Postgres => {
            let tsq: Vec<String> = terms.iter().map(|t| format!("{t}:*")).collect();
            sqlx::query(&format!(
                "SELECT d.module, d.kind, d.ref_id, d.title, d.url FROM search_documents d
                 WHERE d.tsv @@ to_tsquery('french', $1) AND ($2 IS NULL OR d.module = $2) AND {visible}
                 ORDER BY ts_rank(d.tsv, to_tsquery('french', $1)) DESC, d.id LIMIT $3"
            ))
            .bind(tsq.join(" & "))
            .bind(module)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| SearchHit {
            module: r.get(0),
            kind: r.get(1),
            ref_id: r.get(2),
            title: r.get(3),
            url: r.get(4),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn folding() {
        assert_eq!(fold("Évreux Côte-d'Or ŒUVRE Cæsar"), "evreux cote-d'or oeuvre caesar");
        assert_eq!(query_terms("  Météo \"France\" OR *"), vec!["meteo", "france", "or"]);
    }
}
