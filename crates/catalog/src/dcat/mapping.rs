//! The catalog in DCAT-AP 2.1.1, following udata's mapping (`udata/core/dataset/rdf.py`,
//! `docs/rdf.md`): catalogues, datasets, distributions, agents, periods, locations, checksums.
//! Every resource the official range shapes constrain is typed in the graph (licences,
//! frequencies, media types, agents, locations, periods, rights, languages, documents,
//! standards), and the EU authority concepts carry their `skos:inScheme`, so the data graph
//! validates with the base, range and controlled-vocabulary shapes without fetching the
//! vocabularies.
use platform::clock::{rfc3339, Millis};

use super::graph::{Graph, Iri, Term, XSD};
use crate::domain::model::{Dataset, Resource, SchemaRef};
use crate::domain::{frequency, licence, zones};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const EU: &str = "http://publications.europa.eu/resource/authority/";
const IANA: &str = "https://www.iana.org/assignments/media-types/";

fn n(ns: &str, local: &str) -> String {
    format!("{ns}{local}")
}

/// An http(s) IRI from user data; anything else (relative paths, other schemes, which a
/// JSON-LD processor could mistake for compact IRIs) is left out.
pub fn web_iri(raw: &str) -> Option<Iri> {
    let raw = raw.trim();
    if !(raw.starts_with("http://") || raw.starts_with("https://")) {
        return None;
    }
    Iri::parse(raw).ok()
}

/// A concept of an EU authority table, typed with the class the range shapes expect and
/// placed in its scheme (what the controlled-vocabulary shapes check). Not typed skos:Concept:
/// the shapes then require a skos:prefLabel, which is the EU vocabulary's to give.
fn eu_concept(g: &mut Graph, table: &str, code: &str, class: &str) -> Term {
    let t = Term::iri(&format!("{EU}{table}/{code}"));
    g.a(&t, class);
    g.add(&t, &n(SKOS, "inScheme"), Term::iri(&format!("{EU}{table}")));
    t
}

fn datetime(ms: Millis) -> Term {
    Term::typed(&rfc3339(ms), &format!("{XSD}dateTime"))
}

/// Who publishes: an organisation, or a person publishing under their own name.
#[derive(Clone, Debug)]
pub struct Agent {
    pub iri: Option<String>,
    pub name: String,
    pub organization: bool,
}

fn agent(g: &mut Graph, a: &Agent) -> Term {
    let t = match a.iri.as_deref().and_then(web_iri) {
        Some(i) => Term::Iri(i),
        None => g.blank(),
    };
    g.a(&t, &n(FOAF, "Agent"));
    g.a(&t, &n(FOAF, if a.organization { "Organization" } else { "Person" }));
    g.add(&t, &n(FOAF, "name"), Term::string(&a.name));
    t
}

