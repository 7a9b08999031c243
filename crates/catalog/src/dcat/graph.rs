//! A small RDF graph: IRIs, blank nodes, plain, typed and language-tagged literals, triples kept
//! once each in the order they were added (serializers group them by subject in that order).
use std::collections::{HashMap, HashSet};
use std::fmt;

/// An absolute IRI that every serializer can write as is: characters outside RFC 3986's
/// unreserved and reserved sets (spaces, `<>"{}|\^` and backquote, controls, non-ASCII) are
/// percent-encoded as UTF-8, and a `%` not starting an escape becomes `%25`. data.gouv.fr's
/// TriG export failed on a harvested URI with a space (datagouv/data.gouv.fr #1437): such a URI is
/// written `%20` here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iri(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IriError {
    #[error("an IRI needs a scheme such as http: ({0:?})")]
    NoScheme(String),
    #[error("an IRI may not be empty after its scheme ({0:?})")]
    Empty(String),
}

impl Iri {
    pub fn parse(raw: &str) -> Result<Iri, IriError> {
        let raw = raw.trim();
        let colon = raw.find(':').ok_or_else(|| IriError::NoScheme(raw.into()))?;
        let scheme = &raw[..colon];
        let ok_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !ok_scheme {
            return Err(IriError::NoScheme(raw.into()));
        }
        if raw.len() == colon + 1 {
            return Err(IriError::Empty(raw.into()));
        }
        let bytes = raw.as_bytes();
        let mut out = String::with_capacity(raw.len());
        for (i, &b) in bytes.iter().enumerate() {
            let keep = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b);
            let escape_start = b == b'%' && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if keep || escape_start {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        Ok(Iri(out))
    }

    /// For the vocabulary constants of this module, known to be valid.
    pub(crate) fn known(s: &str) -> Iri {
        Iri::parse(s).unwrap_or_else(|_| Iri(String::from("urn:invalid")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    Plain(String),
    Typed(String, Iri),
    Lang(String, String),
}

impl Literal {
    pub fn lexical(&self) -> &str {
        match self {
            Literal::Plain(s) | Literal::Typed(s, _) | Literal::Lang(s, _) => s,
        }
    }
}

/// Characters XML 1.0 cannot carry at all: replaced in every literal so that the RDF/XML
/// serialization says the same as the others (udata replaces them with `?` in its output).
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            _ => c,
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    Iri(Iri),
    Blank(u32),
    Literal(Literal),
}

impl Term {
    pub fn string(s: &str) -> Term {
        Term::Literal(Literal::Plain(xml_safe(s)))
    }
    pub fn typed(s: &str, datatype: &str) -> Term {
        Term::Literal(Literal::Typed(xml_safe(s), Iri::known(datatype)))
    }
    /// `lang` is a BCP 47 tag such as `fr`.
    pub fn lang(s: &str, lang: &str) -> Term {
        Term::Literal(Literal::Lang(xml_safe(s), lang.to_string()))
    }
    pub fn iri(s: &str) -> Term {
        Term::Iri(Iri::known(s))
    }
}

impl From<Iri> for Term {
    fn from(i: Iri) -> Term {
        Term::Iri(i)
    }
}

/// Subjects are IRIs or blank nodes; the constructor functions keep it so.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Triple {
    pub s: Term,
    pub p: Iri,
    pub o: Term,
}

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Prefixes every serialization declares (only those used are written).
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", RDF),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", XSD),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("locn", "http://www.w3.org/ns/locn#"),
];

/// The local part when `iri` is in a declared namespace and the rest is a simple name
/// (letters, digits, `_`, `-`, starting with a letter or `_`): usable in Turtle, JSON-LD and as an
/// XML element name alike.
pub fn split(iri: &str) -> Option<(&'static str, &'static str, &str)> {
    PREFIXES.iter().find_map(|(p, ns)| {
        let local = iri.strip_prefix(ns)?;
        let simple = local.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        simple.then_some((*p, *ns, local))
    })
}

#[derive(Default)]
pub struct Graph {
    triples: Vec<Triple>,
    seen: HashSet<Triple>,
    blanks: u32,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    pub fn blank(&mut self) -> Term {
        self.blanks += 1;
        Term::Blank(self.blanks - 1)
    }

    /// Adds a triple once; a literal subject is a programming error and is dropped.
    pub fn add(&mut self, s: &Term, p: &str, o: Term) {
        if matches!(s, Term::Literal(_)) {
            debug_assert!(false, "literal subject");
            return;
        }
        let t = Triple { s: s.clone(), p: Iri::known(p), o };
        if self.seen.insert(t.clone()) {
            self.triples.push(t);
        }
    }

    pub fn a(&mut self, s: &Term, class: &str) {
        self.add(s, &format!("{RDF}type"), Term::iri(class));
    }

