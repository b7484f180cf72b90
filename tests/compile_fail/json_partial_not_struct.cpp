// expect: fa::Partial<T> needs a plain struct T
// misuse: `fa::Partial` of something that is not a struct
// fix: use `fa::Partial<T>` with the model struct `T` whose members a PATCH body may leave out: `fa::Partial<Item>`.
// tests/compile_fail/json_partial_not_struct.cpp: must not compile; fa::Partial of something that is not a struct is refused in words.
#include <string_view>

#include "fastapi/json/read.hpp"

int main() { (void)fastapi::read_json<fastapi::Partial<int>>(std::string_view("{}")); }
