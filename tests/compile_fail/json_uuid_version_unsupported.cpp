// expect: fa::UUIDv<V> checks versions 1, 3, 4, 5, 6, 7 and 8
// misuse: `fa::UUIDv<2>`
// fix: use a version Pydantic has a type for (1, 3, 4, 5, 6, 7 or 8), or `fa::UUID` for any version.
// tests/compile_fail/json_uuid_version_unsupported.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/json/uuid.hpp"

namespace fa = fastapi;

struct Order {
  fa::UUIDv<2> id;  // DCE security UUIDs: Pydantic has no UUID2 type
};

int main() {
  Order order{};
  return order.id.version();
}
