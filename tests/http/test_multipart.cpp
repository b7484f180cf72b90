// tests/http/test_multipart.cpp: the streaming multipart/form-data parser (http/multipart.hpp): the boundary
// from the Content-Type, parts whole, split at every point and byte by byte, every truncation, a body captured
// from curl 7.88 `-F`, filenames kept as data, every error, every limit, and a linear boundary search.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "fastapi/http/multipart.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_multipart_file {

namespace fa = fastapi;
using namespace std::string_view_literals;
using MR = fa::MultipartParser::Result;
using K = fa::MultipartErrorKind;

namespace {

/// Writes every event as text: `[name|filename|type]data...;` for a part, `$` for the body's end.
struct Recorder final : fa::MultipartHandler {
  std::string log;
  std::size_t data_calls = 0;
  void on_part_begin(const fa::MultipartPart& p) override {
    log += "[" + p.name + "|" + (p.filename ? "f:" + *p.filename : std::string("-")) + "|" + p.content_type + "]";
  }
  void on_part_data(std::string_view chunk) override {
    REQUIRE(!chunk.empty());
    ++data_calls;
    log += chunk;
  }
  void on_part_end() override { log += ";"; }
  void on_body_end() override { log += "$"; }
};

struct Parsed {
  MR result;
  std::string log;
  K kind = K::none;
};

constexpr std::string_view ct = "multipart/form-data; boundary=XyZ";

/// Feeds `body` in pieces of `step` bytes (0: whole), then finish().
Parsed parse(std::string_view body, std::size_t step = 0, fa::MultipartLimits limits = {}, std::string_view type = ct) {
  fa::MultipartParser p(type, limits);
  Recorder r;
  MR res = MR::incomplete;
  if (step == 0) step = body.size() ? body.size() : 1;
  for (std::size_t i = 0; i < body.size() && res != MR::error; i += step) res = p.feed(body.substr(i, step), r);
  if (res != MR::error) res = p.finish();
  return {res, r.log, p.error().kind};
}

constexpr std::string_view two_parts = "--XyZ\r\n"
                                       "Content-Disposition: form-data; name=\"note\"\r\n"
                                       "\r\n"
                                       "hi there\r\n"
                                       "--XyZ\r\n"
                                       "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                                       "Content-Type: application/octet-stream\r\n"
                                       "\r\n"
                                       "line1\r\n--XyY\r\n\r--Xy\r\n"
                                       "--XyZ--\r\n";
constexpr std::string_view two_parts_log =
    "[note|-|text/plain]hi there;[file|f:a.txt|application/octet-stream]line1\r\n--XyY\r\n\r--Xy;$";

// Captured at test-writing time: curl 7.88.1 `-F note=hi -F 'file=@up.txt;filename=a"b\c/é.txt;type=...'`
// against a Python http.server on 127.0.0.1 (the file holds "hello\r\n--world\n").
constexpr std::string_view curl_type = "multipart/form-data; boundary=------------------------89f4600300c512a2";
constexpr std::string_view curl_body =
    "--------------------------89f4600300c512a2\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
    "--------------------------89f4600300c512a2\r\nContent-Disposition: form-data; name=\"file\"; "
    "filename=\"a%22b\\\\c/\xc3\xa9.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nhello\r\n--world\n\r\n"
    "--------------------------89f4600300c512a2--\r\n";
constexpr std::string_view curl_log =
    "[note|-|text/plain]hi;[file|f:a%22b\\c/\xc3\xa9.txt|application/octet-stream]hello\r\n--world\n;$";

}  // namespace

TEST_CASE("multipart: boundary from the Content-Type") {
  fa::MultipartError e;
  CHECK(fa::multipart_boundary("multipart/form-data; boundary=abc", e) == "abc");
  CHECK(fa::multipart_boundary("Multipart/Form-Data;BOUNDARY=abc", e) == "abc");
  CHECK(fa::multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"a b:c\"", e) == "a b:c");
  CHECK(fa::multipart_boundary("multipart/form-data; boundary=\"a\\\"b\"", e) == std::nullopt);  // '"' is no bchar
  CHECK(fa::multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'a'), e) == std::string(70, 'a'));
  for (std::string bad :
       {"multipart/form-data; boundary=" + std::string(71, 'a'), std::string("multipart/form-data"),
        std::string("multipart/form-data; boundary="), std::string("multipart/form-data; boundary=\"\""),
        std::string("multipart/form-data; boundary=\"ab \""), std::string("multipart/form-data; boundary=a;b"),
        std::string("multipart/mixed; boundary=abc"), std::string("application/json"),
        std::string("multipart/form-data; boundary=\"abc"), std::string("multipart/form-data; boundary=a\x01")}) {
    CAPTURE(bad);
    fa::MultipartError err;
    CHECK(fa::multipart_boundary(bad, err) == std::nullopt);
    CHECK(err.kind == K::bad_boundary);
    CHECK(err.status() == 400);
    CHECK(!err.message.empty());
  }
  fa::MultipartParser p("text/plain", {});
  Recorder r;
  CHECK(p.feed("x", r) == MR::error);
  CHECK(p.error().kind == K::bad_boundary);
}

