"""Draws the kernelspec logos (a white "C" on the course's blue) as PNG.
Run once; the PNGs are committed. Pure standard library."""
import math, struct, zlib, sys, os

def png(size):
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            dx, dy = x - c, y - c
            r = math.hypot(dx, dy)
            # rounded square background
            q = max(abs(dx), abs(dy))
            corner = size * 0.18
            inside = q <= c and (abs(dx) <= c - corner or abs(dy) <= c - corner or
                                 math.hypot(abs(dx) - (c - corner), abs(dy) - (c - corner)) <= corner)
            ang = math.degrees(math.atan2(dy, dx))
            ring = size * 0.22 <= r <= size * 0.36 and not (-40 <= ang <= 40)
            if not inside:
                row += bytes((0, 0, 0, 0))
            elif ring:
                row += bytes((255, 255, 255, 255))
            else:
                row += bytes((31, 119, 180, 255))
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

here = os.path.dirname(os.path.abspath(__file__))
for s in (32, 64):
    with open(os.path.join(here, f"logo-{s}x{s}.png"), "wb") as f:
        f.write(png(s))
