// expect: read_json cannot read this type
// misuse: A model member type `read_json` cannot read (`std::list`)
// fix: use a type of the message's list, here `std::vector<int> items;`, or teach the reader your type with a `fa::Scalar<T>` specialization.
// tests/compile_fail/json_read_unsupported_type.cpp: must not compile; a member type the reader does not know (std::list) is refused in words.
#include <list>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Basket {
  std::list<int> items;
};

int main() { (void)fastapi::read_json<Basket>(std::string_view("{}")); }