TEST_CASE("multipart: two parts, whole, byte by byte and split at every point") {
  Parsed whole = parse(two_parts);
  CHECK(whole.result == MR::complete);
  CHECK(whole.log == two_parts_log);
  CHECK(parse(two_parts, 1).log == two_parts_log);
  for (std::size_t cut = 0; cut <= two_parts.size(); ++cut) {
    fa::MultipartParser p(ct);
    Recorder r;
    CAPTURE(cut);
    REQUIRE(p.feed(two_parts.substr(0, cut), r) != MR::error);
    REQUIRE(p.feed(two_parts.substr(cut), r) == MR::complete);
    CHECK(p.finish() == MR::complete);
    CHECK(r.log == two_parts_log);
  }
}

TEST_CASE("multipart: every truncation is an error at the end of input, never a short success") {
  std::size_t end = two_parts.find("--XyZ--") + 7;
  for (std::size_t cut = 0; cut < two_parts.size(); ++cut) {
    CAPTURE(cut);
    Parsed p = parse(two_parts.substr(0, cut));
    if (cut < end) {
      CHECK(p.result == MR::error);
      CHECK(p.kind == K::truncated);
    } else {
      CHECK(p.result == MR::complete);
    }
    CHECK(parse(two_parts.substr(0, cut), 1).log == p.log);
  }
}

TEST_CASE("multipart: a body from curl -F, whole and byte by byte; the filename is data") {
  CHECK(parse(curl_body, 0, {}, curl_type).log == curl_log);
  CHECK(parse(curl_body, 1, {}, curl_type).log == curl_log);
  CHECK(parse(curl_body, 7, {}, curl_type).result == MR::complete);
}

TEST_CASE("multipart: preamble, epilogue, transport padding, CRLF before the first boundary") {
  std::string_view part = "Content-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ--";
  CHECK(parse("preamble text\r\nmore\r\n--XyZ\r\n" + std::string(part) + "\r\nepilogue --XyZ\r\n garbage").log ==
        "[a|-|text/plain]v;$");
  CHECK(parse("\r\n--XyZ\r\n" + std::string(part)).log == "[a|-|text/plain]v;$");
  CHECK(parse("--XyZ \t \r\n" + std::string(part)).log == "[a|-|text/plain]v;$");
  CHECK(parse("--XyZ--").result == MR::complete);  // no parts at all
  CHECK(parse("--XyZ--").log == "$");
  // A boundary that is only a prefix of a longer line is data: RFC 2046 forbids it in data, we keep it as data.
  CHECK(parse("--XyZ\r\n" + std::string(part)).log == "[a|-|text/plain]v;$");
  Parsed bad = parse("--XyZx\r\n" + std::string(part));
  CHECK(bad.result == MR::error);
  CHECK(bad.kind == K::malformed);
  CHECK(parse("--XyZ-x\r\n" + std::string(part)).kind == K::malformed);
  CHECK(parse("--XyZ\rx" + std::string(part)).kind == K::malformed);
  CHECK(parse("--XyZ \n" + std::string(part)).kind == K::malformed);
  CHECK(parse("no boundary at all").kind == K::truncated);
  CHECK(parse("").kind == K::truncated);
}

