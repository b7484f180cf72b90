// tests/core/test_digest.cpp: core/digest.hpp (SHA-1, base64) and core/utf8.hpp (the incremental UTF-8 validator).
// SHA-1 against FIPS 180 / RFC 3174 vectors and Python's hashlib on seeded random inputs; base64 against Python's
// base64 and its strict decoding; UTF-8 against Python's decoder on edge cases, fed whole and split at every byte.
// The expected values were generated with /usr/bin/python3 (random.Random(18)) when this test was written.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "fastapi/core/digest.hpp"
#include "fastapi/core/utf8.hpp"

namespace fa = fastapi;

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

std::string hex(const fa::detail::Sha1::Digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

struct Vector {
  const char* input_hex;
  const char* sha1_hex;
  const char* base64;
};

constexpr Vector python_vectors[] = {
    {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709", ""},
    {"5c", "08534f33c201a45017b502e90a800f1b708ebcb3", "XA=="},
    {"3ee5", "53d4c85dd0d2f180b8867af6ad20bac2313a434b", "PuU="},
    {"ab7a65", "3e6f3eee674e0d21148c2272489901d26dec2b8b", "q3pl"},
    {"fafc5df597ea8764813ca65978567966bb67fc6e998703afcf70cfb18b8a9b3a90f44afd526169df43d0f5336784adf02dfb4bf44dfa28",
     "89a185110788c87807d5da5aecb917929947c119",
     "+vxd9Zfqh2SBPKZZeFZ5Zrtn/G6ZhwOvz3DPsYuKmzqQ9Er9UmFp30PQ9TNnhK3wLftL9E36KA=="},
    {"7f2fb468c903442cf4cccf5cc5d5428acbb849abad9a40de09d84a53da02ea330483d8cef5f1d44d73585abc98fd1d2fb45b4d6c86275376",
     "948a91c8e4d9efe929480f8d2bf9374dd632955e",
     "fy+0aMkDRCz0zM9cxdVCisu4SautmkDeCdhKU9oC6jMEg9jO9fHUTXNYWryY/R0vtFtNbIYnU3Y="},
    {"429936bf21b7a82d88b157cbd0d1058bde1783cd8c2d6e9153bf45e02d36a785ee2d7026efa1532f70bafbc2ce9de90a6168082acbba21068f",
     "082026d59b4288fcd0745a960ea017b8f878087b",
     "Qpk2vyG3qC2IsVfL0NEFi94Xg82MLW6RU79F4C02p4XuLXAm76FTL3C6+8LOnekKYWgIKsu6IQaP"},
    {"6d7e47a0094275e48d08d95589d446ff7c8cf31fb31ce8959207616e0b55987860d2225a0ee87feb2af9f56a60e3a586dd984464c1a886be6d12204ac8222e",
     "b687d6e0612dcc8cc3acfe0b10ef2e2c91b675b9",
     "bX5HoAlCdeSNCNlVidRG/3yM8x+zHOiVkgdhbgtVmHhg0iJaDuh/6yr59Wpg46WG3ZhEZMGohr5tEiBKyCIu"},
    {"fc84b26cf42324b84daeab07dcb36612936b785d4db0670a1240a54c1c7b52ad9ba4a4aa8491b677f1bcd5d5ba3b8cee4e69fbb876ef9061f44b849dc4b084fb",
     "c09fbc5d2fb1aedcb925ab96be4242cae3052308",
     "/ISybPQjJLhNrqsH3LNmEpNreF1NsGcKEkClTBx7Uq2bpKSqhJG2d/G81dW6O4zuTmn7uHbvkGH0S4SdxLCE+w=="},
    {"9e62960bc775c91737b61cc9d823d5b7f6b066da9ac87c287223dbae85d8b6a0bbb55e905812a10a60c47ca7f837f099a5492898738a71d1d069233ed4a0a2ad69",
     "001855cc8382dbf79e1d66aade694cf376171a36",
     "nmKWC8d1yRc3thzJ2CPVt/awZtqayHwociPbroXYtqC7tV6QWBKhCmDEfKf4N/CZpUkomHOKcdHQaSM+1KCirWk="},
    {"0f2c5354040343c73f456bd1cf70ad47c6dc18c268fda7e8ed1dd32e1580501f8a42ad390d1a0e389aaa8998e94aadc994292077d6234186a37e1408e43ac2ac27d83c8a5e19a116996bd7596047f2ed7b184cb0b98d5bc1e56fb97aa9f2c7b3fd7fdbc74af00bb85069feee9eda783b9c03172cf47ddc",
     "5386a9bc17dd3927096505b16a67fab98697b496",
     "DyxTVAQDQ8c/RWvRz3CtR8bcGMJo/afo7R3TLhWAUB+KQq05DRoOOJqqiZjpSq3JlCkgd9YjQYajfhQI5DrCrCfYPIpeGaEWmWvXWWBH8u17GEywuY1bweVvuXqp8sez/X/bx0rwC7hQaf7untp4O5wDFyz0fdw="},
    {"2cc0ba159517a95db0783041557a59ae15df8ec840f96cbc4f4c2a82d95dbf82c41c662783f391ecd4ebdbe459fdfcb214585fbe8417f360481b55722f8a54220caa7bf07ef006594d99cd0000c2d91367b691de386f9e88dbd38d83ad3e113d15c11c42a9503c353b050083efe92a335eef03d9b7df6b49",
     "5b2fcdbd13c747eb14fb8bb0fc37c822366850ba",
     "LMC6FZUXqV2weDBBVXpZrhXfjshA+Wy8T0wqgtldv4LEHGYng/OR7NTr2+RZ/fyyFFhfvoQX82BIG1VyL4pUIgyqe/B+8AZZTZnNAADC2RNntpHeOG+eiNvTjYOtPhE9FcEcQqlQPDU7BQCD7+kqM17vA9m332tJ"},
    {"d9d0bf627a98084db462e9d1f6621209ac93e23fcb5b0b053ea0970222d535efeb1b0c3a7ac00b204620edaeae40cc39cf2cefc65ebfdb286c59751d1b4a88dd13ee91ae14336813f7440e9927feb8fa43a0aa87ae9d19dfc52422941ba66c9a9ab214964f6819792ef6ed0695c75f837788c6db7b061438b6411007f79d0cc3d20a8c925d2f6ceb2c01952fec6a49f5e3a69c8a80bbae916d4ea7b16cfda4429c20dd21ecdcbe6729907d8a94d232abefcb60835b67ef970da5942b1290db35db68412f6b38c527",
     "4925ad66cf85f8af2af360a81384d7610c88c7ca",
     "2dC/YnqYCE20YunR9mISCayT4j/LWwsFPqCXAiLVNe/rGww6esALIEYg7a6uQMw5zyzvxl6/2yhsWXUdG0qI3RPuka4UM2gT90QOmSf+uPpDoKqHrp0Z38UkIpQbpmyamrIUlk9oGXku9u0Glcdfg3eIxtt7BhQ4tkEQB/edDMPSCoySXS9s6ywBlS/sakn146acioC7rpFtTqexbP2kQpwg3SHs3L5nKZB9ipTSMqvvy2CDW2fvlw2llCsSkNs122hBL2s4xSc="},
};

struct Utf8Case {
  const char* hex;
  bool valid;
};

constexpr Utf8Case utf8_cases[] = {
    {"", true},
    {"68656c6c6f", true},
    {"cebacf8ccf83cebcceb5", true},
    {"c0af", false},
    {"e080af", false},
    {"f08080af", false},
    {"eda080", false},
    {"edbfbf", false},
    {"ed9fbf", true},
    {"f48fbfbf", true},
    {"f4908080", false},
    {"f5808080", false},
    {"ff", false},
    {"fe", false},
    {"80", false},
    {"bf", false},
    {"c2", false},
    {"e282", false},
    {"e282ac", true},
    {"f09f9880", true},
    {"f09f98", false},
    {"c1bf", false},
    {"c280", true},
    {"dfbf", true},
    {"efbfbf", true},
    {"f0908080", true},
    {"ee8080", true},
    {"6162636465666768e282ac696a6b6c6d6e6f70", true},
    {"6162636465666768696a6b6c6d6e6f80", false},
    {"8f80", false},
    {"edc2a0", false},
    {"f48fe0f59ff4a09fef", false},
    {"ed", false},
    {"80ef9ff4f49fc2f580bf", false},
    {"efbf90909f", false},
    {"8080bf", false},
    {"f5", false},
    {"a0e04141", false},
    {"9fe0908ff580f0bfa0", false},
    {"9f9fa0", false},
    {"dfed9fe0f4", false},
    {"dfedf4a09f8f90ed", false},
    {"f4e090f4dfed909fbfa0", false},
    {"9f8fef90ef90", false},
    {"80bf41efc2e0e041f5", false},
    {"eff5e0809080a0bf80bf", false},
    {"f4f4dfed", false},
    {"c2", false},
    {"f0df9ff4a0f58fa0f4edef", false},
    {"f4c2df808fed", false},
    {"f4", false},
    {"bf9fdf8f", false},
    {"41a090ed9fe0f0dfe090c2", false},
    {"efef9fefe0df", false},
    {"f5e090", false},
    {"f4bfef804180a0e0f0", false},
    {"eddfc29ff5418080", false},
    {"c2", false},
    {"80f0ed", false},
    {"41", true},
    {"8f", false},
    {"8fdfc28fed", false},
    {"ef41df41bf", false},
    {"80a0a0f4bf", false},
    {"41f0ed41a0c2a0efe0e0ef", false},
    {"df", false},
    {"a0", false},
    {"f5f080ed", false},
    {"f0c2f4", false},
};

}  // namespace

TEST_CASE("sha1: the FIPS 180 / RFC 3174 test vectors") {
  CHECK(hex(fa::detail::sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(fa::detail::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(hex(fa::detail::sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  fa::detail::Sha1 million;
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(a);
  CHECK(hex(million.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  fa::detail::Sha1 repeated;  // RFC 3174's TEST4: "01234567" x 8, 10 times
  for (int i = 0; i < 80; ++i) repeated.update("01234567");
  CHECK(hex(repeated.finish()) == "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

TEST_CASE("sha1 and base64 agree with Python's hashlib and base64 on random inputs") {
  for (const auto& v : python_vectors) {
    const std::string in = unhex(v.input_hex);
    CAPTURE(in.size());
    CHECK(hex(fa::detail::sha1(in)) == v.sha1_hex);
    CHECK(fa::detail::base64_encode(in) == v.base64);
    auto back = fa::detail::base64_decode(v.base64);
    REQUIRE(back);
    CHECK(*back == in);
    fa::detail::Sha1 pieces;  // fed one byte at a time: the same digest
    for (char c : in) pieces.update(std::string_view(&c, 1));
    CHECK(hex(pieces.finish()) == v.sha1_hex);
  }
}

TEST_CASE("base64: RFC 4648 section 10 vectors; malformed input refused") {
  CHECK(fa::detail::base64_encode("f") == "Zg==");
  CHECK(fa::detail::base64_encode("fo") == "Zm8=");
  CHECK(fa::detail::base64_encode("foo") == "Zm9v");
  CHECK(fa::detail::base64_encode("foob") == "Zm9vYg==");
  CHECK(fa::detail::base64_encode("fooba") == "Zm9vYmE=");
  CHECK(fa::detail::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(fa::detail::base64_decode("")->empty());
  for (std::string_view bad :
       {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Zm9v=", "=Zm9"})
    CHECK_MESSAGE(!fa::detail::base64_decode(bad), bad);
  // unused bits of the last symbol are not checked (as Python's b64decode): "Zh==" reads as "f"
  CHECK(fa::detail::base64_decode("Zh==") == "f");
  CHECK(fa::detail::base64_decode("Zm9=") == "fo");
}

TEST_CASE("utf8: the validator agrees with Python's decoder, whole and split at every byte") {
  for (const auto& c : utf8_cases) {
    const std::string s = unhex(c.hex);
    CAPTURE(std::string(c.hex));
    CHECK(fa::detail::is_valid_utf8(s) == c.valid);
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
      fa::detail::Utf8Validator v;
      const bool fed = v.feed(std::string_view(s).substr(0, cut)) && v.feed(std::string_view(s).substr(cut));
      CHECK((fed && v.complete()) == c.valid);
    }
    fa::detail::Utf8Validator bytes;  // one byte at a time
    bool ok = true;
    for (char ch : s) ok = bytes.feed(std::string_view(&ch, 1)) && ok;
    CHECK((ok && bytes.complete()) == c.valid);
  }
}

TEST_CASE("utf8: every code point round-trips; long ASCII runs with one bad byte anywhere fail") {
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x800 ? 1 : 97)) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    REQUIRE_MESSAGE(fa::detail::is_valid_utf8(s), static_cast<unsigned>(cp));
  }
  for (std::size_t at = 0; at < 40; ++at) {
    std::string s(40, 'a');
    s[at] = '\x80';
    CHECK(!fa::detail::is_valid_utf8(s));
  }
}
