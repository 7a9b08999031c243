//! Turtle and N-Triples writers.
use std::fmt::Write;

use super::graph::{split, Graph, Literal, Term, RDF};

/// A string literal's quoted form, shared by Turtle and N-Triples: the escapes both grammars
/// accept (`ECHAR`, then `\uXXXX` for other control characters).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn iri_ttl(iri: &str) -> String {
    match split(iri) {
        Some((p, _, local)) => format!("{p}:{local}"),
        None => format!("<{iri}>"),
    }
}

fn term_ttl(t: &Term) -> String {
    match t {
        Term::Iri(i) => iri_ttl(i.as_str()),
        Term::Blank(n) => format!("_:b{n}"),
        Term::Literal(Literal::Plain(s)) => quote(s),
        Term::Literal(Literal::Typed(s, dt)) => format!("{}^^{}", quote(s), iri_ttl(dt.as_str())),
        Term::Literal(Literal::Lang(s, l)) => format!("{}@{l}", quote(s)),
    }
}

pub fn turtle(g: &Graph) -> String {
    let mut out = String::new();
    for (p, ns) in g.used_prefixes() {
        let _ = writeln!(out, "@prefix {p}: <{ns}> .");
    }
    let rdf_type = format!("{RDF}type");
    for (s, triples) in g.by_subject() {
        out.push('\n');
        out.push_str(&term_ttl(s));
        let mut last_p: Option<&str> = None;
        for (i, t) in triples.iter().enumerate() {
            let p = t.p.as_str();
            if last_p == Some(p) {
                out.push_str(",\n        ");
            } else {
                if i > 0 {
                    out.push_str(" ;");
                }
                out.push_str("\n    ");
                out.push_str(&if p == rdf_type { "a".to_string() } else { iri_ttl(p) });
                out.push(' ');
            }
            out.push_str(&term_ttl(&t.o));
            last_p = Some(p);
        }
        out.push_str(" .\n");
    }
    out
}

fn term_nt(t: &Term) -> String {
    match t {
        Term::Iri(i) => format!("<{i}>"),
        Term::Blank(n) => format!("_:b{n}"),
        Term::Literal(Literal::Plain(s)) => quote(s),
        Term::Literal(Literal::Typed(s, dt)) => format!("{}^^<{dt}>", quote(s)),
        Term::Literal(Literal::Lang(s, l)) => format!("{}@{l}", quote(s)),
    }
}

pub fn ntriples(g: &Graph) -> String {
    let mut out = String::new();
    for t in g.triples() {
        let _ = writeln!(out, "{} <{}> {} .", term_nt(&t.s), t.p, term_nt(&t.o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a \"b\" \\ c\nd\re\tf\u{1}é"), "\"a \\\"b\\\" \\\\ c\\nd\\re\\tf\\u0001é\"");
    }

    #[test]
    fn subjects_group_their_predicates_and_objects() {
        let mut g = Graph::new();
        let s = Term::iri("http://x/d");
        g.a(&s, "http://www.w3.org/ns/dcat#Dataset");
        g.add(&s, "http://www.w3.org/ns/dcat#keyword", Term::string("a"));
        g.add(&s, "http://www.w3.org/ns/dcat#keyword", Term::string("b"));
        g.add(&s, "http://purl.org/dc/terms/issued", Term::typed("2024-01-01T00:00:00Z", "http://www.w3.org/2001/XMLSchema#dateTime"));
        g.add(&s, "http://example.org/odd.name", Term::lang("x", "fr"));
        let ttl = turtle(&g);
        assert_eq!(
            ttl,
            "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n\n\
             <http://x/d>\n    a dcat:Dataset ;\n    dcat:keyword \"a\",\n        \"b\" ;\n    dct:issued \"2024-01-01T00:00:00Z\"^^xsd:dateTime ;\n    <http://example.org/odd.name> \"x\"@fr .\n"
        );
        assert_eq!(ntriples(&g).lines().count(), 5);
    }
}