/// EU file-type code and IANA media type of the formats resources commonly have.
pub fn format_info(format: &str) -> (Option<&'static str>, Option<&'static str>) {
    match format.trim().to_lowercase().as_str() {
        "csv" => (Some("CSV"), Some("text/csv")),
        "tsv" => (Some("TSV"), Some("text/tab-separated-values")),
        "json" => (Some("JSON"), Some("application/json")),
        "geojson" => (Some("GEOJSON"), Some("application/geo+json")),
        "xml" => (Some("XML"), Some("application/xml")),
        "zip" => (Some("ZIP"), Some("application/zip")),
        "gz" | "gzip" => (Some("GZIP"), Some("application/gzip")),
        "tar" => (Some("TAR"), Some("application/x-tar")),
        "7z" => (Some("7Z"), Some("application/x-7z-compressed")),
        "rar" => (Some("RAR"), Some("application/vnd.rar")),
        "pdf" => (Some("PDF"), Some("application/pdf")),
        "xls" => (Some("XLS"), Some("application/vnd.ms-excel")),
        "xlsx" => (Some("XLSX"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        "ods" => (Some("ODS"), Some("application/vnd.oasis.opendocument.spreadsheet")),
        "odt" => (Some("ODT"), Some("application/vnd.oasis.opendocument.text")),
        "doc" => (Some("DOC"), Some("application/msword")),
        "docx" => (Some("DOCX"), Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")),
        "shp" => (Some("SHP"), None),
        "gpkg" => (Some("GPKG"), Some("application/geopackage+sqlite3")),
        "kml" => (Some("KML"), Some("application/vnd.google-earth.kml+xml")),
        "kmz" => (Some("KMZ"), Some("application/vnd.google-earth.kmz")),
        "gml" => (Some("GML"), Some("application/gml+xml")),
        "txt" => (Some("TXT"), Some("text/plain")),
        "html" | "htm" => (Some("HTML"), Some("text/html")),
        "ttl" => (Some("RDF_TURTLE"), Some("text/turtle")),
        "rdf" => (Some("RDF_XML"), Some("application/rdf+xml")),
        "jsonld" => (Some("JSON_LD"), Some("application/ld+json")),
        "nt" => (Some("RDF_N_TRIPLES"), Some("application/n-triples")),
        "parquet" => (Some("PARQUET"), Some("application/vnd.apache.parquet")),
        "png" => (Some("PNG"), Some("image/png")),
        "jpg" | "jpeg" => (Some("JPEG"), Some("image/jpeg")),
        "tif" | "tiff" => (Some("TIFF"), Some("image/tiff")),
        "geotiff" => (Some("GEOTIFF"), Some("image/tiff")),
        "nc" | "netcdf" => (Some("NETCDF"), None),
        "grib" | "grib2" => (Some("GRIB"), None),
        "sql" => (Some("SQL"), Some("application/sql")),
        _ => (None, None),
    }
}

/// `type/subtype` of a MIME value (parameters dropped, lowercase), when it is one.
pub fn media_type(raw: &str) -> Option<String> {
    let m = raw.split(';').next().unwrap_or("").trim().to_lowercase();
    let (t, s) = m.split_once('/')?;
    let token = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
    (token(t) && token(s)).then_some(m)
}

fn licence_term(g: &mut Graph, id: &str) -> Option<Term> {
    let l = licence::parse(id)?;
    let t = Term::Iri(web_iri(l.url)?);
    g.a(&t, &n(DCT, "LicenseDocument"));
    g.add(&t, &n(DCT, "title"), Term::string(l.title));
    // No dct:type (ADMS licence type): the shapes would then want it typed skos:Concept with
    // a skos:prefLabel, i.e. a copy of the EU vocabulary's labels. Only a recommendation.
    Some(t)
}

fn standard(g: &mut Graph, s: &SchemaRef) -> Option<Term> {
    let t = match s.url.as_deref().and_then(web_iri) {
        Some(i) => Term::Iri(i),
        None if s.name.as_deref().is_some_and(|n| !n.is_empty()) => g.blank(),
        None => return None,
    };
    g.a(&t, &n(DCT, "Standard"));
    if let Some(name) = s.name.as_deref().filter(|n| !n.is_empty()) {
        g.add(&t, &n(DCT, "title"), Term::string(name));
    }
    if let Some(v) = s.version.as_deref().filter(|v| !v.is_empty()) {
        g.add(&t, "http://www.w3.org/2002/07/owl#versionInfo", Term::string(v));
    }
    Some(t)
}

fn location(g: &mut Graph, zone_id: &str) -> Term {
    let zone = zones::Zone::parse(zone_id).ok();
    if zone.as_ref().is_some_and(|z| z.id == "country:fr") {
        let t = eu_concept(g, "country", "FRA", &n(DCT, "Location"));
        g.add(&t, &n(SKOS, "prefLabel"), Term::lang("France", "fr"));
        return t;
    }
    // French zones have no stable public IRI we can cite: a described location.
    let t = g.blank();
    g.a(&t, &n(DCT, "Location"));
    g.add(&t, &n(DCT, "identifier"), Term::string(zone_id));
    let label = match &zone {
        Some(z) => match z.name {
            Some(name) => name.to_string(),
            None => format!("{} {}", if z.level == "fr:commune" { "Commune" } else { z.level }, z.code),
        },
        None => zone_id.to_string(),
    };
    g.add(&t, &n(SKOS, "prefLabel"), Term::lang(&label, "fr"));
    t
}

pub fn base_iri(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

pub fn dataset_iri(base: &str, id: &str) -> String {
    base_iri(base, &format!("/api/1/datasets/{id}/"))
}

fn distribution(g: &mut Graph, base: &str, d: &Dataset, r: &Resource) -> Term {
    let t = match web_iri(&base_iri(base, &format!("/api/1/datasets/{}/resources/{}/", d.id, r.id))) {
        Some(i) => Term::Iri(i),
        None => g.blank(),
    };
    g.a(&t, &n(DCAT, "Distribution"));
    g.add(&t, &n(DCT, "identifier"), Term::string(&r.id));
    g.add(&t, &n(DCT, "title"), Term::string(&r.title));
    if !r.description.trim().is_empty() {
        g.add(&t, &n(DCT, "description"), Term::string(&r.description));
    }
    // The permanent URL always answers (it redirects to the current file): the access URL.
    if let Some(access) = web_iri(&base_iri(base, &format!("/api/1/datasets/r/{}", r.id))) {
        g.add(&t, &n(DCAT, "accessURL"), Term::Iri(access));
    }
    let url = if r.url.starts_with('/') { base_iri(base, &r.url) } else { r.url.clone() };
    if r.rtype != "api" {
        if let Some(download) = web_iri(&url) {
            g.add(&t, &n(DCAT, "downloadURL"), Term::Iri(download));
        }
    }
    g.add(&t, &n(DCT, "issued"), datetime(r.created_at));
    g.add(&t, &n(DCT, "modified"), datetime(r.modified_at));
    let (eu_code, default_mime) = format_info(&r.format);
    if let Some(code) = eu_code {
        let f = eu_concept(g, "file-type", code, &n(DCT, "MediaTypeOrExtent"));
        g.add(&t, &n(DCT, "format"), f);
    }
    if let Some(mime) = media_type(&r.mime).or_else(|| default_mime.map(String::from)) {
        if let Some(i) = web_iri(&format!("{IANA}{mime}")) {
            let m = Term::Iri(i);
            g.a(&m, &n(DCT, "MediaType"));
            g.a(&m, &n(DCT, "MediaTypeOrExtent"));
            g.add(&t, &n(DCAT, "mediaType"), m);
        }
    }
    if let Some(size) = r.filesize.filter(|s| *s >= 0) {
        // DCAT-AP 2.1.1 types byteSize as xsd:decimal (3.0 changed it to nonNegativeInteger).
        g.add(&t, &n(DCAT, "byteSize"), Term::typed(&size.to_string(), &format!("{XSD}decimal")));
    }
    // No spdx:checksum: DCAT-AP 2.1.1's Checksum shape admits only
    // spdx:checksumAlgorithm_sha1 (sh:hasValue), and resources here carry SHA-256. A SHA-256
    // checksum would make every distribution with one fail the official shapes.
    if let Some(l) = licence_term(g, &d.license) {
        g.add(&t, &n(DCT, "license"), l);
    }
    if let Some(s) = r.schema.as_ref().and_then(|s| standard(g, s)) {
        g.add(&t, &n(DCT, "conformsTo"), s);
    }
    t
}

/// Adds a dataset, its distributions and everything they reference; returns its node.
pub fn dataset(g: &mut Graph, base: &str, d: &Dataset, publisher: Option<&Agent>) -> Term {
    let t = match web_iri(&dataset_iri(base, &d.id)) {
        Some(i) => Term::Iri(i),
        None => g.blank(),
    };
    g.a(&t, &n(DCAT, "Dataset"));
    g.add(&t, &n(DCT, "identifier"), Term::string(&d.id));
    g.add(&t, &n(DCT, "title"), Term::string(&d.title));
    // dct:description is mandatory in DCAT-AP; udata allows an empty one: the title stands in.
    let description = if d.description.trim().is_empty() { &d.title } else { &d.description };
    g.add(&t, &n(DCT, "description"), Term::string(description));
    for tag in &d.tags {
        g.add(&t, &n(DCAT, "keyword"), Term::string(tag));
    }
    if let Some(a) = publisher {
        let p = agent(g, a);
        g.add(&t, &n(DCT, "publisher"), p);
    }
    g.add(&t, &n(DCT, "issued"), datetime(d.created_at));
    g.add(&t, &n(DCT, "modified"), datetime(d.last_update));
    if let Some(f) = frequency::parse(&d.frequency) {
        let f = eu_concept(g, "frequency", f.eu, &n(DCT, "Frequency"));
        g.add(&t, &n(DCT, "accrualPeriodicity"), f);
    }
    if let Some(tc) = &d.temporal_coverage {
        let p = g.blank();
        g.a(&p, &n(DCT, "PeriodOfTime"));
        g.add(&p, &n(DCAT, "startDate"), Term::typed(&tc.start, &format!("{XSD}date")));
        g.add(&p, &n(DCAT, "endDate"), Term::typed(&tc.end, &format!("{XSD}date")));
        g.add(&t, &n(DCT, "temporal"), p);
    }
    if let Some(sp) = &d.spatial {
        for z in &sp.zones {
            let l = location(g, z);
            g.add(&t, &n(DCT, "spatial"), l);
        }
    }
    if let Some(page) = web_iri(&base_iri(base, &format!("/catalog/datasets/{}", d.slug))) {
        let page = Term::Iri(page);
        g.a(&page, &n(FOAF, "Document"));
        g.add(&t, &n(DCAT, "landingPage"), page);
    }
    let rights = eu_concept(g, "access-right", if d.is_public() { "PUBLIC" } else { "NON_PUBLIC" }, &n(DCT, "RightsStatement"));
    g.add(&t, &n(DCT, "accessRights"), rights);
    for r in &d.resources {
        let dist = distribution(g, base, d, r);
        g.add(&t, &n(DCAT, "distribution"), dist);
    }
    t
}

pub struct CatalogInfo {
    pub iri: String,
    pub title: String,
    pub description: String,
    pub homepage: String,
    pub publisher: Agent,
}

/// Where a page of the catalogue sits (udata's Hydra partial collection view).
pub struct Paging {
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
    /// The URL of page N, with the request's filters.
    pub link: Box<dyn Fn(i64) -> String + Send + Sync>,
}

pub fn catalog(g: &mut Graph, base: &str, info: &CatalogInfo, datasets: &[(Dataset, Option<Agent>)], paging: Option<&Paging>) -> Term {
    let t = match web_iri(&info.iri) {
        Some(i) => Term::Iri(i),
        None => g.blank(),
    };
    g.a(&t, &n(DCAT, "Catalog"));
    g.add(&t, &n(DCT, "title"), Term::string(&info.title));
    g.add(&t, &n(DCT, "description"), Term::string(&info.description));
    if let Some(home) = web_iri(&info.homepage) {
        let home = Term::Iri(home);
        g.a(&home, &n(FOAF, "Document"));
        g.add(&t, &n(FOAF, "homepage"), home);
    }
    let p = agent(g, &info.publisher);
    g.add(&t, &n(DCT, "publisher"), p);
    let fr = eu_concept(g, "language", "FRA", &n(DCT, "LinguisticSystem"));
    g.add(&t, &n(DCT, "language"), fr);
    for (d, publisher) in datasets {
        let node = dataset(g, base, d, publisher.as_ref());
        g.add(&t, &n(DCAT, "dataset"), node);
    }
    if let Some(pg) = paging {
        g.a(&t, &n(HYDRA, "Collection"));
        g.add(&t, &n(HYDRA, "totalItems"), Term::typed(&pg.total.to_string(), &format!("{XSD}integer")));
        let last = ((pg.total + pg.page_size - 1) / pg.page_size).max(1);
        if let Some(view) = web_iri(&(pg.link)(pg.page)) {
            let view = Term::Iri(view);
            g.a(&view, &n(HYDRA, "PartialCollectionView"));
            let link = |g: &mut Graph, rel: &str, page: i64| {
                if let Some(i) = web_iri(&(pg.link)(page)) {
                    g.add(&view, &n(HYDRA, rel), Term::Iri(i));
                }
            };
            link(g, "first", 1);
            link(g, "last", last);
            if pg.page < last {
                link(g, "next", pg.page + 1);
            }
            if pg.page > 1 {
                link(g, "previous", pg.page - 1);
            }
            g.add(&t, &n(HYDRA, "view"), view);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dcat::{jsonld, turtle};
    use crate::domain::model::{Spatial, TemporalCoverage};
    use std::collections::BTreeSet;

    fn sample() -> Dataset {
        Dataset {
            slug: "arbres".into(),
            title: "Arbres \"remarquables\" <b>& co</b>\nligne 2 — été".into(),
            license: "odc-odbl".into(),
            frequency: "daily".into(),
            temporal_coverage: Some(TemporalCoverage { start: "2020-01-01".into(), end: "2024-12-31".into() }),
            spatial: Some(Spatial { zones: vec!["country:fr".into(), "fr:departement:29".into(), "fr:commune:29019".into()], granularity: None }),
            tags: vec!["arbres".into(), "environnement".into()],
            org_id: Some(3),
            last_update: 1_700_000_100_000,
            resources: vec![Resource {
                id: "r1".into(),
                dataset_id: "5f0c0c0c0c0c0c0c0c0c0c0c".into(),
                title: "Export".into(),
                description: String::new(),
                filetype: "remote".into(),
                rtype: "main".into(),
                url: "https://exemple.fr/données/arbres 2024.csv".into(),
                format: "csv".into(),
                mime: "text/csv; charset=utf-8".into(),
                filesize: Some(1234),
                sha256: Some("AB".repeat(32)),
                schema: Some(SchemaRef { name: Some("etalab/arbres".into()), url: Some("https://schema.data.gouv.fr/etalab/arbres".into()), version: None }),
                extras: serde_json::json!({}),
                created_at: 1_700_000_000_000,
                modified_at: 1_700_000_000_000,
            }],
            ..Dataset::new("5f0c0c0c0c0c0c0c0c0c0c0c".into(), 1_700_000_000_000)
        }
    }

    fn build() -> Graph {
        let mut g = Graph::new();
        let org = Agent { iri: Some("http://localhost/api/1/organizations/3/".into()), name: "Ville de Brest".into(), organization: true };
        let info = CatalogInfo {
            iri: "http://localhost/api/1/site/catalog".into(),
            title: "Catalogue".into(),
            description: "Tout".into(),
            homepage: "http://localhost/catalog".into(),
            publisher: org.clone(),
        };
        let paging = Paging { page: 2, page_size: 1, total: 3, link: Box::new(|p| format!("http://localhost/api/1/site/catalog.ttl?page={p}&page_size=1")) };
        catalog(&mut g, "http://localhost", &info, &[(sample(), Some(org))], Some(&paging));
        g
    }

    #[test]
    fn datasets_map_to_dcat_ap() {
        let nt = turtle::ntriples(&build());
        let has = |s: &str| assert!(nt.contains(s), "missing {s}\n{nt}");
        let d = "<http://localhost/api/1/datasets/5f0c0c0c0c0c0c0c0c0c0c0c/>";
        has(&format!("{d} <http://purl.org/dc/terms/identifier> \"5f0c0c0c0c0c0c0c0c0c0c0c\" ."));
        // The empty description falls back on the title.
        has(&format!("{d} <http://purl.org/dc/terms/description> \"Arbres \\\"remarquables\\\" <b>& co</b>\\nligne 2 — été\" ."));
        has(&format!("{d} <http://purl.org/dc/terms/accrualPeriodicity> <http://publications.europa.eu/resource/authority/frequency/DAILY> ."));
        has("<http://publications.europa.eu/resource/authority/frequency/DAILY> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://purl.org/dc/terms/Frequency> .");
        has(&format!("{d} <http://purl.org/dc/terms/spatial> <http://publications.europa.eu/resource/authority/country/FRA> ."));
        has("<http://www.w3.org/2004/02/skos/core#prefLabel> \"Finistère\"@fr .");
        has("<http://www.w3.org/ns/dcat#startDate> \"2020-01-01\"^^<http://www.w3.org/2001/XMLSchema#date> .");
        has(&format!("{d} <http://www.w3.org/ns/dcat#landingPage> <http://localhost/catalog/datasets/arbres> ."));
        has("<http://www.w3.org/ns/dcat#downloadURL> <https://exemple.fr/donn%C3%A9es/arbres%202024.csv> .");
        has("<http://www.w3.org/ns/dcat#accessURL> <http://localhost/api/1/datasets/r/r1> .");
        has("<http://www.w3.org/ns/dcat#byteSize> \"1234\"^^<http://www.w3.org/2001/XMLSchema#decimal> .");
        has("<http://www.w3.org/ns/dcat#mediaType> <https://www.iana.org/assignments/media-types/text/csv> .");
        has("<http://purl.org/dc/terms/format> <http://publications.europa.eu/resource/authority/file-type/CSV> .");
        assert!(!nt.contains("spdx"), "2.1.1 admits SHA-1 checksums only");
        has("<http://purl.org/dc/terms/license> <https://opendatacommons.org/licenses/odbl/summary/> .");
        has("<http://purl.org/dc/terms/conformsTo> <https://schema.data.gouv.fr/etalab/arbres> .");
        has("<http://www.w3.org/ns/hydra/core#next> <http://localhost/api/1/site/catalog.ttl?page=3&page_size=1> .");
        has("<http://www.w3.org/ns/hydra/core#previous> <http://localhost/api/1/site/catalog.ttl?page=1&page_size=1> .");
        has("<http://www.w3.org/ns/hydra/core#totalItems> \"3\"^^<http://www.w3.org/2001/XMLSchema#integer> .");
    }

    /// Reads back our N-Triples: one triple a line, terms separated by single spaces outside
    /// quotes; enough to check the writer round-trips.
    fn nt_set(nt: &str) -> BTreeSet<String> {
        nt.lines().map(String::from).collect()
    }

    fn expand(ctx: &serde_json::Value, s: &str) -> String {
        match s.split_once(':') {
            Some((p, local)) if ctx.get(p).is_some() => format!("{}{local}", ctx[p].as_str().unwrap()),
            _ => s.to_string(),
        }
    }

    fn unescape_to_nt(v: &serde_json::Value, ctx: &serde_json::Value) -> String {
        if let Some(id) = v.get("@id").and_then(|i| i.as_str()) {
            return if id.starts_with("_:") { id.to_string() } else { format!("<{id}>") };
        }
        let lex = turtle::quote(v["@value"].as_str().unwrap());
        match (v.get("@type").and_then(|t| t.as_str()), v.get("@language").and_then(|l| l.as_str())) {
            (Some(t), _) => format!("{lex}^^<{}>", expand(ctx, t)),
            (_, Some(l)) => format!("{lex}@{l}"),
            _ => lex,
        }
    }

    #[test]
    fn json_ld_says_what_n_triples_says() {
        let g = build();
        let doc = jsonld::jsonld(&g);
        let text = serde_json::to_string(&doc).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ctx = &doc["@context"];
        let mut back = BTreeSet::new();
        for node in doc["@graph"].as_array().unwrap() {
            let id = node["@id"].as_str().unwrap();
            let s = if id.starts_with("_:") { id.to_string() } else { format!("<{id}>") };
            for (k, vals) in node.as_object().unwrap() {
                if k == "@id" {
                    continue;
                }
                for v in vals.as_array().unwrap() {
                    if k == "@type" {
                        back.insert(format!("{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{}> .", expand(ctx, v.as_str().unwrap())));
                    } else {
                        back.insert(format!("{s} <{}> {} .", expand(ctx, k), unescape_to_nt(v, ctx)));
                    }
                }
            }
        }
        assert_eq!(back, nt_set(&turtle::ntriples(&g)));
    }

    #[test]
    fn mime_values_and_formats() {
        assert_eq!(media_type("Text/CSV; charset=utf-8").as_deref(), Some("text/csv"));
        assert!(media_type("csv").is_none());
        assert!(media_type("text/ csv").is_none());
        assert_eq!(format_info("XLSX").0, Some("XLSX"));
        assert_eq!(format_info("unknown"), (None, None));
        assert!(web_iri("/relative").is_none());
        assert!(web_iri("dct:title").is_none());
        assert_eq!(web_iri("https://x.fr/a b").unwrap().as_str(), "https://x.fr/a%20b");
    }
}
