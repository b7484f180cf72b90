// expect: write_json cannot write this type
// tests/compile_fail/json_write_unsupported_type.cpp: must not compile; a pointer member has no JSON form.
#include <string>

#include "fastapi/json/write.hpp"

struct Node {
  int* next;
};

int main() { (void)fastapi::to_json_string(Node{nullptr}); }
