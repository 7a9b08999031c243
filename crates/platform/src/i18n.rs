//! Languages and message catalogues. Each module ships `locales/{fr,en}/messages.toml`
//! (flat `key = "text"` tables, `{name}` placeholders); the kernel merges them at start.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "fr-fr" | "fr-be" | "fr-ch" | "fr-ca" => Some(Locale::Fr),
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            _ => None,
        }
    }
    /// Picks the best supported language of an `Accept-Language` header, French when none fits.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Locale::parse(primary) {
                if best.map_or(true, |(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// Messages of every module in both languages.
#[derive(Debug, Default)]
pub struct Catalog {
    map: HashMap<(Locale, String), String>,
}

#[derive(Debug, thiserror::Error)]
#[error("message file {source_name} ({locale}) is not a flat TOML table of strings: {reason}")]
pub struct CatalogError {
    pub source_name: String,
    pub locale: &'static str,
    pub reason: String,
}

impl Catalog {
    pub fn add_toml(&mut self, source_name: &str, locale: Locale, text: &str) -> Result<(), CatalogError> {
        let err = |reason: String| CatalogError { source_name: source_name.into(), locale: locale.code(), reason };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| err(e.to_string()))?;
        fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) -> Result<(), String> {
            for (k, v) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                match v {
                    toml::Value::String(s) => out.push((key, s.clone())),
                    toml::Value::Table(sub) => walk(&key, sub, out)?,
                    _ => return Err(format!("`{key}` is not a string")),
                }
            }
            Ok(())
        }
        let mut entries = Vec::new();
        walk("", &table, &mut entries).map_err(err)?;
        for (k, v) in entries {
            self.map.insert((locale, k), v);
        }
        Ok(())
    }

    /// The message, or its key when missing (a test checks no key is missing).
    pub fn get<'a>(&'a self, locale: Locale, key: &'a str) -> &'a str {
        self.map.get(&(locale, key.to_string())).map(String::as_str).unwrap_or(key)
    }

    pub fn format(&self, locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(locale, key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Keys present in one language and not the other.
    pub fn missing_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (l, k) in self.map.keys() {
            for other in Locale::ALL {
                if other != *l && !self.map.contains_key(&(other, k.clone())) {
                    out.push(format!("{} missing in {}", k, other.code()));
                }
            }
        }
        out.sort();
        out
    }

    pub fn contains(&self, locale: Locale, key: &str) -> bool {
        self.map.contains_key(&(locale, key.to_string()))
    }
}

/// A translator bound to one language, handed to templates as `t`.
#[derive(Clone, Copy)]
pub struct T<'a> {
    pub catalog: &'a Catalog,
    pub locale: Locale,
}

impl<'a> T<'a> {
    pub fn t(&self, key: &'a str) -> &'a str {
        self.catalog.get(self.locale, key)
    }
    pub fn f(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.catalog.format(self.locale, key, &[(name, &value.to_string())])
    }
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_highest_quality() {
        assert_eq!(Locale::negotiate("en-GB,en;q=0.9,fr;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("de-DE,fr;q=0.5,en;q=0.4"), Locale::Fr);
        assert_eq!(Locale::negotiate("de"), Locale::Fr);
        assert_eq!(Locale::negotiate(""), Locale::Fr);
        assert_eq!(Locale::negotiate("fr-CA;q=0.3, en;q=0.9"), Locale::En);
    }

    #[test]
    fn catalog_flattens_and_formats() {
        let mut c = Catalog::default();
        c.add_toml("t", Locale::Fr, "[a]\nb = \"Bonjour {nom}\"").unwrap();
        c.add_toml("t", Locale::En, "[a]\nb = \"Hello {nom}\"\nc = \"x\"").unwrap();
        assert_eq!(c.format(Locale::Fr, "a.b", &[("nom", "Zoé")]), "Bonjour Zoé");
        assert_eq!(c.get(Locale::En, "absent"), "absent");
        assert_eq!(c.missing_keys(), vec!["a.c missing in fr".to_string()]);
        assert!(c.add_toml("t", Locale::Fr, "a = 1").is_err());
    }
}
