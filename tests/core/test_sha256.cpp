// tests/core/test_sha256.cpp: detail::Sha256 (core/digest.hpp) against the NIST FIPS 180-4 example vectors,
// fed whole and split at every point, and detail::hex.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "fastapi/core/digest.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_sha256_file {

namespace d = fastapi::detail;

TEST_CASE("sha256: the NIST FIPS 180-4 vectors, and one million 'a'") {
  CHECK(d::hex(d::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(d::hex(d::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(d::hex(d::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(d::hex(
            d::sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                      "mnopqrstnopqrstu")) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  d::Sha256 h;
  std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(a);
  CHECK(d::hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: any split of the input gives the same digest (Python's hashlib for the reference)") {
  std::string data;
  for (int r = 0; r < 40; ++r)
    for (int b = 0; b < 256; ++b) data += static_cast<char>(b);
  const std::string expected = "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0";
  CHECK(d::hex(d::sha256(data)) == expected);
  for (std::size_t cut = 0; cut <= 200; cut += 7) {
    d::Sha256 h;
    std::string_view v = data;
    h.update(v.substr(0, cut));
    h.update(v.substr(cut, 63));
    h.update(v.substr(std::min(v.size(), cut + 63)));
    CHECK(d::hex(h.finish()) == expected);
  }
}

}  // namespace test_sha256_file
