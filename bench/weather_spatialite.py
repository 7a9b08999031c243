#!/usr/bin/env python3
"""The weather benchmark's observations as a SpatiaLite database for pygeoapi's SQLiteGPKG provider:
one row per value (every station, parameter and hour of the flat file written by
weather_generate.py --flat), a point geometry, and an index on (station, param, month) so that the
peer answers "this station's T of this month" from an index, as a deployment tuned for the query
would. Needs a Python whose sqlite3 can load extensions, and mod_spatialite.

Usage: weather_spatialite.py FLAT OUT.sqlite PARAMS
PARAMS: the comma-separated columns in the order weather_generate.py numbered them (1, 2, ...).
"""
import os
import sqlite3
import sys
import time


def main():
    flat, out, params = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    names = {str(n): p for n, p in enumerate(params, start=1)}
    places = {}
    with open(flat + ".stations") as f:
        for line in f:
            i, num, lon, lat = line.rstrip("\n").split(";")
            places[i] = (num, float(lon), float(lat))
    if os.path.exists(out):
        os.remove(out)
    c = sqlite3.connect(out)
    c.enable_load_extension(True)
    c.load_extension(os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"))
    c.execute("PRAGMA journal_mode=OFF")
    c.execute("PRAGMA synchronous=OFF")
    c.execute("SELECT InitSpatialMetadata(1)")
    c.execute(
        "CREATE TABLE obs (id INTEGER PRIMARY KEY, station TEXT NOT NULL, param TEXT NOT NULL,"
        " month TEXT NOT NULL, time TEXT NOT NULL, value REAL NOT NULL, quality INTEGER)"
    )
    c.execute("SELECT AddGeometryColumn('obs', 'geom', 4326, 'POINT', 'XY')")

    def rows():
        with open(flat) as f:
            for line in f:
                s, p, minute, v, q = line.rstrip("\n").split(";")
                num, lon, lat = places[s]
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(minute) * 60))
                yield (num, names[p], stamp[:7], stamp, float(v), int(q), lon, lat)

    c.executemany(
        "INSERT INTO obs (station, param, month, time, value, quality, geom)"
        " VALUES (?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326))",
        rows(),
    )
    c.execute("CREATE INDEX obs_station_param_month ON obs (station, param, month)")
    c.commit()
    n = c.execute("SELECT COUNT(*) FROM obs").fetchone()[0]
    c.close()
    print(n)


if __name__ == "__main__":
    main()
