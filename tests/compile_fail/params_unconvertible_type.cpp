// expect: a Path/Query/Header/Cookie/Form value must be
// misuse: A query parameter whose type is a struct
// fix: a `fa::Query` (and `fa::Path`, `fa::Header`, `fa::Cookie`, `fa::Form`) holds a value read from a text: bool, a number, `std::string`, an enum, a scalar such as `fa::UUID`, or a `std::optional` / `std::vector` of one; a struct is read from the JSON body: `[](Item item) { ... }`.
// tests/compile_fail/params_unconvertible_type.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
struct Item {
  std::string name;
};

int main() {
  fa::App app;
  app.get("/", [](fa::Query<"q", Item> q) { return q->name; });
}