    pub fn len(&self) -> usize {
        self.triples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    pub fn triples(&self) -> &[Triple] {
        &self.triples
    }

    /// Triples grouped by subject, subjects in order of first appearance.
    pub fn by_subject(&self) -> Vec<(&Term, Vec<&Triple>)> {
        let mut order: Vec<&Term> = Vec::new();
        let mut groups: HashMap<&Term, Vec<&Triple>> = HashMap::new();
        for t in &self.triples {
            groups
                .entry(&t.s)
                .or_insert_with(|| {
                    order.push(&t.s);
                    Vec::new()
                })
                .push(t);
        }
        order.into_iter().map(|s| (s, groups.remove(s).unwrap_or_default())).collect()
    }

    /// The prefixes whose namespace some IRI of the graph (or a datatype) uses.
    pub fn used_prefixes(&self) -> Vec<(&'static str, &'static str)> {
        let mut used: HashSet<&'static str> = HashSet::new();
        let mut mark = |iri: &str| {
            if let Some((p, _, _)) = split(iri) {
                used.insert(p);
            }
        };
        for t in &self.triples {
            mark(t.p.as_str());
            for term in [&t.s, &t.o] {
                match term {
                    Term::Iri(i) => mark(i.as_str()),
                    Term::Literal(Literal::Typed(_, dt)) => mark(dt.as_str()),
                    _ => {}
                }
            }
        }
        PREFIXES.iter().filter(|(p, _)| used.contains(p)).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn iris_are_percent_encoded_where_serializations_need_it() {
        assert_eq!(Iri::parse("https://exemple.fr/a b.csv").unwrap().as_str(), "https://exemple.fr/a%20b.csv");
        assert_eq!(Iri::parse("https://exemple.fr/é?q=<x>&r=\"{|}\"").unwrap().as_str(), "https://exemple.fr/%C3%A9?q=%3Cx%3E&r=%22%7B%7C%7D%22");
        assert_eq!(Iri::parse("https://exemple.fr/100%/ok%20").unwrap().as_str(), "https://exemple.fr/100%25/ok%20");
        assert_eq!(Iri::parse("  http://x/\\^`  ").unwrap().as_str(), "http://x/%5C%5E%60");
        assert!(matches!(Iri::parse("/relative/path"), Err(IriError::NoScheme(_))));
        assert!(matches!(Iri::parse("1http://x"), Err(IriError::NoScheme(_))));
        assert!(matches!(Iri::parse("http:"), Err(IriError::Empty(_))));
    }

    #[test]
    fn literals_drop_what_xml_cannot_carry() {
        assert_eq!(Term::string("a\u{1}b\tc\r\n"), Term::Literal(Literal::Plain("a\u{fffd}b\tc\r\n".into())));
    }

    #[test]
    fn triples_are_kept_once_and_grouped_by_subject() {
        let mut g = Graph::new();
        let s = Term::iri("http://x/s");
        let b = g.blank();
        g.add(&s, "http://purl.org/dc/terms/title", Term::string("t"));
        g.add(&b, "http://xmlns.com/foaf/0.1/name", Term::string("n"));
        g.add(&s, "http://purl.org/dc/terms/title", Term::string("t"));
        g.add(&s, "http://purl.org/dc/terms/publisher", b.clone());
        assert_eq!(g.len(), 3);
        let groups = g.by_subject();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].1.len(), 2);
        assert_eq!(g.used_prefixes().iter().map(|p| p.0).collect::<Vec<_>>(), vec!["dct", "foaf"]);
    }

    #[test]
    fn only_simple_names_are_compacted() {
        assert_eq!(split("http://www.w3.org/ns/dcat#Dataset").map(|s| s.2), Some("Dataset"));
        assert_eq!(split("http://spdx.org/rdf/terms#checksumAlgorithm_sha256").map(|s| s.2), Some("checksumAlgorithm_sha256"));
        assert!(split("http://purl.org/dc/terms/a.b").is_none());
        assert!(split("http://purl.org/dc/terms/1a").is_none());
        assert!(split("http://purl.org/dc/terms/").is_none());
    }

    proptest! {
        #[test]
        fn parsed_iris_hold_only_uri_characters(path in "\\PC{0,40}") {
            let iri = Iri::parse(&format!("https://exemple.fr/{path}")).unwrap();
            let forbidden: &[u8] = b"<>\"{}|\\^`";
            let clean = iri.as_str().bytes().all(|b| b.is_ascii_graphic() && !forbidden.contains(&b));
            prop_assert!(clean, "unencoded character in {}", iri);
            // Parsing again changes nothing: encoding is idempotent.
            prop_assert_eq!(Iri::parse(iri.as_str()).unwrap(), iri);
        }
    }
}
