#!/usr/bin/env python3
"""Prints Pydantic v2's answers for fa::HttpUrl's test table (run by hand; not in the suite).

Needs pydantic 2 (the reference is 2.13.4). Each line: the input as a C++ string literal, then either the
normalized URL or `!type|msg`, in the shape of tests/json/test_types.cpp's kHttpUrlCases table:
    {"http://example.com", "http://example.com/"},
    {"ftp://x.com", "!url_scheme|URL scheme should be 'http' or 'https'"},
Usage:
  python3 tests/json/http_url_cases.py                  prints the rows
  python3 tests/json/http_url_cases.py --check tests/json/test_types.cpp
      says which rows the table lacks; a row where fa::HttpUrl knowingly differs (a host outside json/idna.hpp's
      table, refused) carries Pydantic's answer in a trailing comment (`// why; Pydantic: "..."`)
  python3 tests/json/http_url_cases.py --driver BINARY [CORPUS_DIR...]  (BINARY: tests/json/http_url_driver.cpp)
      sweeps every code point U+0080-FFFF and the emoji in hosts (as is, in punycode), every ASCII byte in each
      part of a URL, and the files of each CORPUS_DIR (fuzz_url's, build/fuzz-corpus/url), and prints where
      fa::HttpUrl's answer is not Pydantic's; refusing a host as an `invalid international domain name` is counted
      apart (the code points json/idna.hpp leaves out); then parses each URL fa::HttpUrl wrote again, which must
      give it back
"""
import os
import subprocess
import sys
import unicodedata

from pydantic import BaseModel, HttpUrl, ValidationError


class M(BaseModel):
    u: HttpUrl


