// tests/fuzz/fuzz_form_data.cpp: libFuzzer target for params/form_data.hpp with http/upload.hpp: a multipart body
// read into fields and UploadFiles (spooled to a temporary file past 16 bytes) must hold exactly the parts the
// parser hands out, in order, each file's size and bytes equal to its data, whether it stayed in memory or not;
// a refused body is an HTTPException with the parser's status, never anything else. The input's first line is
// the Content-Type, the rest the body. Build and run with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/params/form_data.hpp"
#include "fuzz_target.hpp"

namespace fuzz_form_data {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_form_data invariant broken: %s\n", what);
    std::abort();
  }
}

/// The parts as the parser hands them out: (name, data), fields and files apart.
struct Parts final : fa::MultipartHandler {
  std::vector<std::pair<std::string, std::string>> fields, files;
  std::vector<std::pair<std::string, std::string>>* current = nullptr;
  void on_part_begin(const fa::MultipartPart& p) override {
    current = p.is_file() ? &files : &fields;
    current->emplace_back(p.name, std::string());
  }
  void on_part_data(std::string_view c) override { current->back().second.append(c); }
  void on_part_end() override {}
  void on_body_end() override {}
};

}  // namespace fuzz_form_data

FASTAPI_FUZZ_TARGET(form_data, bytes, size) {
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos || nl > 200) return 0;
  std::string type(in.substr(0, nl));
  std::string body(in.substr(nl + 1));
  fa::MultipartLimits limits{.max_fields = 4,
                             .max_files = 3,
                             .max_part_header_bytes = 256,
                             .max_part_headers = 6,
                             .max_field_bytes = 64,
                             .max_body_bytes = 4096,
                             .spool_max_size = 16};

  fa::MultipartParser parser(type, limits);
  Parts expected;
  bool ok = parser.feed(body, expected) != fa::MultipartParser::Result::error &&
            parser.finish() == fa::MultipartParser::Result::complete;

  fa::Request req;
  std::string header_line = "Content-Type";
  req.headers.add(header_line, type);
  req.body = body;
  fa::detail::FormData form(limits.spool_max_size);
  try {
    fa::detail::read_multipart_now(req, limits, form);
    require(ok, "a body the parser refuses was read");
  } catch (const fa::HTTPException& e) {
    require(!ok, "a body the parser accepts was refused");
    require(e.status_code == parser.error().status(), "the status is not the parser's");
    return 0;
  }
  require(form.fields.size() == expected.fields.size(), "field count");
  for (std::size_t i = 0; i < form.fields.size(); ++i) require(form.fields[i] == expected.fields[i], "a field differs");
  require(form.files.size() == expected.files.size(), "file count");
  for (std::size_t i = 0; i < form.files.size(); ++i) {
    const auto& [name, file] = form.files[i];
    require(name == expected.files[i].first, "a file's name differs");
    require(file.size == expected.files[i].second.size(), "a file's size differs");
    require(file.in_memory() == (file.size <= limits.spool_max_size), "spooled at the wrong size");
    require(fa::detail::upload_bytes(file) == expected.files[i].second, "a file's bytes differ");
  }
  return 0;
}
