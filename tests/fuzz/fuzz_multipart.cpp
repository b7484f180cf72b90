// tests/fuzz/fuzz_multipart.cpp: libFuzzer target for http/multipart.hpp. The input's first line is the
// Content-Type, the rest the body. The body parsed whole, byte by byte and in pieces of a size taken from the
// input must give the same outcome, and the same events when it succeeds; events nest (begin, data, end; then the body's end);
// a field's data stays within its limit; the delimiter comparisons stay linear. Build and run with
// tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fastapi/http/multipart.hpp"
#include "fuzz_target.hpp"

namespace fuzz_multipart {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_multipart invariant broken: %s\n", what);
    std::abort();
  }
}

struct Checker final : fa::MultipartHandler {
  std::string log;
  bool in_part = false, ended = false, file = false;
  std::size_t part_bytes = 0, max_field = 0;
  void on_part_begin(const fa::MultipartPart& p) override {
    require(!in_part && !ended, "a part began inside a part or after the end");
    in_part = true, file = p.is_file(), part_bytes = 0;
    log += "[" + p.name + "|" + (p.filename ? *p.filename : "-") + "|" + p.content_type + "]";
  }
  void on_part_data(std::string_view c) override {
    require(in_part && !c.empty(), "data outside a part, or empty");
    part_bytes += c.size();
    require(file || part_bytes <= max_field, "a field's data passed its limit");
    log += c;
  }
  void on_part_end() override {
    require(in_part, "a part ended that had not begun");
    in_part = false;
    log += ";";
  }
  void on_body_end() override {
    require(!in_part && !ended, "the body ended twice or inside a part");
    ended = true;
    log += "$";
  }
};

std::string run(std::string_view type, std::string_view body, std::size_t step, const fa::MultipartLimits& limits) {
  fa::MultipartParser p(type, limits);
  Checker c;
  c.max_field = limits.max_field_bytes;
  fa::MultipartParser::Result r = fa::MultipartParser::Result::incomplete;
  for (std::size_t i = 0; i < body.size() && r != fa::MultipartParser::Result::error; i += step)
    r = p.feed(body.substr(i, step), c);
  if (r != fa::MultipartParser::Result::error) r = p.finish();
  require(p.compared() <= 2 * body.size() + 80, "the delimiter search is not linear");
  require((r == fa::MultipartParser::Result::complete) == c.ended, "complete without the body's end");
  require((r == fa::MultipartParser::Result::error) == static_cast<bool>(p.error()), "error without a kind");
  // After an error, how much data was handed out before it depends on the split (a field's data is refused
  // chunk by chunk): only the outcome is compared then.
  std::string outcome =
      "#" + std::to_string(static_cast<int>(r)) + ":" + std::to_string(static_cast<int>(p.error().kind));
  return r == fa::MultipartParser::Result::error ? outcome : c.log + outcome;
}

}  // namespace fuzz_multipart

FASTAPI_FUZZ_TARGET(multipart, bytes, size) {
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos || nl > 200) return 0;
  std::string_view type = in.substr(0, nl), body = in.substr(nl + 1);
  fa::MultipartLimits limits{.max_fields = 4,
                             .max_files = 3,
                             .max_part_header_bytes = 256,
                             .max_part_headers = 6,
                             .max_field_bytes = 64,
                             .max_body_bytes = 4096};
  std::string whole = run(type, body, body.empty() ? 1 : body.size(), limits);
  require(run(type, body, 1, limits) == whole, "byte by byte differs from whole");
  std::size_t step = 2 + (body.empty() ? 0 : static_cast<unsigned char>(body[0]) % 13);
  require(run(type, body, step, limits) == whole, "pieces differ from whole");
  return 0;
}
