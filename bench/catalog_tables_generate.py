"""Writes a CSV of N rows shaped like French open data, for bench/catalog-tables.sh:
id, code_commune (INSEE code, leading zeros), commune, population, valeur (decimal), date (ISO).
Comma-separated with dot decimals so that every peer (csvapi, sqlite-utils) reads the same values.

Usage: python3 catalog_tables_generate.py N OUT.csv
"""
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
codes = [f"{d:02d}{c:03d}" for d in range(1, 96) for c in range(1, 370)]  # 35,055 codes
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("id,code_commune,commune,population,valeur,date\n")
    for i in range(1, n + 1):
        k = rnd.randrange(len(codes))
        f.write(f"{i},{codes[k]},Commune {k},{rnd.randrange(50, 200000)},{rnd.randrange(0, 1000000) / 100:.2f},"
                f"20{rnd.randrange(10, 25)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}\n")
