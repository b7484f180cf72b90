# bench/multipart_bench.py: the bodies of bench/multipart_bench.cpp through python-multipart (Debian's
# python3-multipart 0.0.5, the parser Starlette uses), fed in 64 KiB reads, callbacks counting bytes.
# Usage: [MP_SIZE_MIB=16] /usr/bin/python3 bench/multipart_bench.py   (prints MB/s per body, best of 3)
import os
import time
from multipart.multipart import MultipartParser

B = b"b" * 70
SIZE = int(os.environ.get("MP_SIZE_MIB", "16")) << 20  # smaller runs sooner; MB/s barely moves


def lcg_bytes(n):
    x, out = 12345, bytearray(n)
    for i in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = x >> 24
    return bytes(out)


def file_body(data):
    return (b"--" + B + b'\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--" + B + b"--\r\n")


def bench(name, body):
    best = 1e9
    for _ in range(3):
        count = [0]

        def on_part_data(data, start, end):
            count[0] += end - start

        p = MultipartParser(B, callbacks={"on_part_data": on_part_data})
        t0 = time.perf_counter()
        for i in range(0, len(body), 65536):
            p.write(body[i:i + 65536])
        p.finalize()
        best = min(best, time.perf_counter() - t0)
    print(f"{name:16} {len(body) / best / 1e6:8.1f} MB/s  ({len(body)} bytes)")


near = b"\r\n--" + B[:69] + b"c"
hostile = near * (SIZE // len(near) + 1)
fields, i = b"", 0
parts = []
while sum(map(len, parts)) < SIZE:
    parts.append(b"--" + B + b'\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nvalue\r\n' % i)
    i += 1
fields = b"".join(parts) + b"--" + B + b"--\r\n"
bench("binary_file", file_body(lcg_bytes(SIZE)))
bench("near_delimiters", file_body(hostile[:SIZE]))
bench("small_fields", fields)