TEST_CASE("multipart: Content-Disposition parameters, escapes, filename* and other headers") {
  auto one = [](std::string_view headers) {
    return parse("--XyZ\r\n" + std::string(headers) + "\r\n\r\nD\r\n--XyZ--");
  };
  CHECK(one("content-disposition: FORM-DATA; NAME=\"n\"; filename=\"q\\\"uo\\\\te\"").log ==
        "[n|f:q\"uo\\te|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename=\"../../etc/passwd\"").log ==
        "[n|f:../../etc/passwd|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename=\"C:\\\\dir\\\\x.txt\"").log ==
        "[n|f:C:\\dir\\x.txt|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename=\"\"").log == "[n|f:|text/plain]D;$");
  CHECK(
      one("Content-Disposition: form-data; name=\"n\"; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
          .log == "[n|f:\xe2\x82\xac rates.txt|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename*=utf-8''a%2Fb; filename=\"later.txt\"").log ==
        "[n|f:a/b|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename*=iso-8859-1'en'%E9").log ==
        "[n|f:\xc3\xa9|text/plain]D;$");
  // An undecodable filename* falls back to filename.
  CHECK(one("Content-Disposition: form-data; name=\"n\"; filename=\"x\"; filename*=UTF-8''%G1").log ==
        "[n|f:x|text/plain]D;$");
  CHECK(one("Content-Disposition: form-data; name=\"\xc3\xa9t\xc3\xa9\";").log ==
        "[\xc3\xa9t\xc3\xa9|-|text/plain]D;$");
  CHECK(one("Content-Type: image/png\r\nContent-Disposition: form-data; name=img; filename=p.png").log ==
        "[img|f:p.png|image/png]D;$");

  struct Headers final : fa::MultipartHandler {
    fa::MultipartPart seen;
    void on_part_begin(const fa::MultipartPart& p) override { seen = p; }
    void on_part_data(std::string_view) override {}
    void on_part_end() override {}
    void on_body_end() override {}
  } h;
  fa::MultipartParser p(ct);
  CHECK(p.feed("--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Thing:  v1 \r\nx-thing: v2\r\n\r\n\r\n--XyZ--",
               h) == MR::complete);
  REQUIRE(h.seen.headers.size() == 3);
  CHECK(h.seen.headers[1] == std::pair<std::string, std::string>("X-Thing", "v1"));
  CHECK(*h.seen.header("X-THING") == "v1");
  CHECK(h.seen.header("missing") == nullptr);
}

TEST_CASE("multipart: malformed parts") {
  auto one = [](std::string_view headers) {
    return parse("--XyZ\r\n" + std::string(headers) + "\r\n\r\nD\r\n--XyZ--").kind;
  };
  CHECK(one("Content-Type: text/plain") == K::missing_disposition);
  CHECK(one("") == K::missing_disposition);
  CHECK(one("Content-Disposition: form-data") == K::missing_name);
  CHECK(one("Content-Disposition: form-data; filename=\"a\"") == K::missing_name);
  CHECK(one("Content-Disposition: attachment; name=a") == K::not_form_data);
  CHECK(one("Content-Disposition: form-data; name=\"a") == K::malformed);
  CHECK(one("Content-Disposition: form-data; name") == K::malformed);
  CHECK(one("Content-Disposition: form-data; name=a b") == K::malformed);
  CHECK(one("no colon here") == K::malformed);
  CHECK(one(": empty name") == K::malformed);
  CHECK(one("Bad Name: x\r\nContent-Disposition: form-data; name=a") == K::malformed);
  CHECK(one("Content-Disposition: form-data; name=a\r\n folded") == K::malformed);
  CHECK(one("X: a\x01") == K::malformed);
  CHECK(parse("--XyZ\r\nContent-Disposition: form-data; name=a\n\r\nD\r\n--XyZ--").kind == K::malformed);
  CHECK(parse("--XyZ\r\nContent-Disposition: form-data; name=a\rX\r\n\r\nD\r\n--XyZ--").kind == K::malformed);
}

TEST_CASE("multipart: limits") {
  auto field = [](int i) {
    return "--XyZ\r\nContent-Disposition: form-data; name=f" + std::to_string(i) + "\r\n\r\nv\r\n";
  };
  auto file = [](int i) {
    return "--XyZ\r\nContent-Disposition: form-data; name=u; filename=f" + std::to_string(i) + "\r\n\r\nv\r\n";
  };
  std::string three_fields, three_files;
  for (int i = 0; i < 3; ++i) three_fields += field(i), three_files += file(i);
  fa::MultipartLimits two{.max_fields = 2, .max_files = 2};
  CHECK(parse(three_fields + "--XyZ--", 0, two).kind == K::too_many_fields);
  CHECK(parse(three_files + "--XyZ--", 0, two).kind == K::too_many_files);
  CHECK(parse(field(0) + field(1) + file(0) + file(1) + "--XyZ--", 0, two).result == MR::complete);
  Parsed many = parse(three_fields + "--XyZ--", 0, {.max_fields = 2});
  CHECK(many.log == "[f0|-|text/plain]v;[f1|-|text/plain]v;");  // stopped before the third part begins

  std::string big(100, 'x');
  std::string field_body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n" + big + "\r\n--XyZ--";
  std::string file_body = "--XyZ\r\nContent-Disposition: form-data; name=a; filename=b\r\n\r\n" + big + "\r\n--XyZ--";
  CHECK(parse(field_body, 0, {.max_field_bytes = 100}).result == MR::complete);
  CHECK(parse(field_body, 0, {.max_field_bytes = 99}).kind == K::field_too_large);
  CHECK(parse(field_body, 1, {.max_field_bytes = 99}).kind == K::field_too_large);
  CHECK(parse(file_body, 0, {.max_field_bytes = 10}).result == MR::complete);  // files are not fields

  std::string header_body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX: " + big + "\r\n\r\nv\r\n--XyZ--";
  CHECK(parse(header_body, 0, {.max_part_header_bytes = 150}).result == MR::complete);
  CHECK(parse(header_body, 0, {.max_part_header_bytes = 100}).kind == K::header_too_large);
  std::string lines = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n";
  for (int i = 0; i < 5; ++i) lines += "X: y\r\n";
  lines += "\r\nv\r\n--XyZ--";
  CHECK(parse(lines, 0, {.max_part_headers = 6}).result == MR::complete);
  CHECK(parse(lines, 0, {.max_part_headers = 5}).kind == K::too_many_headers);
  // An endless header line with no CRLF stops at the limit too.
  CHECK(parse("--XyZ\r\n" + std::string(1 << 16, 'a'), 0, {}).kind == K::header_too_large);

  Parsed body = parse(field_body, 0, {.max_body_bytes = field_body.size() - 1});
  CHECK(body.kind == K::body_too_large);
  CHECK(parse(field_body, 3, {.max_body_bytes = field_body.size() - 1}).kind == K::body_too_large);
  CHECK(parse(field_body, 3, {.max_body_bytes = field_body.size()}).result == MR::complete);
  fa::MultipartError e{K::body_too_large, "x"};
  CHECK(e.status() == 413);
}

