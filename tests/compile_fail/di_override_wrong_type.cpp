// expect: a dependency override must give the same type as the dependency it replaces
// misuse: A dependency override that gives another type
// fix: give the type the dependency gives (`T`, `fa::Task<T>` or `fa::Yield<T>` for the same `T`): `app.dependency_overrides<get_db>([] { return Db{"fake"}; });`.
// tests/compile_fail/di_override_wrong_type.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
struct Db {
  std::string name;
};
fa::Yield<Db> get_db() {
  Db db{"real"};
  co_yield db;
}

int main() {
  fa::App app;
  app.get("/", [](fa::Depends<get_db> db) { return db->name; });
  app.dependency_overrides<get_db>([] { return std::string("fake"); });  // a string is not a Db
}