CASES = [
    "http://example.com", "HTTPS://Example.COM:443/a b?q=1 2#f g", "http://example.com:80/", "http://example.com:8080",
    "https://example.com:443", "https://example.com:80", "http://example.com:443",
    "ftp://x.com", "mailto:a@b.c", "example.com", "http://", "http://:80", "http://exa mple.com",
    "http://[::1]:8000/x", "http://127.0.0.1", "http://user:pa ss@host/p", "http://host:99999", "http://host:abc",
    "http://a..b/", "http://ex_ample.com", "http://bücher.com/ü?ü#ü", "http://host/a/../b/./c", "http://host\\path",
    "  http://host  ", "http://host/%zz", "http://256.1.1.1", "http://1.2.3", "http://[1::2::3]", "",
    "http://host?x", "http://host#", "HTTP://HOST", "http:/host", "http:host", "http://ho%41st/", "http://-host-.com",
    "http://host.:80", "http://a@b@c/", "http://host/p?q=a%20b&r=ü",
    # control characters, tabs and newlines
    "http://ho\tst/", "http://host/a\nb", "\thttp://host/\r\n", "http://host/\x01", "http://ho\x01st/",
    "http://host/\x00", "http://ho\x00st/", "\x00http://host/", "http://host/\x7f", "http://host/?\x7f#\x7f",
    "http://host/a\x1fb", "\x1f http://host \x1f", "ht\ttp://host", "http:\n//host",
    # ports
    "http://host:/", "http://host:", "http://host:0080/", "http://host:65535/", "http://host:65536/",
    "http://host:0/", "http://host:00000000000000000080/", "https://host:0443", "http://host:8a/", "http://host:-1/",
    "http://host:+80/", "http://host: 80/", "http://[::1]:/", "http://[::1]:80",
    # IPv4 forms
    "http://0x7f.1", "http://017.0.0.1", "http://4294967295", "http://4294967296", "http://0x", "http://0x.0",
    "http://1.2.3.4.", "http://1.2.3.4..", "http://1.2.3.4.5", "http://09.1.1.1", "http://0xffffffff",
    "http://0x100000000", "http://1.0x", "http://1.256", "http://1.65536", "http://1.16777216",
    "http://1.2.65536", "http://1.2.3.256", "http://00000000000000000000001", "http://0XFF.0", "http://1.2.3.4a",
    "http://a.1", "http://1.a", "http://1.2.3.08", "http://0", "http://.", "http://..", "http://1..2",
    "http://1.2.3.0x", "http://%31.2.3.4", "http://%30x7f.1", "http://0..0x300/",
    # IPv6
    "http://[1:2:3:4:5:6:7:8]", "http://[1:0:0:0:0:0:0:8]", "http://[0:0:0:0:0:0:0:0]", "http://[1:0:0:2:0:0:0:3]",
    "http://[1:0:2:0:3:0:4:0]", "http://[1:0:0:2:0:0:3:4]", "http://[::ffff:1.2.3.4]", "http://[::1.2.3.4]",
    "http://[1:2:3:4:5:6:1.2.3.4]", "http://[1:2:3:4:5:6:7:1.2.3.4]", "http://[::1.2.3]", "http://[::1.2.3.4.5]",
    "http://[::01.2.3.4]", "http://[::1.2.3.256]", "http://[FFFF::ABCD]", "http://[::]", "http://[:]", "http://[1:]",
    "http://[:1]", "http://[1:2:3:4:5:6:7:8:9]", "http://[12345::]", "http://[0001::]", "http://[::1",
    "http://::1]", "http://[::1]x", "http://[::1]:x", "http://[1::2::3]", "http://[g::]", "http://[::%31]",
    "http://[1:2:3:4:5:6:7::]", "http://[::2:3:4:5:6:7:8]", "http://[1::8]:65535/", "http://[v1.x]",
    "http://[::1.2.3.4x]", "http://[::1.]", "http://[::1.2..3]", "http://[1:2:3:4:5:6::1.2.3.4]",
    # hosts: forbidden code points, percent-encoding, IDNA
    "http://a<b", "http://a>b", "http://a^b", "http://a|b", "http://a%b", "http://a%2", "http://a%25b",
    "http://a%20b", "http://%00/", "http://a%2Fb/", "http://a%2eb/", "http://a%C3%BCb/", "http://a%FFb/",
    "http://a'b/", "http://a\"b/", "http://a{b}/", "http://a`b/", "http://a!$&()*+,;=b/", "http://a~b/",
    "http://münchen.de", "http://MÜNCHEN.de", "http://xn--mnchen-3ya.de", "http://xn--/", "http://xn--a.com",
    "http://日本.jp", "http://ü.ü.ü", "http://a.b.c.ü", "http://ü", "http://ß.de", "http://ΣΑΣ.gr",
    "http://exämple.com:8080/p", "http://\u00a0host", "http://host\u3002com", "http://ab\u200bc",
    "http://" + "a" * 63 + ".com", "http://" + "a" * 64 + ".com", "http://" + ("a" * 60 + ".") * 5 + "com",
    "http://" + "a" * 300, "http://" + "ü" * 30 + ".com", "http://" + "ü" * 70 + ".com", "http://xn--ls8h.la",
    "http://☃.net", "http://@host", "http://:@host", "http://user@host", "http://user:@host", "http://:pw@host",
    "http://u:p@host:81/", "http://u%40:p%3a@host", "http://ü:ü@host", "http://u:p:q@host", "http://a@b:c@d/",
    "http://u\"<>@host", "http://a b@host",
    # paths
    "http://host/a/./b/../../c", "http://host/..", "http://host/../..", "http://host/a/..", "http://host/a/.",
    "http://host/%2e/a", "http://host/%2E%2E/a", "http://host/a/%2e%2E", "http://host/.%2e/", "http://host//a//b",
    "http://host/a\\b\\..\\c", "http://host/\"<>`{}|^", "http://host/ü", "http://host/%C3%BC", "http://host/a?b?c",
    "http://host/a#b#c", "http://host/?'\"<>`", "https://host/?'", "http://host/#\"<>` {}", "http://host/[]",
    "http://host/?[]|^{}", "http://host/~!$&'()*+,;=:@", "http://host/%", "http://host/%2", "http://host/\ud7ff",
    "http://host/a%", "http:\\\\host\\a", "http:/\\host", "http://host?", "http://host/?#", "http://host/;a",
    # schemes and odd forms
    "https://host", "Https://host", "http2://host", "ws://host", "file:///x", "//host/x", "/x", "h ttp://host",
    "1http://host", "http+x://host", "http:", "http:/", "http:///host", "http:////host", "http://?q", "http://#f",
    "http://host:80:80", "javascript:alert(1)", "data:text/plain,x", "http://user@", "http://host/\u0000",
    "ftp://256.1.1.1", "ws://[1::2::3]", "x://[1::2::3]", "x://a b", "file://a b/", "ftp://host:99999",
    "http:///", "http://a:b", "http://a:b@", "http://a:b@c:", "http://a:b@c:d",
    "http://\u00ad/", "http://a\u00adb/", "x://:80", "x://", "x://h:99999", "file://host:80/", "file://h/", "x:/[",
    "http://xn--4db.com", "http://xn--tda.com", "http://XN--TDA.com", "http://xn--mnchen-3yA.de", "http://a.xn--.b",
    "http://xn--ab", "http://aaa.xn--", "http://１.２.３.４", "http://\ufffd/", "http://a\u200db", "http://a%c3b/",
    "http://ü%2e.com", "http://ü:80", "http://ü:xx", "http://[::1]:99999", "http://-ü-.com", "http://ü-", "http://xn--ü",
    "http://Ａ.com", "http://ÄÖÜ.de", "http://Ωmega.gr", "http://МОСКВА.рф", "http://ｶ.jp", "http://한국.kr",
    "http://a😀b", "http://xn--ls8h", "http://ÿŸ.com", "http://ǅ", "http://\u0130", "http://\u00b7",
    "   ", "\t", "\x00", "x://a@", "x://a@:1", "http://xn--a-ecp.ru", "http://xn--ab-fsf", "http://a.b.c:0x50",
    # mapped to a code point outside json/idna.hpp's blocks, which must then be valid too (fuzz_url's http:/,%C8%BAb)
    "http:/,%C8%BAb?ü'2#ü", "http://xn--,b-hs1a/", "http://Ⱥ.com", "http://ⱥ.com", "http://Ⱦ.com",
    "http://a%C8%BEb/", "http://xn--ab-ks1a/", "http://ʹ.com", "http://ʹ.com", "http://￦.com",
    "http://₩.com",
]
# The long rows, checked in code by test_types.cpp: the limit counts the input's UTF-8 bytes, blanks included.
for long_row in ["http://host/" + "a" * 2071, "http://host/" + "a" * 2072, "http://HOST/" + "a" * 2071,
                 "http://host/" + "a" * 2069 + "\u00fc", "http://host/" + "a" * 2070 + "\u00fc", "  http://host/" + "a" * 2071,
                 "http://" + "a" * 2076, "http://ho\tst/" + "a" * 2071]:
    CASES.append(long_row)


