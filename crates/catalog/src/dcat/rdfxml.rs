//! RDF/XML writer: one `rdf:Description` per subject, properties as qualified elements,
//! literals as text with `rdf:datatype` or `xml:lang`, references as `rdf:resource` /
//! `rdf:nodeID`.
use std::fmt::Write;

use super::graph::{split, Graph, Literal, Term};

/// Text and attribute values: the five XML specials, and `\r`, which XML parsers would
/// otherwise turn into `\n`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An element name for a predicate, with the namespace declaration it needs when the
/// predicate is outside the declared prefixes (split after the last `/` or `#`).
fn element(p: &str) -> (String, Option<String>) {
    if let Some((prefix, _, local)) = split(p) {
        return (format!("{prefix}:{local}"), None);
    }
    let cut = p.rfind(['/', '#']).map(|i| i + 1).unwrap_or(0);
    let (ns, local) = p.split_at(cut);
    let ok = local.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && local.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        (format!("ns0:{local}"), Some(format!(" xmlns:ns0=\"{}\"", escape(ns))))
    } else {
        // Not expressible in RDF/XML; the graph builders never produce such predicates.
        (String::from("rdf:Description"), None)
    }
}

pub fn rdfxml(g: &Graph) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF");
    let mut prefixes = g.used_prefixes();
    if !prefixes.iter().any(|(p, _)| *p == "rdf") {
        prefixes.insert(0, ("rdf", super::graph::RDF));
    }
    for (p, ns) in prefixes {
        let _ = write!(out, "\n    xmlns:{p}=\"{ns}\"");
    }
    out.push_str(">\n");
    for (s, triples) in g.by_subject() {
        match s {
            Term::Iri(i) => {
                let _ = writeln!(out, "  <rdf:Description rdf:about=\"{}\">", escape(i.as_str()));
            }
            Term::Blank(n) => {
                let _ = writeln!(out, "  <rdf:Description rdf:nodeID=\"b{n}\">");
            }
            Term::Literal(_) => continue,
        }
        for t in triples {
            let (name, xmlns) = element(t.p.as_str());
            if name == "rdf:Description" {
                continue;
            }
            let xmlns = xmlns.unwrap_or_default();
            match &t.o {
                Term::Iri(i) => {
                    let _ = writeln!(out, "    <{name}{xmlns} rdf:resource=\"{}\"/>", escape(i.as_str()));
                }
                Term::Blank(n) => {
                    let _ = writeln!(out, "    <{name}{xmlns} rdf:nodeID=\"b{n}\"/>");
                }
                Term::Literal(Literal::Plain(v)) => {
                    let _ = writeln!(out, "    <{name}{xmlns}>{}</{name}>", escape(v));
                }
                Term::Literal(Literal::Typed(v, dt)) => {
                    let _ = writeln!(out, "    <{name}{xmlns} rdf:datatype=\"{}\">{}</{name}>", escape(dt.as_str()), escape(v));
                }
                Term::Literal(Literal::Lang(v, l)) => {
                    let _ = writeln!(out, "    <{name}{xmlns} xml:lang=\"{}\">{}</{name}>", escape(l), escape(v));
                }
            }
        }
        out.push_str("  </rdf:Description>\n");
    }
    out.push_str("</rdf:RDF>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_are_escaped() {
        assert_eq!(escape("<a href=\"x\">Tom & Jerry's</a>\r\n"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;&#13;\n");
    }

    #[test]
    fn literals_carry_datatype_and_language() {
        let mut g = Graph::new();
        let s = Term::iri("http://x/d?a=1&b=2");
        let b = g.blank();
        g.add(&s, "http://purl.org/dc/terms/title", Term::lang("Données <brutes>", "fr"));
        g.add(&s, "http://www.w3.org/ns/dcat#byteSize", Term::typed("12", "http://www.w3.org/2001/XMLSchema#decimal"));
        g.add(&s, "http://purl.org/dc/terms/publisher", b.clone());
        g.add(&s, "http://example.org/v/prop", Term::string("x"));
        let xml = rdfxml(&g);
        assert!(xml.contains("rdf:about=\"http://x/d?a=1&amp;b=2\""), "{xml}");
        assert!(xml.contains("<dct:title xml:lang=\"fr\">Données &lt;brutes&gt;</dct:title>"), "{xml}");
        assert!(xml.contains("<dcat:byteSize rdf:datatype=\"http://www.w3.org/2001/XMLSchema#decimal\">12</dcat:byteSize>"), "{xml}");
        assert!(xml.contains("<dct:publisher rdf:nodeID=\"b0\"/>"), "{xml}");
        assert!(xml.contains("<ns0:prop xmlns:ns0=\"http://example.org/v/\">x</ns0:prop>"), "{xml}");
    }
}
