//! Stored files: content-addressed by SHA-256 under the data directory, with size and type limits.
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileError {
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("files of type `{0}` are not accepted here")]
    TypeNotAllowed(String),
    #[error("invalid file name `{0}`: it must be a plain name without folders, control characters or leading dots")]
    BadName(String),
    #[error("storage error: {0}")]
    Io(String),
}

/// A file name as given by a user, checked: no path separators, no `..`, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub fn parse(raw: &str) -> Result<FileName, FileError> {
        let name = raw.trim();
        let bad = name.is_empty()
            || name.len() > 255
            || name.starts_with('.')
            || name.contains(['/', '\\', '\0'])
            || name.chars().any(char::is_control);
        if bad {
            Err(FileError::BadName(raw.chars().take(80).collect()))
        } else {
            Ok(FileName(name.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub size: u64,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[0..2]).join(&sha256[2..4]).join(sha256)
    }

    /// Checks limits, then writes the bytes (atomically: temp file then rename).
    pub async fn put(&self, bytes: &[u8], content_type: &str, allowed: &[&str], limit: u64) -> Result<StoredFile, FileError> {
        if bytes.len() as u64 > limit {
            return Err(FileError::TooLarge { size: bytes.len() as u64, limit });
        }
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !allowed.is_empty() && !allowed.iter().any(|a| *a == essence) {
            return Err(FileError::TypeNotAllowed(essence));
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha256);
        if tokio::fs::metadata(&path).await.is_err() {
            let dir = path.parent().expect("hashed path has a parent");
            tokio::fs::create_dir_all(dir).await.map_err(|e| FileError::Io(e.to_string()))?;
            let tmp = dir.join(format!(".{sha256}.tmp"));
            tokio::fs::write(&tmp, bytes).await.map_err(|e| FileError::Io(e.to_string()))?;
            tokio::fs::rename(&tmp, &path).await.map_err(|e| FileError::Io(e.to_string()))?;
        }
        Ok(StoredFile { sha256, size: bytes.len() as u64 })
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, FileError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FileError::BadName(sha256.into()));
        }
        tokio::fs::read(self.path_of(sha256)).await.map_err(|e| FileError::Io(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reject_traversal() {
        for bad in ["../etc/passwd", "a/b", "a\\b", ".hidden", "", "x\u{0}y", "é\nx"] {
            assert!(FileName::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(FileName::parse(" relevé 2024.csv ").unwrap().as_str(), "relevé 2024.csv");
    }

    #[tokio::test]
    async fn put_checks_limits_and_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let f = store.put(b"abc", "text/csv; charset=utf-8", &["text/csv"], 10).await.unwrap();
        assert_eq!(f.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(store.get(&f.sha256).await.unwrap(), b"abc");
        assert_eq!(store.put(b"abc", "text/csv", &[], 2).await, Err(FileError::TooLarge { size: 3, limit: 2 }));
        assert!(matches!(store.put(b"x", "application/x-msdownload", &["text/csv"], 9).await, Err(FileError::TypeNotAllowed(_))));
        assert!(store.get("../../etc").await.is_err());
    }
}
