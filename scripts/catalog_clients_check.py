#!/usr/bin/env python3
"""The real clients of CKAN and udata against a live Communs (the `communs demo` server):

- ckanapi (CKAN's command line client): `dump datasets --all` and `dump organizations --all`
  (package_list/organization_list then one *_show per name, in worker subprocesses),
  `search datasets` with words and with a Solr filter, `action package_show` by POST and GET,
  and a missing dataset reported as NotFound. Everything is compared with our own API.
- udata-dl (a udata downloader): downloads every file of an organisation through udata's API
  v1; the files' sha256 must match the checksums our API publishes, remote files must match
  what their servers serve, broken links must be reported, and a second run must skip every
  file whose checksum matches.

Usage: catalog_clients_check.py BASE_URL    (`ckanapi` and `udata-dl` on PATH)
Exits 1 at the first failed check, 2 when the environment is not ready.
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

import requests


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)
    print(f"  ok  {what}")


def run(args, expect_ok=True, timeout=300):
    # udata-dl prints through rich, which wraps at 80 columns when not on a terminal.
    env = dict(os.environ, COLUMNS="400", NO_COLOR="1")
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if expect_ok and p.returncode != 0:
        raise CheckFailed(f"{' '.join(args)} exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p


def get_json(url, **params):
    r = requests.get(url, params=params, timeout=30)
    if r.status_code != 200:
        raise CheckFailed(f"GET {r.url}: {r.status_code} {r.text[:300]}")
    return r.json()


def our_datasets(base, **filters):
    """Public datasets from our own API (/api/v1/catalog), every page."""
    out, page = {}, 1
    while True:
        body = get_json(f"{base}/api/v1/catalog/datasets", page=page, page_size=100, **filters)
        for d in body["data"]:
            out[d["slug"]] = d
        if not body.get("next_page"):
            return out
        page += 1


def wait_for_demo(base):
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if our_datasets(base, organization="quimper"):
                return
        except (requests.RequestException, CheckFailed):
            pass
        time.sleep(1)
    print("catalog-clients: the demo catalogue (organisation quimper) never appeared", file=sys.stderr)
    sys.exit(2)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_ckanapi(base, work):
    print("ckanapi")
    ours = our_datasets(base)
    check(len(ours) >= 3, f"our API lists {len(ours)} public datasets")

    out = work / "datasets.jsonl"
    run(["ckanapi", "dump", "datasets", "--all", "-r", base, "-p", "2", "-O", str(out), "-q"])
    dumped = {d["name"]: d for d in jsonl(out.read_text())}
    check(set(dumped) == set(ours), f"dump datasets --all gives the {len(ours)} public datasets of our API")
    package_list = get_json(f"{base}/api/3/action/package_list")["result"]
    check(sorted(dumped) == package_list, "and exactly package_list's names")
    for slug, d in ours.items():
        c = dumped[slug]
        same = (c["id"] == d["id"] and c["title"] == d["title"] and c["notes"] == d["description"] and c["license_id"] == d["license"]
                and sorted(t["name"] for t in c["tags"]) == sorted(d["tags"]) and c["private"] is False and c["state"] == "active")
        check(same, f"{slug}: id, title, notes, licence and tags as in our API")
        org = (d.get("organization") or {}).get("slug")
        check((c["organization"] or {}).get("name") == org, f"{slug}: organisation {org}")
        ours_res = [(r["id"], r["url"], r.get("checksum", {}) and r["checksum"]["value"]) for r in d["resources"]]
        theirs = [(r["id"], r["url"], r["hash"] or None) for r in c["resources"]]
        check(theirs == [(i, u, h or None) for i, u, h in ours_res], f"{slug}: {len(ours_res)} resources with the same ids, URLs and sha256")

    orgs = get_json(f"{base}/api/1/organizations/", page_size=100)["data"]
    p = run(["ckanapi", "dump", "organizations", "--all", "-r", base, "-q"])
    dumped_orgs = {o["name"]: o for o in jsonl(p.stdout)}
    check(set(dumped_orgs) == {o["slug"] for o in orgs}, f"dump organizations --all gives the {len(orgs)} organisations")
    for o in orgs:
        count = len(our_datasets(base, organization=o["slug"]))
        check(dumped_orgs[o["slug"]]["title"] == o["name"] and dumped_orgs[o["slug"]]["package_count"] == count,
              f"organisation {o['slug']}: title and {count} public datasets")

    p = run(["ckanapi", "search", "datasets", "q=arbres", "-r", base])
    found = {d["name"] for d in jsonl(p.stdout)}
    expected = set(our_datasets(base, q="arbres"))
    check(expected and found == expected, f"search datasets q=arbres finds {sorted(expected)}")
    p = run(["ckanapi", "search", "datasets", "fq=organization:quimper", "-r", base])
    found = {d["name"] for d in jsonl(p.stdout)}
    expected = set(our_datasets(base, organization="quimper"))
    check(found == expected, f"search datasets fq=organization:quimper finds the {len(expected)} datasets of Quimper")
    p = run(["ckanapi", "search", "datasets", "q=zzzaucunresultat", "-r", base])
    check(jsonl(p.stdout) == [], "a search without hits gives nothing")

    slug = sorted(ours)[0]
    shown = json.loads(run(["ckanapi", "action", "package_show", f"id={slug}", "-r", base]).stdout)
    check(shown == dumped[slug], f"action package_show id={slug} equals its dumped record")
    shown = json.loads(run(["ckanapi", "action", "package_show", f"id={ours[slug]['id']}", "-g", "-r", base]).stdout)
    check(shown == dumped[slug], "and by id with a GET request")
    p = run(["ckanapi", "action", "package_show", "id=brouillon-plan-velo", "-r", base], expect_ok=False)
    check(p.returncode != 0 and "NotFound" in (p.stdout + p.stderr), "the private draft is NotFound for an anonymous client")
    p = run(["ckanapi", "action", "package_show", "id=aucun-jeu-de-donnees", "-r", base], expect_ok=False)
    check(p.returncode != 0 and "NotFound" in (p.stdout + p.stderr), "a missing dataset is NotFound")


def check_datastore(base, work):
    """The demo's uploaded CSVs are loaded by a background job; wait for them, then read their
    tables through CKAN's datastore_search as ckanapi does."""
    print("ckanapi and the datastore")
    slug = "arbres-d-alignement-de-quimper"
    rid = next(r["id"] for r in our_datasets(base, organization="quimper")[slug]["resources"] if r["format"] == "csv")
    deadline = time.time() + 120
    table = None
    while time.time() < deadline:
        table = get_json(f"{base}/api/v1/catalog/tables/{rid}")
        if table["state"] in ("ready", "failed"):
            break
        time.sleep(1)
    check(table and table["state"] == "ready" and table["available"], f"the table of {slug} is loaded ({table and table['state']})")
    out = work / "datastore.jsonl"
    run(["ckanapi", "dump", "datasets", slug, "--datastore-fields", "-r", base, "-O", str(out), "-q"])
    (record,) = jsonl(out.read_text())
    res = next(r for r in record["resources"] if r["id"] == rid)
    check(res["datastore_active"] is True, "its resource is datastore_active")
    names = [f["id"] for f in res.get("datastore_fields", [])]
    check(names == ["_id"] + [c["name"] for c in table["columns"]], f"dump --datastore-fields lists its {len(table['columns'])} columns")
    found = json.loads(run(["ckanapi", "action", "datastore_search", f"resource_id={rid}", "limit=3", "-r", base]).stdout)
    check(found["total"] == table["rows"] and len(found["records"]) == 3, f"action datastore_search: {table['rows']} rows in total, 3 given")
    rows = get_json(f"{base}/api/v1/catalog/tables/{rid}/rows", page_size=3)["data"]
    first = [{k: v for k, v in r.items() if k != "_id"} for r in found["records"]]
    check(first == [{k: v for k, v in r.items() if not k.startswith("__")} for r in rows], "the same first rows as our tabular API")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_files(base, org_slug):
    """What udata-dl should write for an organisation, with udata-dl's own naming rule."""
    org = get_json(f"{base}/api/1/organizations/{org_slug}/")
    files = []
    for d in our_datasets(base, organization=org_slug).values():
        for i, r in enumerate([r for r in d["resources"] if r.get("type") != "api"], 1):
            name = os.path.basename(urlparse(r["url"]).path) or f"resource_{i}"
            for ch in '<>:"/\\|?*':
                name = name.replace(ch, "_")
            fmt = (r.get("format") or "").lower()
            if fmt and not name.endswith(f".{fmt}"):
                name = f"{name}.{fmt}"
            files.append((pathlib.Path(org["slug"]) / d["slug"] / name, r))
    return files


