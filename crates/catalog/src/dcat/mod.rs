//! DCAT-AP export of the catalog (udata's `/api/1/site/catalog`, organisation catalogues and
//! `/api/1/datasets/{id}/rdf`): an RDF graph model, its mapping from datasets, and Turtle,
//! RDF/XML, JSON-LD and N-Triples writers. The writers are ours (a few hundred lines) rather
//! than an RDF crate's: the graph is built in one place, never parsed, and they add nothing
//! to the build. See docs/dcat.md.
pub mod graph;
pub mod jsonld;
pub mod mapping;
pub mod rdfxml;
pub mod turtle;

use graph::Graph;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Turtle,
    RdfXml,
    JsonLd,
    NTriples,
}

impl Format {
    /// Every path extension served, with its format (udata's names).
    pub const EXTENSIONS: &'static [(&'static str, Format)] = &[
        ("ttl", Format::Turtle),
        ("rdf", Format::RdfXml),
        ("xml", Format::RdfXml),
        ("jsonld", Format::JsonLd),
        ("json", Format::JsonLd),
        ("nt", Format::NTriples),
    ];

    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f)
    }

    /// The extension content negotiation redirects to (udata's `RDF_EXTENSIONS`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Turtle => "ttl",
            Format::RdfXml => "xml",
            Format::JsonLd => "json",
            Format::NTriples => "nt",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Turtle => "text/turtle; charset=utf-8",
            Format::RdfXml => "application/rdf+xml; charset=utf-8",
            Format::JsonLd => "application/ld+json",
            Format::NTriples => "application/n-triples",
        }
    }

    fn from_media_type(m: &str) -> Option<Format> {
        Some(match m {
            "text/turtle" | "application/x-turtle" | "text/n3" => Format::Turtle,
            "application/rdf+xml" | "application/xml" | "text/xml" => Format::RdfXml,
            "application/ld+json" | "application/json" => Format::JsonLd,
            "application/n-triples" => Format::NTriples,
            _ => return None,
        })
    }

    /// The format an `Accept` header prefers (highest q, then first listed); JSON-LD when it
    /// names none of ours, as udata does.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let mut best: Option<(f32, Format)> = None;
        for item in accept.unwrap_or("").split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(f) = Format::from_media_type(&media) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, f));
                }
            }
        }
        best.map(|(_, f)| f).unwrap_or(Format::JsonLd)
    }

    pub fn write(self, g: &Graph) -> String {
        match self {
            Format::Turtle => turtle::turtle(g),
            Format::RdfXml => rdfxml::rdfxml(g),
            Format::JsonLd => serde_json::to_string_pretty(&jsonld::jsonld(g)).unwrap_or_default(),
            Format::NTriples => turtle::ntriples(g),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_quality_then_order() {
        assert_eq!(Format::negotiate(None), Format::JsonLd);
        assert_eq!(Format::negotiate(Some("*/*")), Format::JsonLd);
        assert_eq!(Format::negotiate(Some("text/turtle")), Format::Turtle);
        assert_eq!(Format::negotiate(Some("text/html, application/rdf+xml;q=0.9, text/turtle;q=0.95")), Format::Turtle);
        assert_eq!(Format::negotiate(Some("application/n-triples, application/ld+json")), Format::NTriples);
        assert_eq!(Format::negotiate(Some("text/turtle;q=0")), Format::JsonLd);
        assert_eq!(Format::from_extension("xml"), Some(Format::RdfXml));
        assert_eq!(Format::from_extension("trig"), None);
    }
}
