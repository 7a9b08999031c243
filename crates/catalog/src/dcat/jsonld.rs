//! JSON-LD writer: a `@context` of the graph's prefixes and a flat `@graph` of node objects,
//! keys as compact IRIs, every value in its explicit form (`@id`, or `@value` with `@type` or
//! `@language`), so that any JSON-LD 1.0/1.1 processor reads back exactly the graph.
use serde_json::{json, Map, Value};

use super::graph::{split, Graph, Literal, Term, RDF};

fn compact(iri: &str) -> String {
    match split(iri) {
        Some((p, _, local)) => format!("{p}:{local}"),
        None => iri.to_string(),
    }
}

fn id(t: &Term) -> String {
    match t {
        Term::Iri(i) => i.as_str().to_string(),
        Term::Blank(n) => format!("_:b{n}"),
        Term::Literal(_) => String::new(),
    }
}

fn value(t: &Term) -> Value {
    match t {
        Term::Iri(_) | Term::Blank(_) => json!({ "@id": id(t) }),
        Term::Literal(Literal::Plain(s)) => json!({ "@value": s }),
        Term::Literal(Literal::Typed(s, dt)) => json!({ "@value": s, "@type": dt.as_str() }),
        Term::Literal(Literal::Lang(s, l)) => json!({ "@value": s, "@language": l }),
    }
}

pub fn jsonld(g: &Graph) -> Value {
    let mut context = Map::new();
    for (p, ns) in g.used_prefixes() {
        context.insert(p.to_string(), Value::String(ns.to_string()));
    }
    let rdf_type = format!("{RDF}type");
    let mut nodes = Vec::new();
    for (s, triples) in g.by_subject() {
        let mut node = Map::new();
        node.insert("@id".into(), Value::String(id(s)));
        for t in triples {
            let p = t.p.as_str();
            if p == rdf_type {
                if let Term::Iri(class) = &t.o {
                    let types = node.entry("@type").or_insert_with(|| Value::Array(vec![]));
                    if let Value::Array(a) = types {
                        a.push(Value::String(compact(class.as_str())));
                    }
                    continue;
                }
            }
            let entry = node.entry(compact(p)).or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(a) = entry {
                a.push(value(&t.o));
            }
        }
        nodes.push(Value::Object(node));
    }
    json!({ "@context": context, "@graph": nodes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_explicit() {
        let mut g = Graph::new();
        let s = Term::iri("http://x/d");
        g.a(&s, "http://www.w3.org/ns/dcat#Dataset");
        g.add(&s, "http://purl.org/dc/terms/title", Term::string("Title with \"quotes\"\n"));
        g.add(&s, "http://purl.org/dc/terms/issued", Term::typed("2024-01-01", "http://www.w3.org/2001/XMLSchema#date"));
        let b = g.blank();
        g.add(&s, "http://purl.org/dc/terms/publisher", b);
        let v = jsonld(&g);
        assert_eq!(v["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
        let node = &v["@graph"][0];
        assert_eq!(node["@type"], json!(["dcat:Dataset"]));
        assert_eq!(node["dct:title"], json!([{ "@value": "Title with \"quotes\"\n" }]));
        assert_eq!(node["dct:issued"][0]["@type"], "http://www.w3.org/2001/XMLSchema#date");
        assert_eq!(node["dct:publisher"], json!([{ "@id": "_:b0" }]));
    }
}
