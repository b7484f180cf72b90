// expect: write_json cannot write this type
// misuse: A model member `write_json` cannot write (a pointer)
// fix: store the value itself, or a `std::optional<T>` for a value that may be absent.
// tests/compile_fail/json_write_unsupported_type.cpp: must not compile; a pointer member has no JSON form.
#include <string>

#include "fastapi/json/write.hpp"

struct Node {
  int* next;
};

int main() { (void)fastapi::to_json_string(Node{nullptr}); }
