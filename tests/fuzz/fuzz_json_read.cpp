// tests/fuzz/fuzz_json_read.cpp: libFuzzer target for json/read.hpp: arbitrary bytes into a nested model.
// Must never crash, leak or hang; on success the value must write back and read again to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/json/read.hpp"
#include "fastapi/json/write.hpp"

namespace fa = fastapi;

namespace fuzz_json {
enum class Kind { a, b, c };
struct Leaf {
  fa::Field<std::string, fa::Rule{.max_length = 8}> s;
  std::optional<double> d;
  fa::Default<std::uint8_t> u = 7;
};
struct Node {
  int id;
  Kind kind;
  std::vector<Leaf> leaves;
  std::map<std::string, bool> flags;
  std::optional<fa::Json> any;
  std::vector<Node> children;  // recursive: depth follows the input
};
}  // namespace fuzz_json

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fa::RequestValidationError errors;
  fa::detail::LocPath loc;
  loc.push(std::string_view("body"));
  const auto node = fa::read_json<fuzz_json::Node>(text, errors, loc);
  if (node.has_value() != errors.empty()) std::abort();
  (void)errors.body().dump();
  if (node) {
    const std::string once = fa::to_json_string(*node);
    fa::RequestValidationError again_errors;
    fa::detail::LocPath again_loc;
    const auto again = fa::read_json<fuzz_json::Node>(once, again_errors, again_loc);
    if (!again || fa::to_json_string(*again) != once) std::abort();
  }
  return 0;
}
