#!/usr/bin/env python3
"""rdflib and pyshacl, the RDF world's parser and SHACL validator, against a live Communs's
DCAT-AP export (udata's paths):

- content negotiation: /api/1/site/catalog redirects to the preferred format;
- the site catalogue in Turtle, RDF/XML, JSON-LD and N-Triples: each parses, with the right
  content type, and all four are the same graph (isomorphic, page links aside: they keep their
  format's extension);
- Hydra paging: following hydra:next from page 1 with a small page size visits every dataset
  once, and hydra:totalItems counts them;
- an organisation's catalogue and one dataset's description, in every format likewise;
- every graph conforms to the official DCAT-AP 2.1.1 SHACL shapes (mandatory, range,
  controlled vocabularies, deprecated URIs); the recommended shapes' warnings are counted;
- a deliberately broken copy of a dataset graph fails, with the violations expected, so the
  check can fail.

Usage: dcat_pyshacl_check.py BASE_URL   (e.g. http://127.0.0.1:18080, the `communs demo` server)
Shapes: $COMMUNS_DCAT_SHAPES, default ../shared/data/dcat-ap-2.1.1 next to the repository.
Exits 1 at the first failed check, 2 when the environment is not ready.
"""
import collections
import os
import pathlib
import re
import sys
import time
import urllib.error
import urllib.request

import pyshacl
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SH = Namespace("http://www.w3.org/ns/shacl#")

FORMATS = {  # extension: (rdflib parser, content type)
    "ttl": ("turtle", "text/turtle"),
    "xml": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
    "nt": ("nt", "application/n-triples"),
}
STRICT = [  # violations fail the check
    "dcat-ap_2.1.1_shacl_shapes.ttl",
    "dcat-ap_2.1.1_shacl_range.ttl",
    "dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl",
    "dcat-ap_2.1.1_shacl_deprecateduris.ttl",
]
RECOMMENDED = "dcat-ap_2.1.1_shacl_shapes_recommended.ttl"


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)
    print(f"  ok  {what}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, accept=None, follow=True):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_graph(url, ext):
    parser, ctype = FORMATS[ext]
    status, headers, body = fetch(url)
    if status != 200:
        raise CheckFailed(f"GET {url}: {status} {body[:300]!r}")
    got = (headers.get("Content-Type") or "").split(";")[0].strip()
    if got != ctype:
        raise CheckFailed(f"GET {url}: content type {got!r}, expected {ctype!r}")
    g = Graph()
    try:
        g.parse(data=body, format=parser, publicID=url)
    except Exception as e:  # rdflib raises many kinds; any means the document is not valid
        raise CheckFailed(f"rdflib could not parse {url} as {parser}: {e}") from e
    return g


LINK_EXTENSION = re.compile(r"\.(ttl|xml|rdf|jsonld|json|nt)\?")


def normalise_links(g, _ext):
    """Page links carry their format's extension; rewrite them so formats compare."""
    out = Graph()
    pattern = LINK_EXTENSION
    for s, p, o in g:
        s2 = URIRef(pattern.sub(".FMT?", s)) if isinstance(s, URIRef) else s
        o2 = URIRef(pattern.sub(".FMT?", o)) if isinstance(o, URIRef) else o
        out.add((s2, p, o2))
    return out


def all_formats(url_of, what):
    """Fetches a document in every format, checks they are one graph, returns the Turtle one."""
    graphs = {ext: get_graph(url_of(ext), ext) for ext in FORMATS}
    reference = to_isomorphic(normalise_links(graphs["ttl"], "ttl"))
    for ext, g in graphs.items():
        if ext == "ttl":
            continue
        same = isomorphic(reference, to_isomorphic(normalise_links(g, ext)))
        if not same:
            a, b = set(normalise_links(graphs["ttl"], "ttl")), set(normalise_links(g, ext))
            sample = [t for t in a ^ b if not any(isinstance(x, type(None)) for x in t)][:5]
            raise CheckFailed(f"{what}: {ext} differs from Turtle ({len(graphs['ttl'])} vs {len(g)} triples), e.g. {sample}")
    check(True, f"{what}: Turtle, RDF/XML, JSON-LD and N-Triples parse to one graph ({len(graphs['ttl'])} triples)")
    return graphs["ttl"]


def load_shapes(shapes_dir):
    out = {}
    for name in STRICT + [RECOMMENDED]:
        path = shapes_dir / name
        if not path.is_file():
            print(f"dcat-pyshacl: shapes file {path} missing (set COMMUNS_DCAT_SHAPES)", file=sys.stderr)
            sys.exit(2)
        out[name] = Graph().parse(path, format="turtle")
    return out


def validate(data, shapes):
    """Results per shapes file: list of (severity, path, focus, message)."""
    out = {}
    for name, sg in shapes.items():
        _conforms, report, _text = pyshacl.validate(data, shacl_graph=sg, inference="none", allow_warnings=True, advanced=False)
        results = []
        # Top-level results only: pyshacl also lists, as sh:detail, the inner failures of an
        # sh:node constraint, with the inner shape's severity instead of the property's.
        top = [r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)]
        for r in top:
            results.append((
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(r, SH.resultPath)),
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.resultMessage)),
            ))
        out[name] = results
    return out


