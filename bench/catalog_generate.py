"""Creates N synthetic datasets (and about 5.7 resources each) through the catalog's API, the way
publishers would: POST /api/v1/catalog/datasets then POST …/resources. Used by catalog-search.sh.

Usage: python3 catalog_generate.py BASE_URL TOKEN N_DATASETS [THREADS]
"""
import http.client
import json
import random
import sys
import threading
import urllib.parse

BASE, TOKEN, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
THREADS = int(sys.argv[4]) if len(sys.argv) > 4 else 2
u = urllib.parse.urlparse(BASE)

WORDS = ("arbres budget population eau air bruit vélo transport école santé énergie déchets parc marché "
         "logement emploi commerce culture sport tourisme mobilité stationnement élection subvention "
         "agriculture forêt rivière littoral climat météo pollen qualité patrimoine musée bibliothèque").split()
LICENSES = ["lov2", "odc-odbl", "cc-by", "cc-zero", "fr-lo", "notspecified"]
FREQS = ["daily", "weekly", "monthly", "annual", "punctual", "irregular", "unknown"]
FORMATS = ["csv", "json", "geojson", "xlsx", "pdf", "zip", "shp", "xml"]
DEPTS = ["01", "02", "13", "29", "2A", "33", "35", "44", "59", "67", "69", "75", "971"]


def worker(index, orgs, out, errors):
    try:
        work(index, orgs, out)
    except BaseException as e:  # a failed thread must fail the run, not vanish
        errors.append(f"thread {index}: {e}")


def work(index, orgs, out):
    rnd = random.Random(index)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def post(path, body):
        conn.request("POST", path, json.dumps(body), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            raise SystemExit(f"{path}: {r.status} {data[:300]!r}")
        return json.loads(data)

    made = 0
    for i in range(index, N, THREADS):
        words = rnd.sample(WORDS, 3)
        d = post("/api/v1/catalog/datasets", {
            "title": f"{words[0].capitalize()} {words[1]} {words[2]} n°{i}",
            "description": " ".join(rnd.choices(WORDS, k=40)),
            "license": rnd.choice(LICENSES),
            "frequency": rnd.choice(FREQS),
            "tags": rnd.sample(WORDS, rnd.randint(1, 4)),
            "organization": orgs[i % len(orgs)],
            "spatial": {"zones": [f"fr:departement:{rnd.choice(DEPTS)}"]},
        })
        for k in range(rnd.choice([3, 4, 5, 6, 7, 8, 9])):
            fmt = rnd.choice(FORMATS)
            # On a loopback address: the table loads they queue (CSV links) are refused at once
            # instead of waiting on a name resolution, so no background work outlives the run.
            post(f"/api/v1/catalog/datasets/{d['id']}/resources", {"title": f"Fichier {k}", "url": f"http://127.0.0.1:9/{i}/{k}.{fmt}"})
        made += 1
    out[index] = made


def main():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    orgs = []
    for n in range(40):
        slug = f"org-bench-{n}"
        conn.request("POST", "/api/v1/organisations", json.dumps({"name": f"Organisation {n}", "slug": slug}), headers)
        r = conn.getresponse()
        r.read()
        if r.status not in (201, 422):
            raise SystemExit(f"organisation: {r.status}")
        orgs.append(slug)
    out, errors = {}, []
    threads = [threading.Thread(target=worker, args=(t, orgs, out, errors)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("\n".join(errors))
    print(sum(out.values()))


main()
