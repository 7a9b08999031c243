#!/usr/bin/env python3
"""Météo-France hourly (H) files for the weather benchmark, in the real format: the header of the
official field description (every column, in order, `;`-separated), one file per station, values
with quality code 1 in the chosen columns and the others empty, as in the published files.

Usage: weather_generate.py DESCRIPTION OUTDIR STATIONS FIRST_YEAR YEARS PARAMS [--flat FILE]
STATIONS is a count, or a range FROM:TO of station numbers (so that several processes can share
the work). PARAMS is a comma-separated list of columns (e.g. T,TN,TX,RR1). With --flat, the same values are
also written as `station;param;minute;value;quality` lines (minutes since 1970-01-01 UTC), the
input of the PostgreSQL COPY anchor, and FILE.stations lists `station;NUM_POSTE;lon;lat`. Deterministic: the same arguments give the same bytes.
"""
import calendar
import math
import os
import random
import re
import sys


def header(description):
    # Lines `NAME : meaning`; the code tables and notes below them are not columns.
    cols = []
    with open(description, encoding="utf-8") as f:
        for line in f:
            name, colon, _ = line.partition(":")
            name = name.strip()
            if colon and re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                cols.append(name)
    return cols


def main():
    args = sys.argv[1:]
    flat_path = None
    if "--flat" in args:
        i = args.index("--flat")
        flat_path = args[i + 1]
        del args[i : i + 2]
    description, outdir, stations, first_year, years, params = args
    lo, _, hi = stations.rpartition(":")
    stations = range(int(lo or 0), int(hi))
    first_year, years = int(first_year), int(years)
    params = params.split(",")
    cols = header(description)
    index = {c: i for i, c in enumerate(cols)}
    for p in params:
        if p not in index or "Q" + p not in index:
            sys.exit(f"no column {p} (or Q{p}) in {description}")
    os.makedirs(outdir, exist_ok=True)
    flat = open(flat_path, "w") if flat_path else None
    places = open(flat_path + ".stations", "w") if flat_path else None
    codes = {p: n for n, p in enumerate(params, start=1)}
    total = 0
    start = calendar.timegm((first_year, 1, 1, 0, 0, 0)) // 3600
    end = calendar.timegm((first_year + years, 1, 1, 0, 0, 0)) // 3600
    for s in stations:
        rnd = random.Random(s)
        num = f"{21 + s % 70:02d}{s:06d}"
        lat, lon, alti = 43.0 + (s * 0.37) % 7.0, -1.0 + (s * 0.53) % 8.0, float(20 + (s * 37) % 900)
        base = 13.0 - (lat - 43.0) * 0.6 - alti * 0.0065
        path = os.path.join(outdir, f"H_{num[:2]}_{num}_{first_year}-{first_year + years - 1}.csv")
        row = [""] * len(cols)
        row[0], row[1], row[2], row[3], row[4] = num, f"STATION {s:04d}", f"{lat:.6f}", f"{lon:.6f}", f"{alti:.0f}"
        if places:
            places.write(f"{s + 1};{num};{lon:.6f};{lat:.6f}\n")
        weather = 0.0
        with open(path, "w", encoding="utf-8") as out:
            out.write(";".join(cols) + "\n")
            for h in range(start, end):
                day = h / 24.0
                weather = 0.97 * weather + rnd.gauss(0.0, 0.45)
                t = base + 8.0 * math.sin(2 * math.pi * (day - 110) / 365.25) + 4.0 * math.sin(2 * math.pi * ((h % 24) - 9) / 24) + weather
                rain = max(0.0, rnd.gauss(-1.2, 1.0)) if weather < -0.5 else 0.0
                values = {
                    "T": t,
                    "TN": t - abs(rnd.gauss(0.3, 0.2)),
                    "TX": t + abs(rnd.gauss(0.3, 0.2)),
                    "RR1": rain,
                    "U": min(100.0, max(15.0, 75.0 - 2.5 * (t - base) + rnd.gauss(0, 5))),
                    "FF": abs(rnd.gauss(3.5, 2.0)),
                    "DD": float(rnd.randrange(0, 360, 10)),
                    "PMER": 1015.0 + 8.0 * weather + rnd.gauss(0, 1.5),
                }
                stamp = _stamp(h)
                row[5] = stamp
                for p in params:
                    v = round(values.get(p, 0.0), 1)
                    row[index[p]] = f"{v:.1f}"
                    row[index["Q" + p]] = "1"
                    if flat:
                        flat.write(f"{s + 1};{codes[p]};{h * 60};{v:.1f};1\n")
                out.write(";".join(row) + "\n")
                total += len(params)
    if flat:
        flat.close()
        places.close()
    print(total)


_days = {}


def _stamp(hour):
    d = hour // 24
    ymd = _days.get(d)
    if ymd is None:
        y, m, dd = _civil(d)
        ymd = _days[d] = f"{y:04d}{m:02d}{dd:02d}"
    return f"{ymd}{hour % 24:02d}"


def _civil(z):
    # Howard Hinnant's civil_from_days.
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


if __name__ == "__main__":
    main()