def answer(text):
    try:
        return str(M(u=text).u)
    except ValidationError as e:
        err = e.errors()[0]
        return "!" + err["type"] + "|" + err["msg"]


def c_literal(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x7F:
            out.append('\\x%02x""' % o)
        elif o < 0x80 or unicodedata.category(ch)[0] not in "CZ":
            out.append(ch)
        else:
            out.append("\\u%04x" % o)
    lit = "".join(out)
    return '"' + lit.replace('""""', '""') + '"'


def sweep(binary, corpora):
    inputs = []
    for directory in corpora:  # fuzzer-made inputs (valid UTF-8 only: Pydantic sees text), as is and inside a URL
        for name in sorted(os.listdir(directory)):
            try:
                text = open(os.path.join(directory, name), "rb").read().decode("utf-8")
            except UnicodeDecodeError:
                continue
            inputs += [text, "http://" + text, "http://h/" + text, "http://" + text.replace("/", "")[:60] + "/"]
    for cp in list(range(0x80, 0xD800)) + list(range(0xE000, 0x10000)) + list(range(0x1F000, 0x1FB00)):
        c = chr(cp)
        ace = "xn--" + ("a" + c + "b").encode("punycode").decode()
        inputs += ["http://a" + c + "b/", "http://" + c + "/", "http://" + c + "a." + c + "/", "http://" + ace + "/"]
    for cp in range(0, 0x80):
        c = chr(cp)
        inputs += ["http://a" + c + "b/", "http://ü" + c + "/", "http://h/" + c + "?" + c + "#" + c, "http://" + c + "@h/",
                   "http://h:" + c + "/", "x://a" + c + "b/", "http://[::" + c + "]/", "http://1." + c + "/",
                   "http://xn--" + ("a" + c + "\u00fc").encode("punycode").decode() + "/"]
    feed = "".join(t.encode("utf-8").hex() + "\n" for t in inputs).encode()
    out = subprocess.run([binary], input=feed, capture_output=True, check=True).stdout.decode().split("\n")
    if len(out) != len(inputs) + 1:
        print("the driver answered %d of %d inputs" % (len(out) - 1, len(inputs)))
        return 1
    differ = refused = 0
    for text, ours in zip(inputs, out):
        theirs = answer(text)
        if ours == theirs:
            continue
        if ours.endswith("invalid international domain name"):
            refused += 1
            continue
        differ += 1
        print("DIFFER %r pydantic=%r ours=%r" % (text, theirs, ours))
    print("%d inputs, %d differ, %d refused as an invalid international domain name" % (len(inputs), differ, refused))
    # What fa::HttpUrl writes must parse again to itself (a mapped host's "xn--" label is checked against the table).
    written = sorted({o for o in out[:-1] if not o.startswith("!") and len(o.encode()) <= 2083})
    feed = "".join(t.encode("utf-8").hex() + "\n" for t in written).encode()
    again = subprocess.run([binary], input=feed, capture_output=True, check=True).stdout.decode().split("\n")
    unstable = [(t, a) for t, a in zip(written, again) if t != a]
    for t, a in unstable:
        print("UNSTABLE %r parses again as %r" % (t, a))
    print("%d URLs written, %d do not parse again to themselves" % (len(written), len(unstable)))
    return 1 if differ or unstable else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--driver":
        return sweep(sys.argv[2], sys.argv[3:])
    rows = [(c, answer(c)) for c in CASES if len(c) <= 200]  # the long rows are built in code
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        table = open(sys.argv[2], encoding="utf-8").read()
        known = ['{%s, ' % c_literal(r[0]) in table and 'Pydantic: %s' % c_literal(r[1]) in table for r in rows]
        missing = [r for r, k in zip(rows, known)
                   if "{%s, %s}," % (c_literal(r[0]), c_literal(r[1])) not in table and not k]
        for r in missing:
            print("MISSING {%s, %s}," % (c_literal(r[0]), c_literal(r[1])))
        print("%d rows, %d missing" % (len(rows), len(missing)))
        return 1 if missing else 0
    for c, a in rows:
        print("    {%s, %s}," % (c_literal(c), c_literal(a)))
    for c in CASES:
        if len(c) > 200:
            print("    // %d bytes, %r...: %s" % (len(c.encode()), c[:16], answer(c)[:40]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
