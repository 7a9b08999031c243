//! Controlled vocabularies (nomenclatures): a type, codes, French and English labels, hierarchy.
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::i18n::Locale;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Term {
    pub code: String,
    pub label_fr: String,
    pub label_en: String,
    pub parent: Option<String>,
    pub position: i64,
}

impl Term {
    pub fn label(&self, l: Locale) -> &str {
        match l {
            Locale::Fr => &self.label_fr,
            Locale::En => &self.label_en,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VocabError {
    #[error("vocabulary code `{0}` must be 1–64 characters of letters, digits, `_`, `-` or `.`")]
    BadCode(String),
    #[error("term `{code}` names parent `{parent}`, which is not in vocabulary `{vocab}`")]
    UnknownParent { vocab: String, code: String, parent: String },
}

pub fn check_code(s: &str) -> Result<(), VocabError> {
    let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(VocabError::BadCode(s.chars().take(64).collect()))
    }
}

/// Replaces the terms of `vocab` with `terms` (parents must be in the same list).
pub async fn upsert(conn: &mut sqlx::AnyConnection, vocab: &str, terms: &[Term]) -> Result<(), VocabError> {
    check_code(vocab)?;
    for t in terms {
        check_code(&t.code)?;
        if let Some(p) = &t.parent {
            if !terms.iter().any(|o| &o.code == p) {
                return Err(VocabError::UnknownParent { vocab: vocab.into(), code: t.code.clone(), parent: p.clone() });
            }
        }
    }
    for t in terms {
        sqlx::query(
            "INSERT INTO vocab_terms (vocab, code, label_fr, label_en, parent_code, position) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (vocab, code) DO UPDATE SET label_fr = excluded.label_fr, label_en = excluded.label_en,
               parent_code = excluded.parent_code, position = excluded.position",
        )
        .bind(vocab)
        .bind(&t.code)
        .bind(&t.label_fr)
        .bind(&t.label_en)
        .bind(&t.parent)
        .bind(t.position)
        .execute(&mut *conn)
        .await
        .map_err(|e| VocabError::BadCode(e.to_string()))?;
    }
    Ok(())
}

pub async fn terms(pool: &sqlx::AnyPool, vocab: &str) -> Result<Vec<Term>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT code, label_fr, label_en, parent_code, position FROM vocab_terms WHERE vocab = $1 ORDER BY position, code",
    )
    .bind(vocab)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Term {
            code: r.get(0),
            label_fr: r.get(1),
            label_en: r.get(2),
            parent: r.get(3),
            position: r.get(4),
        })
        .collect())
}

pub async fn vocabularies(pool: &sqlx::AnyPool) -> Result<Vec<String>, sqlx::Error> {
    Ok(sqlx::query("SELECT DISTINCT vocab FROM vocab_terms ORDER BY vocab")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}
