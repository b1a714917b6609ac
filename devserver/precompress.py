"""Writes .br and .gz siblings next to bundle files, so servers can send them without compressing per request.

Both encoders are deterministic (gzip with mtime 0), keeping builds byte-identical.
"""
import gzip
from concurrent.futures import ThreadPoolExecutor

import brotli

COMPRESSIBLE = (".js", ".json", ".wasm", ".css", ".html", ".py", ".svg", ".txt")
MIN_SIZE = 512  # smaller files gain nothing worth a second lookup


def encodings(data):
    """{suffix: compressed bytes} for one file."""
    return {
        ".br": brotli.compress(data, quality=11),
        ".gz": gzip.compress(data, compresslevel=9, mtime=0),
    }


def siblings(out, files):
    """Write the compressed siblings of every compressible file in `files` under `out`."""
    todo = sorted(p for p, d in files.items() if p.endswith(COMPRESSIBLE) and len(d) >= MIN_SIZE)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda p: (p, encodings(files[p])), todo)
        for path, encoded in results:
            for suffix, data in encoded.items():
                if len(data) < len(files[path]):
                    (out / (path + suffix)).write_bytes(data)
