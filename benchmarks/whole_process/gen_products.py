#!/usr/bin/env python3
"""Writes N Product rows (the values of benchmarks/postgres_bulk/data.cpp, with their ids) as
products.jsonl and products.csv (for bulkflow, psql and sqlite3) and products_my.csv (booleans 1/0
and 'YYYY-MM-DD HH:MM:SS' datetimes, what LOAD DATA reads) into DIR.

usage: gen_products.py ROWS DIR
"""
import os
import sys

CATEGORIES = ("electronics", "books", "kitchen", "garden", "toys")


def main() -> None:
    rows, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "products.jsonl"), "w") as js, \
         open(os.path.join(out, "products.csv"), "w") as csv, \
         open(os.path.join(out, "products_my.csv"), "w") as my:
        csv.write("id,name,price,category,stock,active,created_at\n")
        my.write("id,name,price,category,stock,active,created_at\n")
        for i in range(1, rows + 1):
            price = "%d.%02d" % (i % 1000, (i * 7) % 100)
            date = "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)
            time = "%02d:%02d:00" % (i % 24, i % 60)
            cat, stock, active = CATEGORIES[i % 5], (i * 3) % 500, i % 7 != 0
            b = "true" if active else "false"
            js.write('{"id":%d,"name":"Product %d","price":"%s","category":"%s","stock":%d,"active":%s,'
                     '"created_at":"%sT%sZ"}\n' % (i, i, price, cat, stock, b, date, time))
            csv.write("%d,Product %d,%s,%s,%d,%s,%sT%sZ\n" % (i, i, price, cat, stock, b, date, time))
            my.write("%d,Product %d,%s,%s,%d,%d,%s %s\n" % (i, i, price, cat, stock, int(active), date, time))


if __name__ == "__main__":
    main()
