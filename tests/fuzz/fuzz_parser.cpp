// tests/fuzz/fuzz_parser.cpp: libFuzzer target for http/request_parser.hpp and http/chunked.hpp.
// Differential: the head is parsed in one shot and again in pieces (in a buffer that moves between calls);
// both must agree, every view must point into the buffer, and a chunked body must decode the same whole
// and byte by byte.
// Build and run with tests/fuzz/run.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fastapi/http/chunked.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/request_parser.hpp"
#include "fuzz_target.hpp"

namespace fuzz_parser {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_parser invariant broken: %s\n", what);
    std::abort();
  }
}

bool inside(std::string_view part, std::string_view buffer) {
  return part.empty() || (part.data() >= buffer.data() && part.data() + part.size() <= buffer.data() + buffer.size());
}

/// Reads every byte of a view, so that ASan sees a dangling one.
void touch(std::string_view part) {
  volatile char sink = 0;
  for (char c : part) sink = static_cast<char>(sink ^ c);
}

struct Outcome {
  fa::RequestParser::Result result;
  int status = 0;
  std::size_t head_size = 0;
};

Outcome parse_whole(std::string_view data, fa::HeadLimits limits, fa::Request& req) {
  fa::RequestParser p(limits);
  Outcome o{p.parse_head(data, req)};
  o.status = p.error().status;
  o.head_size = p.head_size();
  return o;
}

/// Feeds growing prefixes, each in a freshly allocated copy, cut at pseudo-random points.
Outcome parse_pieces(std::string_view data, fa::HeadLimits limits, fa::Request& req, std::string& buffer) {
  fa::RequestParser p(limits);
  std::uint32_t seed = static_cast<std::uint32_t>(data.size()) * 2654435761u + 1;
  std::size_t have = 0;
  fa::RequestParser::Result r = fa::RequestParser::Result::incomplete;
  while (r == fa::RequestParser::Result::incomplete && have < data.size()) {
    seed = seed * 1103515245u + 12345u;
    have = std::min(data.size(), have + 1 + (seed >> 16) % 17);
    std::string next(data.substr(0, have));
    buffer.swap(next);
    r = p.parse_head(buffer, req);
  }
  return {r, p.error().status, p.head_size()};
}

void check_request(const fa::Request& req, std::string_view buffer, std::size_t head_size) {
  require(head_size <= buffer.size(), "head_size beyond the buffer");
  require(inside(req.method_name, buffer) && !req.method_name.empty(), "method view");
  require(inside(req.target, buffer) && !req.target.empty(), "target view");
  require(inside(req.query_string, buffer), "query view");
  require(req.raw_path == "/" || inside(req.raw_path, buffer), "raw_path view");
  touch(req.path);  // decoded paths live in the arena
  // A byte-by-byte oracle for what the word-at-a-time scanners accepted.
  for (char c : req.method_name) require(fa::detail::is_tchar(c), "method byte");
  for (char c : req.target) require(c > 0x20 && c < 0x7F && c != '#', "target byte");
  for (const auto& f : req.headers) {
    for (char c : f.name) require(fa::detail::is_tchar(c), "header name byte");
    for (char c : f.value)
      require(c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F), "header value byte");
    if (!f.value.empty())
      require(!fa::detail::is_ows(f.value.front()) && !fa::detail::is_ows(f.value.back()), "value not trimmed");
  }
  for (const auto& f : req.headers) {
    require(inside(f.name, buffer) && !f.name.empty(), "header name view");
    require(inside(f.value, buffer), "header value view");
    require(f.name.data() + f.name.size() <= buffer.data() + head_size, "header inside the head");
  }
  for (const auto& q : req.query) {
    touch(q.key);
    touch(q.value);
  }
  require(req.version_minor == 0 || req.version_minor == 1, "version");
  require(!(req.chunked && req.content_length), "chunked and content-length");
}

void check_chunked(std::string_view body) {
  std::string whole, pieces;
  std::size_t used_whole = 0;
  fa::ChunkedDecoder a(4096, 512), b(4096, 512);
  auto ra = a.feed(body, whole, used_whole);
  require(used_whole <= body.size(), "consumed beyond input");
  fa::ChunkedDecoder::Result rb = fa::ChunkedDecoder::Result::incomplete;
  std::size_t used_pieces = 0;
  for (std::size_t i = 0; i < body.size() && rb == fa::ChunkedDecoder::Result::incomplete; ++i) {
    std::size_t used = 0;
    rb = b.feed(body.substr(i, 1), pieces, used);
    used_pieces += used;
  }
  require(ra == rb, "chunked: whole and byte-by-byte results differ");
  if (ra == fa::ChunkedDecoder::Result::error) require(a.error().status == b.error().status, "chunked status");
  if (ra != fa::ChunkedDecoder::Result::error) require(whole == pieces, "chunked bodies differ");
  if (ra == fa::ChunkedDecoder::Result::complete) require(used_whole == used_pieces, "chunked consumed differs");
  require(whole.size() <= 4096, "max_body exceeded");
}

}  // namespace fuzz_parser

FASTAPI_FUZZ_TARGET(parser, bytes, size) {
  if (size < 1) return 0;
  // First byte: bit 0 picks small limits, bit 1 also decodes the input as a chunked body.
  fa::HeadLimits limits;
  if (bytes[0] & 1)
    limits = {
        .max_request_line = 40u + bytes[0], .max_header_bytes = 120u + 2u * bytes[0], .max_headers = 1u + bytes[0] % 8};
  std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  if (bytes[0] & 2) check_chunked(data);  // the whole input as a chunked body too

  fa::detail::Arena arena_a, arena_b;
  fa::Request a, b;
  a.arena = &arena_a;
  b.arena = &arena_b;
  std::string buffer;
  Outcome one = parse_whole(data, limits, a);
  Outcome two = parse_pieces(data, limits, b, buffer);
  require(one.result == two.result, "one-shot and piecewise results differ");
  if (one.result == fa::RequestParser::Result::error) {
    require(one.status == two.status, "one-shot and piecewise statuses differ");
    require(one.status >= 400 && one.status <= 505, "status range");
  }
  if (one.result != fa::RequestParser::Result::complete) return 0;
  require(one.head_size == two.head_size, "head sizes differ");
  check_request(a, data, one.head_size);
  check_request(b, buffer, two.head_size);
  require(a.headers.size() == b.headers.size(), "header counts differ");
  for (std::size_t i = 0; i < a.headers.size(); ++i)
    require(a.headers[i].name == b.headers[i].name && a.headers[i].value == b.headers[i].value, "headers differ");
  require(a.path == b.path && a.query_string == b.query_string && a.query.size() == b.query.size(), "targets differ");
  require(a.keep_alive == b.keep_alive && a.chunked == b.chunked && a.content_length == b.content_length &&
              a.expect_continue == b.expect_continue,
          "framing differs");
  if (a.chunked) check_chunked(data.substr(one.head_size));
  return 0;
}