def conforms(data, shapes, what):
    t0 = time.monotonic()
    results = validate(data, shapes)
    violations = [(n, r) for n, rs in results.items() if n in STRICT for r in rs if r[0] == "Violation"]
    if violations:
        lines = "\n".join(f"    {n}: {r}" for n, r in violations[:15])
        raise CheckFailed(f"{what}: {len(violations)} SHACL violations:\n{lines}")
    warnings = collections.Counter(r[1].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for rs in results.values() for r in rs if r[0] != "Violation")
    summary = ", ".join(f"{k} ×{v}" for k, v in sorted(warnings.items())) or "none"
    check(True, f"{what}: conforms to DCAT-AP 2.1.1 (shapes, range, vocabularies, deprecated URIs) in {time.monotonic() - t0:.1f} s; "
                f"warnings (recommended properties, EU vocabularies) by path: {summary}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/")
    repo = pathlib.Path(__file__).resolve().parent.parent
    shapes_dir = pathlib.Path(os.environ.get("COMMUNS_DCAT_SHAPES", repo.parent / "shared" / "data" / "dcat-ap-2.1.1"))
    shapes = load_shapes(shapes_dir)
    print(f"pyshacl {pyshacl.__version__}, shapes from {shapes_dir}")

    print("content negotiation")
    for accept, ext in [("text/turtle", "ttl"), ("application/rdf+xml", "xml"), ("application/n-triples", "nt"), (None, "json")]:
        status, headers, _ = fetch(f"{base}/api/1/site/catalog?page_size=5", accept=accept, follow=False)
        loc = headers.get("Location", "")
        check(status in (302, 303) and f"/api/1/site/catalog.{ext}?page_size=5" in loc, f"Accept {accept or '(none)'} → {status} {loc}")

    print("site catalogue")
    site = all_formats(lambda ext: f"{base}/api/1/site/catalog.{ext}?page_size=1000", "site catalogue")
    catalogs = list(site.subjects(RDF.type, DCAT.Catalog))
    check(len(catalogs) == 1, f"one dcat:Catalog ({catalogs})")
    cat = catalogs[0]
    datasets = set(site.objects(cat, DCAT.dataset))
    total = site.value(cat, HYDRA.totalItems)
    check(total is not None and int(total) == len(datasets) and len(datasets) > 0, f"{len(datasets)} datasets, hydra:totalItems {total}")
    conforms(site, shapes, "site catalogue")

    print("hydra paging")
    url, seen, pages = f"{base}/api/1/site/catalog.ttl?page_size=2", [], 0
    while url and pages < 1000:
        g = get_graph(url, "ttl")
        c = next(g.subjects(RDF.type, DCAT.Catalog))
        seen += list(g.objects(c, DCAT.dataset))
        view = g.value(c, HYDRA.view)
        check(view is not None and (view, RDF.type, HYDRA.PartialCollectionView) in g and g.value(view, HYDRA.first) and g.value(view, HYDRA.last),
              f"page {pages + 1}: hydra:PartialCollectionView with first and last")
        if pages > 0:
            check(g.value(view, HYDRA.previous) is not None, f"page {pages + 1}: hydra:previous")
        nxt = g.value(view, HYDRA.next)
        url = str(nxt) if nxt else None
        pages += 1
    check(len(seen) == len(set(seen)) == len(datasets) and set(seen) == datasets,
          f"following hydra:next over {pages} pages of 2 visits each of the {len(datasets)} datasets once")

    print("organisation catalogue")
    orgs = sorted({str(p) for d in datasets for p in site.objects(d, DCT.publisher) if (p, RDF.type, FOAF.Organization) in site})
    check(len(orgs) > 0, f"datasets published by {len(orgs)} organisations")
    org_path = orgs[0].rstrip("/")
    org_id = org_path.rsplit("/", 1)[-1]
    org_graph = all_formats(lambda ext: f"{base}/api/1/organizations/{org_id}/catalog.{ext}", f"organisation {org_id} catalogue")
    oc = next(org_graph.subjects(RDF.type, DCAT.Catalog))
    org_datasets = set(org_graph.objects(oc, DCAT.dataset))
    expected = {d for d in datasets if str(site.value(d, DCT.publisher)) == orgs[0]}
    check(org_datasets == expected, f"organisation catalogue lists its {len(expected)} datasets, and only them")
    conforms(org_graph, shapes, f"organisation {org_id} catalogue")

    print("one dataset")
    with_dist = sorted(d for d in datasets if site.value(d, DCAT.distribution) is not None)
    check(len(with_dist) > 0, f"{len(with_dist)} datasets have distributions")
    ds = with_dist[0]
    ds_id = str(site.value(ds, DCT.identifier))
    one = all_formats(lambda ext: f"{base}/api/1/datasets/{ds_id}/rdf.{ext}", f"dataset {ds_id}")
    check((ds, RDF.type, DCAT.Dataset) in one and len(list(one.subjects(RDF.type, DCAT.Catalog))) == 0, "the dataset's graph describes it, without a catalogue")
    conforms(one, shapes, f"dataset {ds_id}")
    status, headers, _ = fetch(f"{base}/api/1/datasets/{ds_id}/rdf", accept="text/turtle", follow=False)
    check(status == 302 and headers.get("Location", "").endswith(f"/api/1/datasets/{ds_id}/rdf.ttl"), f"/rdf negotiates: {status} {headers.get('Location')}")
    status, _, _ = fetch(f"{base}/api/1/datasets/no-such-dataset/rdf.ttl")
    check(status == 404, f"unknown dataset: {status}")

    print("a broken graph fails")
    broken = Graph()
    for t in one:
        broken.add(t)
    broken.remove((ds, DCT.title, None))
    dists = list(broken.objects(ds, DCAT.distribution))
    for d in dists:
        broken.remove((d, DCAT.accessURL, None))
    for d in dists[:1]:
        broken.remove((d, DCAT.byteSize, None))
        broken.add((d, DCAT.byteSize, Literal("12", datatype=XSD.integer)))
    for lic in set(broken.objects(None, DCT.license)):
        broken.remove((lic, RDF.type, DCT.LicenseDocument))
    results = validate(broken, shapes)
    paths = collections.Counter(r[1].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for rs in results.values() for r in rs if r[0] == "Violation")
    check(paths["title"] >= 1, f"missing dct:title reported ({paths['title']})")
    check(paths["accessURL"] == len(dists), f"missing dcat:accessURL reported for each of {len(dists)} distributions ({paths['accessURL']})")
    check(paths["byteSize"] >= 1, f"xsd:integer byteSize reported ({paths['byteSize']})")
    licences = set(one.objects(None, DCT.license))
    check(not licences or paths["license"] >= 1, f"untyped licence reported by the range shapes ({paths['license']})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        print(f"FAIL {e}", file=sys.stderr)
        sys.exit(1)
