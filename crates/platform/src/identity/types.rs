//! Parsed identity inputs: an `Email`, a `Password`, a `DisplayName`, a `Slug` exist only valid.
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// A pragmatic check (one `@`, a dotted domain, no spaces, ≤ 254 chars), lower-cased.
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let s = raw.trim().to_lowercase();
        let err = || FieldError::new("email", "invalid_email");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err());
        }
        let (local, domain) = s.split_once('@').ok_or_else(err)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || !domain_ok || local.contains(['<', '>', '"', ',', ';']) {
            return Err(err());
        }
        Ok(Email(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN: usize = 10;
    /// At least 10 characters, at most 256 (argon2 input stays bounded).
    pub fn parse(raw: &str) -> Result<Password, FieldError> {
        let n = raw.chars().count();
        if n < Self::MIN {
            return Err(FieldError::new("password", "password_too_short"));
        }
        if n > 256 {
            return Err(FieldError::new("password", "too_long"));
        }
        Ok(Password(raw.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(field: &str, raw: &str) -> Result<DisplayName, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.chars().count() > 120 {
            return Err(FieldError::new(field, "too_long"));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(field, "invalid_characters"));
        }
        Ok(DisplayName(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// URL-safe identifier: lower-case ASCII letters, digits and single dashes, 2–64 chars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> Result<Slug, FieldError> {
        let s = raw.trim();
        let ok = (2..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err(FieldError::new(field, "invalid_slug"))
        }
    }
    /// Derives a slug from a name: "Météo Côte-d'Or" → "meteo-cote-d-or".
    pub fn from_name(name: &str) -> Option<Slug> {
        let folded = crate::search::fold(name);
        let mut out = String::new();
        for c in folded.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let out: String = out.trim_end_matches('-').chars().take(64).collect();
        Slug::parse("slug", out.trim_end_matches('-')).ok()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collects the field errors of several parses: all problems are reported at once.
pub fn collect<T>(r: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Zoé@Exemple.FR ").unwrap().as_str(), "zoé@exemple.fr");
        for bad in ["", "a", "a@b", "a@.fr", "a b@c.fr", "@c.fr", "a@c..fr", "a@b@c.fr", "a\n@c.fr", "<a>@c.fr"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::parse("court").is_err());
        assert!(Password::parse("assez-long-1").is_ok());
        assert!(Password::parse(&"x".repeat(300)).is_err());
        assert_eq!(format!("{:?}", Password::parse("secret-secret").unwrap()), "Password(***)");
    }

    #[test]
    fn slugs() {
        assert_eq!(Slug::from_name("Météo Côte-d'Or").unwrap().as_str(), "meteo-cote-d-or");
        assert_eq!(Slug::from_name("  Conservatoire  botanique ").unwrap().as_str(), "conservatoire-botanique");
        assert!(Slug::parse("slug", "A-b").is_err());
        assert!(Slug::parse("slug", "a--b").is_err());
        assert!(Slug::parse("slug", "ab-").is_err());
        assert!(Slug::parse("slug", "ville-de-lyon-2").is_ok());
        assert!(Slug::from_name("!!").is_none());
    }

    #[test]
    fn names() {
        assert!(DisplayName::parse("name", "  ").is_err());
        assert!(DisplayName::parse("name", "Zoé Martin").is_ok());
        assert!(DisplayName::parse("name", "a\u{7}b").is_err());
    }
}
