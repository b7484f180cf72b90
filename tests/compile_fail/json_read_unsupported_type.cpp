// expect: read_json cannot read this type
// tests/compile_fail/json_read_unsupported_type.cpp: must not compile; a member type the reader does not know (std::list) is refused in words.
#include <list>
#include <string_view>

#include "fastapi/json/read.hpp"

struct Basket {
  std::list<int> items;
};

int main() { (void)fastapi::read_json<Basket>(std::string_view("{}")); }