def udata_dl(base, org, out):
    p = run(["udata-dl", org, "--api-url", f"{base}/api/1", "-o", str(out)])
    return p.stdout


def check_udata_dl(base, work):
    print("udata-dl")
    out = work / "udata"
    files = expected_files(base, "quimper")
    check(files and all(r.get("checksum") for _, r in files), f"Quimper publishes {len(files)} uploaded files with checksums")
    log = udata_dl(base, "quimper", out)
    check("Errors:" not in log, "udata-dl quimper downloads without errors")
    for rel, r in files:
        path = out / rel
        check(path.is_file(), f"{rel} downloaded")
        check(sha256(path) == r["checksum"]["value"], f"{rel}: sha256 {r['checksum']['value'][:12]}… as published")
        check(path.stat().st_size == r["filesize"], f"{rel}: {r['filesize']} bytes as published")
    got = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    check(got == sorted(rel for rel, _ in files), "nothing else was written")
    log = udata_dl(base, "quimper", out)
    check(log.count("skipped (checksum match)") == len(files), "a second run skips every file by its checksum")

    # Remote files: what the other server serves; broken links reported, not written.
    files = expected_files(base, "eau-bretagne")
    log = udata_dl(base, "eau-bretagne", out)
    broken = 0
    for rel, r in files:
        live = requests.get(r["url"], timeout=30)
        if live.status_code == 200:
            check((out / rel).is_file() and hashlib.sha256(live.content).hexdigest() == sha256(out / rel), f"{rel}: the remote server's bytes")
        else:
            broken += 1
            check(not (out / rel).exists() and f"✗ {rel.name}" in log, f"{rel}: broken link ({live.status_code}) reported, nothing written")
    check(broken >= 1 and f"Errors: {broken}" in log, f"udata-dl counts the {broken} broken link(s)")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/")
    for tool in ("ckanapi", "udata-dl"):
        if not shutil.which(tool):
            print(f"catalog-clients: {tool} is not on PATH: run scripts/test-deps.sh", file=sys.stderr)
            return 2
    wait_for_demo(base)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            check_ckanapi(base, pathlib.Path(tmp))
            check_datastore(base, pathlib.Path(tmp))
            check_udata_dl(base, pathlib.Path(tmp))
        except CheckFailed as e:
            print(f"FAIL {e}", file=sys.stderr)
            return 1
    print("catalog-clients: ckanapi and udata-dl agree with the API")
    return 0


if __name__ == "__main__":
    sys.exit(main())
