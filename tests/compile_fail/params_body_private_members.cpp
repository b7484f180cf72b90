// expect: fastapi: T is not a plain aggregate (it has a user-declared constructor, private or protected data members, or virtual functions)
// misuse: A body class with private members
// fix: make the body a plain struct with public data members and no constructor: `struct Item { std::string name; };`.
// tests/compile_fail/params_body_private_members.cpp: must not compile; the static_assert above is the sentence the user reads.
// Before issue 16 the user read only "this handler parameter cannot be bound"; reflect.hpp's reason was never reached.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

class Item {
  std::string name_;

 public:
  const std::string& name() const { return name_; }
};

int main() {
  fa::App app;
  app.post("/items", [](Item item) { return item.name(); });
}
