#!/usr/bin/env python3
"""Generates json/idna.hpp's mapping table from Pydantic v2 (run by hand; not in the suite).

For each code point, asks Pydantic's HttpUrl (the Rust url and idna crates: UTS #46, non-transitional) what the
host `a<cp>b` becomes, and keeps the code points whose answer does not depend on their neighbours: valid as they
are, mapped to one other code point (an upper-case letter to its lower case, a full-width letter to ASCII, an
ideographic full stop to '.'), or ignored (a soft hyphen). Left out, so refused by fa::HttpUrl: combining marks
(NFC would join them to the letter before), right-to-left letters (the bidi rules look at the whole domain),
Hangul jamo, the second half of any canonical composition, and whatever maps to several code points.
The table is closed under its mapping: a code point that one of PLANES maps to is emitted as valid too, even outside
PLANES (U+023A maps to U+2C65, U+FFE6 to U+20A9), because fa::HttpUrl's output must parse again ("xn--" labels are
checked against this table); the script fails if any target would still be missing.
Prints the C++ rows of kIdnaRanges: {first, last, delta, kind}. Usage: python3 tests/json/http_url_idna_table.py
"""
import sys
import unicodedata

from pydantic import HttpUrl, TypeAdapter, ValidationError

ADAPTER = TypeAdapter(HttpUrl)
PLANES = [(0x80, 0x2AF), (0x370, 0x52F), (0x2000, 0x206F), (0x2190, 0x2BFF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF),
          (0x1F300, 0x1FAFF)]


def second_halves():
    out = set()
    for cp in range(0x80, 0x30000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = d.split()
            for p in parts[1:]:
                out.add(int(p, 16))
    return out


SECOND = second_halves()


def acceptable(cp):
    c = chr(cp)
    if unicodedata.category(c) in ("Mn", "Mc", "Me", "Cn", "Co", "Cs", "Cc", "Cf", "Zs", "Zl", "Zp"):
        return False
    if unicodedata.bidirectional(c) in ("R", "AL", "AN"):
        return False
    if 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF:
        return False
    return cp not in SECOND


def classify(cp):
    """The code point's target (itself when valid), -1 when ignored, None when refused."""
    try:
        host = ADAPTER.validate_python("http://a" + chr(cp) + "b/").host
    except ValidationError:
        return None
    mapped = ".".join(l[4:].encode().decode("punycode") if l.startswith("xn--") else l for l in host.split("."))
    if mapped == "ab":
        return -1 if unicodedata.category(chr(cp)) in ("Cf", "Mn", "Pd") or cp in (0xAD, 0x34F) else None
    if len(mapped) != 3 or mapped[0] != "a" or mapped[2] != "b":
        return None
    target = ord(mapped[1])
    if not acceptable(cp) and unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me"):
        return None
    if target == cp:
        return cp if acceptable(cp) else None
    if target < 0x80:
        return target if target == 0x2E or chr(target).isalnum() or target == 0x2D else None
    return target if acceptable(target) and classify_cached(target) == target else None


CACHE = {}


def classify_cached(cp):
    if cp not in CACHE:
        CACHE[cp] = classify(cp)
    return CACHE[cp]


def closed_table():
    """{cp: target} for PLANES plus every non-ASCII target outside them (classify checked each is valid as it is)."""
    table = {}
    for lo, hi in PLANES:
        for cp in range(lo, hi + 1):
            t = classify_cached(cp)
            if t is not None:
                table[cp] = t
    for t in [t for cp, t in table.items() if t >= 0x80 and t != cp and t not in table]:
        table[t] = classify_cached(t)
    missing = [cp for cp, t in table.items() if t >= 0x80 and table.get(t) != t]
    if missing:
        sys.exit("targets not valid in the table: " + ", ".join("U+%04X" % cp for cp in missing))
    return table


def main():
    rows = []  # [first, last, delta, kind]  kind 0: cp + delta; 1: pairs (even offset + delta, odd itself); 2: ignored
    table = closed_table()
    for cp in sorted(table):
        t = table[cp]
        if t == -1:
            if rows and rows[-1][3] == 2 and rows[-1][1] == cp - 1:
                rows[-1][1] = cp
            else:
                rows.append([cp, cp, 0, 2])
            continue
        d = t - cp
        if rows and rows[-1][1] == cp - 1:
            r = rows[-1]
            if r[3] == 0 and r[2] == d:
                r[1] = cp
                continue
            if r[3] == 1 and ((cp - r[0]) % 2 == 0 and d == r[2] or (cp - r[0]) % 2 == 1 and d == 0):
                r[1] = cp
                continue
            # an upper-case letter followed by its lower case: start (or grow into) a pair run
            if r[3] == 0 and r[0] == r[1] and r[2] == 1 and d == 0:
                r[3] = 1
                r[1] = cp
                continue
        rows.append([cp, cp, d, 0])
    print("// %d rows" % len(rows), file=sys.stderr)
    line = "   "
    for r in rows:
        cell = " {0x%X, 0x%X, %d, %d}," % tuple(r)
        if len(line) + len(cell) > 118:
            print(line)
            line = "   "
        line += cell
    print(line)


if __name__ == "__main__":
    main()
