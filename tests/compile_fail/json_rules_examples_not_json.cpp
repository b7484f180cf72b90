// expect: Rule examples is a JSON array written as text
// misuse: `fa::Rule` examples that are not a JSON array
// fix: write the examples as a JSON array in a raw string: `.examples = R"(["Foo", "Bar"])"`.
// tests/compile_fail/json_rules_examples_not_json.cpp: must not compile; examples that are not a JSON array (here a bare word) are refused at compile time, not when the document is built.
#include <string>

#include "fastapi/json/rules.hpp"

struct Item {
  fastapi::Field<std::string, fastapi::Rule{.examples = "[Foo]"}> name;
};

int main() { return Item{}.name->size() == 0 ? 0 : 1; }