TEST_CASE("multipart: data is handed out as it arrives, holding back at most a delimiter's prefix") {
  fa::MultipartParser p(ct);
  Recorder r;
  CHECK(p.feed("--XyZ\r\nContent-Disposition: form-data; name=a; filename=b\r\n\r\n", r) == MR::incomplete);
  std::string chunk(1000, 'q');
  CHECK(p.feed(chunk, r) == MR::incomplete);
  CHECK(r.log.size() == std::string("[a|f:b|text/plain]").size() + 1000);  // all of it: no CR, nothing held
  CHECK(p.feed("abc\r\n--X", r) == MR::incomplete);
  CHECK(r.log.substr(r.log.size() - 3) == "abc");  // "\r\n--X" could begin the delimiter: held
  CHECK(p.feed("yQ", r) == MR::incomplete);        // it did not: released with what follows
  CHECK(r.log.substr(r.log.size() - 10) == "abc\r\n--XyQ");
  CHECK(p.feed("\r\n--XyZ--", r) == MR::complete);
  CHECK(r.log.substr(r.log.size() - 10) == "c\r\n--XyQ;$");
}

TEST_CASE("multipart: the boundary search is linear on hostile input") {
  std::string boundary(70, 'b');
  std::string type = "multipart/form-data; boundary=" + boundary;
  std::string head = "--" + boundary + "\r\nContent-Disposition: form-data; name=a; filename=x\r\n\r\n";
  // 4 MiB of near-delimiters: CRLF "--" and all but the last byte of the boundary, again and again.
  std::string near = "\r\n--" + boundary.substr(0, 69) + "c";
  std::string hostile;
  while (hostile.size() < (4u << 20)) hostile += near;
  std::string crs(4u << 20, '\r');
  for (const std::string* filler : {&hostile, &crs}) {
    const std::string& filled = *filler;
    for (std::size_t step : {std::size_t{0}, std::size_t{4096}, std::size_t{73}}) {
      fa::MultipartParser p(type);
      struct Count final : fa::MultipartHandler {
        std::size_t bytes = 0;
        void on_part_begin(const fa::MultipartPart&) override {}
        void on_part_data(std::string_view c) override { bytes += c.size(); }
        void on_part_end() override {}
        void on_body_end() override {}
      } c;
      std::string body = head + filled + "\r\n--" + boundary + "--";
      if (step == 0) step = body.size();
      MR res = MR::incomplete;
      for (std::size_t i = 0; i < body.size(); i += step) res = p.feed(std::string_view(body).substr(i, step), c);
      CHECK(res == MR::complete);
      CHECK(c.bytes == filled.size());
      CHECK(p.compared() <= 2 * body.size());  // each byte compared at most twice: no rescans
    }
  }
}

TEST_CASE("multipart: a parser that failed stays failed") {
  fa::MultipartParser p(ct);
  Recorder r;
  CHECK(p.feed("--XyZ\r\n\r\n", r) == MR::error);
  CHECK(p.feed("--XyZ--", r) == MR::error);
  CHECK(p.finish() == MR::error);
  CHECK(p.error().kind == K::missing_disposition);
}

}  // namespace test_multipart_file
