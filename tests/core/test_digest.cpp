// tests/core/test_digest.cpp: core/digest.hpp (SHA-1, SHA-256, base64) and core/utf8.hpp (the incremental UTF-8 validator).
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

TEST_CASE("sha256: the FIPS 180 vectors, and Python's hashlib on random inputs fed in every split") {
  using fa::detail::sha256;
  using fa::detail::to_hex;
  CHECK(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  fa::detail::Sha256 million;
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(a);
  CHECK(to_hex(million.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Generated with /usr/bin/python3: random.Random(256), hashlib.sha256.
  struct Vector {
    const char* input_hex;
    const char* sha256_hex;
  };
  static const Vector
      vectors[] =
          {
              {"fa", "aa7225e7d5b0a2552bbb58880b3ec00c286995b801a7aeb69281e76a8b4908de"},
              {"9eddbbc014eadd7c5893a3a5a82993528b19ef11ce6e480c85056144d8bcbae490f427529f82ce723adb0720b115548c3a006f6b75cf7e",
               "d07ae2d5e9806664d1ff09f8e8194b7b3a6e80058659eaf375d51ed4f210a884"},
              {"e163a4db18f697b9f90be2ec01bef4e0090ac537c677048f7423093b5637978284086e9370d933467ee162c6afd176be1db9b9fd8061d3f3",
               "5e529b2892a4aef78d12abe3d3201432f99618e2a195f8c4015ac758716df079"},
              {"1a0737f19a7cb2a610ef855352697af52f4c414a7e555705f261807418f09d354a174155a80195a3126efed1edf6733632755c7caf0fd5329b92eb3def9317",
               "9855f46d1833c402904d106d6fefa29d43483ef3edf76ad9192b9068700921f2"},
              {"09ef480ea7cc5c54c6b1c8fe15b664cbdcdb1271d5d34c492d12640034df91864ec501fcdd9aa7f73eaeea19464361e67b48357dbfc2131fa85b69d2a5f7f8f0",
               "23d758591d64105edf5fa538269b10ed162e9fd8ac17eca4dd3b63eeb6db7700"},
              {"7164123998ad0f843085955bd489fc46ae01e2ad521bdede7b19903e96c5f7bb8d53b976749cd829238f121d7d1645eb922bf7bb04a6cc98240ffad65e9d3a8d66",
               "ce040bb92f0571099801723e02b45477a3ced9fc11f4e6378cd6266baccbf93f"},
              {"40dcd45a99d26759243c1e1b74ff7fdc14a0e51f6925a9ec581ccba3d6ee511da56ba946cb867ec63e3cf677321d8ac59340cfdf1e5defd48542241c195f4fd8b44e9020f01aefad37a502a2b2be27b2596da75bc8dfa8b404015c5ea9d07f01089cbf56b8c53c2c87762bb5707281ade2ca67ed5c91a6",
               "541a9aff7ad97be4699afc7e480bb9e514cccc0ca759860b7bf631e875824dba"},
              {"185c955eae5328b504086b95a1e53272bea6245337af363c79ebaa457c5ef552af4dee7ac687ef9ded79ba590790406f154e8a5566999e304de802db662d9e1b327b63539544956ad6b97aab76a3bd9dab1828e798e72b5dc24e929f5e5e6f01065d84c1c130172850bf2cce01540eeeb98657f8b8d3152d02f299885f7c86",
               "1cce8c069c32c7e7a4b3e540dc75e0100b3c186521901eb633edab67b030368d"},
              {"c8a1ded048cb791c4cc4181fdfa52dc0da484744605d5dec15aafbffd13078f4ba1be37b63302287871264dd0ba38e89550967a6b73c8066f06cef8dd85b07c662acdfd7d7499efcab64489dee19e7519775d088b613c6f8d319d198174735b6fa8c33b5d89fcaab79598f9df769906440789ab3111d7a8699aa2db316e41406",
               "dc82110f4f719039d3ead5a0790eb337401a9fd693b613f4542cb59a2bad14ac"},
              {"64e3b29ee95ad3741b10db34cd8ae8c17dfbdf6067dc06b3c275c47a1dd4049161bdb72aca5d430da0caafa7869c5ce04f41e9f75bf30d0ead9460205b6835891ae3ce07dc9d524670b315c03b58768f7f9816f765e1f0102f25c37c4fec3fc9e49383b340f6575a57ca667ea6e4c379b40585246ae96c047d58404f836f0589f22e507b0398b1020cb36694f821994bf6a08f215874cc9a06ccf71e9463b1ce4e54506a77445b3713084a5a75ec7a84887d4e2bb43cc44c55535ff007a2e625fb599cf17ee9d6f50ad048c45d817beaf3bdb13809260d7b1411957bd6b0798a986910e2bb1a09a06724361cf3dc40fd2c411634dec22c32a6f00a32eaf611c5ae91b28ad96441fcaa28b6f94c64f78071c62662746793aa78802d10b26f23ef0d0d6f3869c39fa83adafa9ffa8f654c51fd8cfad39fbefa7d995c4411548a076c7071e5917801e4af86045e23b1a30e4922255d12421983149cef79c13502b8f4edb3873fb431c8fab39b1c2364e4411f341a78e65f6262ddca46dc6d7e29515f59bf2c87928f4db175360e591a9c15cf5af3e6f292f2c1c9904c5fa089cb93fc482a906f52162ef3016a480c2854cabf1ccfb83017c642a6d9cba79c663b9ce730157eaf8ef10f11edf1b99f01c0cb48e69c93f7464a5d890b7ac7c5f317bc364a8316285918808b7dec9f6b12d8551e9f2cd3f57464b2256baf348f9baef616d11765960cc45676f26aa8ac2ea6c6e1c64b4e60e20642a7ff77755a7dd8d7d96c58bdefce6ae4c286df319bea566e89986e9fbdc9f10689e047ef49f195a6b2c35a2a18641084101529e0ed424a30ff14266df0c22e38bedf216bed4141d085fc60fe4802f167625c5d7625bd1ecd6a19a6019ec2ad0d422ee02e9a93a5a45000639bfaf89cbdd4cbfe52de58353b6a85a294c1d2a2a1a9875f5bf60bbe3545f2bf06a16e4f1dd38069cd9fbd3c0564b6744123c8effd22e316eb9407e9fbc3de93f923f7962e28663dc3b98a15da633cf2253171049a3ccf102e27d3aa0f274c742a20233300d9ea75f057e982fa6d381aac4dfae2fa09f85af1751d30cf6e673f6bfb79e359eadb13c330aeaed3372bdcca016a0b91dc32853f43555c7b88dbbf2135037e85b8ecc1112e4acdcdf7d44f510c160f960579f4d9f555d09400fb5b52cf1a4741e00f439f5fe272406fef29a4baf68bc1a1603421f7dfd232ab55993b054af2d8d202c8cc1e9563700c728a795831dcf71120da04241c26ed05e3ac0f202d3a35cb8f0409bdf3b58ff6d9633a03ce5ba7c2a1794a1ee9219e6d758d289eb3298634092c74a71a642b14506fa3eeac0f7a9d12c94d12039c67b388646896f535227fbf5549a6b0c39be6278da8224bb32bfc8a6652e8c9fcd8b23a54ed5af9d995",
               "33f4fc8e71df61bb35b8c856b25541c7aa31b47e77b11b6e0108db8375316190"},
              {"a89480523c343c48681b240891530d5654d6512bbde398d7eb36a4b587f244b776b4f7882f60e7e490609537b4beeb0fad737ad27dcf487ff6463369de06273208898689059f572cae7b8906617a5c6ddf68bc62d8562d9de638fa855356614a58f0f62412cdd46547c42b5973513494ebfcc33dc3b0b6b7bbdfeca4ea753e2f9e5c5fabe23ecea089679eaaf691ccdaa3ea9956e009097a8ff7d9321ca462703e9c332f42324db5c76707259a0b10fd99ae221312ce727bf86527b07b16dec44766e2ce275341c922c0725e68984e7134e0c09de158bd6f0a1d7724a34c2820427597363bf83dcd405c90c3440ece20e0ae921df684d5c18d3296c0133066cc17f5a61c82ef5989f54acc4e084ceb64787e757a399803bd9ea8fb51f4019af82010823b6265ca447ffe447e013a41ae521867595558a581d4df730edba3c65680fdcfb70bdaa50927eea29cb62f43f17795021916ec5aeec511902ba1e9a85df57fd5c459cd948ef3fa42aab0431388039994acad67703e2aeced1964f9f55b5f426da79b0b7bf07665fd9b1b655ebdaa43001013ff65a2a63573e4da80a01fe50ab5e221268073a5f31ae89c4c3193c678556022b065366ec34d2d689dc5270aab7121266bd3d19af22db8746aa16bb33785884b207eb050d5ae1496ad0b372adc7f04a5834561cb228eec0a02bfe16934ba4e9c1ddd8e4b9342c2569be151335d0599f3e131b484ec87bba55cd883418b1f7ec7bd6890f058aa3aa01e924d3a1bba46707e6f6ebc34dfe087cdbb470b3e7c959b1add504fa5068339445a8950308bb8e21ae4d20a6c1908e8f5a07f661dc86c29dbd112d08f0851e42c1c0b70988760dea079e263515f7e5a814276ef710f4e7916654e0edc8b1b109511542050855424f8027266f7f10cc3b390c247242a315d5f955a3443a8b301024aedd5bd434a5c2506569f81ab525b4ba3eb616a848762df61f95ef91207353dff295efe119783e5c4bde9412c6b1310f6155aba27470ab4f84f74bd861625992811794ffce70b7f79f70fe5ff78befdbff27dc8186a9d7f4d06473543923305c440ce444a072dac289c9e3e4a3b34564135c92d0915d409fde130db1246bb8f369702d9449a68ef274e8548539dd98e07ddb9a5f3825de9b2df8846111d5740e124dea81686f7aadeb939d936096ea3bbe9a61c072179e345c0e684f7dc3462c290115b8de81603466e15faceb5e897547a3c303117a5d4afe0cbb4690f34e0aac0b33ca5494da7cd72f9ca9e026a85d4ca00e9206e305569c4ff621c2fa797a72280daf2ded3d9262616ced5e662dba768ab8ad77b277a11d221d5e61a26c3287837427f2d6fb91d6b609bb20031f73d3ca1002dbe995f5bd1240d6196a3f6175f96da277bc3c2cccc2a7fae9dee45f246a1f211e53c7efe5bb642a2edfb31a36d539360d08911055b9a042d734cd63dd7ce5892f8dfb14caeae643305a8a41afafae4a71e1b355b71e4235367de83a5bc5e14ec00228e9ad2e58195b9c06b509027d3d34a8e40142f02c4a96c3841ee1e7000566c7927331862f16340aa9cb985723de8708f5548dd02944e4bccff8d3243038e12d91f779b76a11a0fbc128df1f8e0b087221ada1d5a45faf4c95beb92b9f2732678f3a8114c0131f239486efbbe446c730585cc6c19200017760d97a15d3e8a21feee763c48d7b5ecadd538afca8205dbe7a9fb912d42037d8b9bdd30dbe62424689c6a32f735e081e8d8c025fce99904a871bec14778a2e23606d813af578b9ce26e3a64c8c878789bdac366105905fbbb037c60dafbc78df99ab9d2432a87bae0381e58747e1471781c1e8be37dc08b6a3b69e3ce96db9a1d0a414d89af2f8b3d556b4a1cabb27b5e4c1bd8bd7be9d00b356797f7f58651af622f5ae37725656919f182eb3b5113a1ad6ccf420976de615f627d4166833888a645e75007787a0c746994d4e88bf5551aff8c7c969ec7e017938c2555909dd01695b9bbb9238162100f42abafb09fb64a13c093dda7767825289d7e3555439324f6cfcbcfb562a31c1fc118430ac5810c1cebd5a375cd7cc8b9cd9f64656bfe718201970f34d13debcc425d9a9b85e42a5f31596e8f2f965be02e0638e632b706a9f1be1d020cee3516ac2ca67feed4bd0e4b911de7642c5d5331ca51b27506538395f12448ff9f0cb43a9293ca962d8c5eca79191b1cad8e466a99addc9f81fb56d7637db9dd92399ec378241375d671fc3b377764b1e7ff624e75dc945b730208597481dec8b929365c86a687e9708fc8a8f89b0663d7847454795bb98b452c467ae84d3845568a9d6a3c5aba572b9983a8cb0c6cce5122543760b45493afd591a1710e1b176008ae17b4153683ca418f1f91f411e55af964b1a390e7da225016a08634215600ab7902d2dbc6e4e0c6feb146639f4e49e683c6913bf2ccb4838b10beedd4dc4dbf2f057006ff907956556b5b87ebd1312d0595df2b165dda3a4b0d6d60353eb5c76e8202a15dc02f8cf1547f12012fba5f4e6d1513222fba8f32ddfbf6537f38fece3e7f727a17dadb654c17f5463a5da40ce42bc14e6c9ceb857c3c806e1508a0f5c962184e3d5187c02fd90716d032e3e805dfe523ae512d13a95b97769bbcc9e644294b708ffe8467fd77746edbfb2a67faa8db8c6d80eecde2faae55dd192d990d47a73fc0fe1911c6a9f03f27c150156a01b4b6ad826d00db9b37b4c1a3282c4ebe40a6c53a0227f89a15c6ad1557f2e8f524f7db2144f398e58dfaadd6c2aae525da82db1211158b272102587d3c106a136f4f6e64c5fdba1be38e915475ff836e70b28401cf9a3c2d013c610e6230b8d5f8294a2b91299d2a2509a912f3548f2683fdaf07d6e77b3c202acb4951da2c36fb4169903d8d81cc95c841b139112de2c7ad0f2eaefdf91299f7bebf21b662dd134076770cdb70005f12f47ef4b7b252362b065e2bc9307b2f5eb8f8df47cc988823c3696921f9255a1c0cd2bacb06f1024060ab71571655b34137ad1b2b7a6d125aa063f9ad8f8bc3c90063c94ebf88fae6fd518fa3be2432785112e42bce3316afaff3f53b107667f51679903788caf7684dc34ff2e3faed14afb0b728036963fd495ab7c5bfff5c837d9122d5ce4c663ece286d3d7574b9655c236ffe3e77eebd42562cb62184fd20629cd19241e2f7c1a239666c52ac2653d201536f73135fb99351b815ac7f65e12b4fe29291c538f26c99f6562419d00cfa82af4bba08a41a00de4b3f154aa3e9af8f4b2a3a9a3d834a61766ee3dea09f7528d6d1037ddad78ffec2cf17c629df79489daef8b1c62382ae7d21ab15b997748ec7b83dc71e9133dba5fb19dffab0920622b087427a4111153555a47cb297e1c47d5f7315eae1038189202036a1ee11ada7a5725599e56272036a63c96caf8b4c9a3b430f3324e685c343331ac3ccb1f7cb781da83b47ef21982acbe795639a95c1f41f65cba486f10d5bf67ae1d45e0353d428dea2ddd3e74fdd2ee012785cc22001c8518832d84211665d33ff03ed32719d20ad34940fc1fa2d8212d3df1a9d4cd386706a64c555fb6b5e0913d1beada1ec849ce288cb6bb41a3e85a96b49ab17d927317e24a33b7ada3d6f6562c6a69d4ae4875511ea291979f773227822dd2c69235eb75957b9a82b79e61e5439557b5252e192ef1873b7de3040c8a9b394cf2fd76006c0afc8eab891c707327c7cb26bf656bc716f3794d5514db4a4d7ffa010b59b271d32fe292ed46aca423a01f20f9a6aa57a25c062ecf37dc6fb3a2283459a6f38bd0dc6f8baf83a0ad0f4efba91ca7f786c91d0c9961a08ab2f56508e72489b7621517364acb1e96671a954e98ff32ebc6f5fbc48fc769bb7d06a8169e3a481297f8abf6ed7f921bc70a2d04014964bbc4f279ff5b607e37af2d2e9294784cd05c335f5c0f42149e9918790aad3822984260053f4a49b60d0d7ec10e8a9db33e4d32b78925d2947a78a059b32db64abe19aff023c24c6b146f4fd2853c82c80037c0edec474cc9ed16cfce7ef317ac8c52b820f2541d63ea4fe3af234df0e6f4558ed4d36ab52da134ba6d7a95b7c7cbfe22196629adf0d8f3b506bdce24b4189b33c642b5c0ef0a1fbfc28185cc06f1c0ec00897badd33a3705dd76a2be1151d78a0e0b9ecfb14935ba55a238b1a8fb668370bb9b8ffb16c67dc26069aa375074837c53ca0d979466617b239cbf93d7111aedf9c23798225a995a93b443b25f1e298075ece3842ce4efc2ba2c71de92cc2216f3d0f004e4e4ef734301740f7ec0cea5922abfa3b1becf52a3b04d786aa15872e34e72055c74d30eaf49f18f69991f2250c6fa4173202707af61b3da3891547bc6927b33d5436e00927adc2b5c2b1a769603cc493093c3b0beebcbccf9e79e8e03758709d4abc316ed3022585bd31fe44dc59e7ee413474190595572f385bc7187d63b9deff4b115bbb2c19eec34ab7b78922594dc374220a32911b860c9c6ea0fa89414e7ee564ce882904ae477256c22e33dcdb5fbba45770e477974dd3715b4bdf8c6bc7145fdb0fa17dd8a3d502af4eb40c823707cc8e2094ae466331655a8eb0663244b2fcbe3fdd9fcab885c59a590679af6643fbf31e21c3cb9c83cf98a13f02efba1e8c0f3e1014d82d2d53cc2192bb7ea728be390c9605fb9b670e2a39ff639046652159569e6891623bfe9d43351fee6cbfa676339d2721bde43a325450f28d0f65a1acf16769a6282e69df39b4b483c52afc10e01b562c252705b6f97b1f2078bf4cc368bcced97866604ea0f5f2f1c0ea9bb30e99d0be936661160619fd422f53794add7d7a78aaa62cba55a5868838aab5abeb313aa997678f8eccd546f8a33adad50ca17f287c942d2bba8657e9482a39e93166e2027397b1c04b01e55c20526467f8bc8bbc0c371719a8c32648e0486ef063b5959a28ec83d1e1c392f3c26af753de4ee12216b19ccd03c001ef3e602082ebca6a2d2ba6e953c87fb2c211f4d5397cfd7d85d4be230fa1aec08d313a1897b4e8131b00e295490021a711bf9b70b2f1479165c5d08c08ad02c190b888b11febca92de0a2c5a3316e8122f9fa0b20b2163d95280eef6e26e491e41a973b7fa628817771e7de73e9f7debced62527bd49842a698fc5b5e1309f6c6c80fd4e4cbdfc231e62369d017f16ce292552299f15bab79d81fb05bfdc33c8c0101814a07dada7d8c80b3dc1e3f2c44d6a7367d5967965efaa9e9c5603a84c7580d2f91ff60eda14ab2cb806e65dc0d0482e51b3ec9476721c4b4a4f9c5edcba42b2b0773a01afee6a24459a8b145b72f96356167b5a0cb81347640c400112f69bc6d9193df0160e876001556847d69a05cc688862affe611ff8bdd7518b93e3486f7b04121c299c04639118bc6b14e1ca70f05fe77f794d670c47ddd7af1bacfe82a715842a9938fdecd1551338a9bba7bce949dbf8b0f7c5e5aef0dd5c67f00a476ce4cea77cd1df9c98317ed14b1734cd14a364f81340eba0285331576d32e1970d2f5bd26e8993c47ae1283b29f40462224aa262a80771dba2fd0badc4674bba1e7c86a1da410d7cc5fc6951f334b4583cfaaa91fef1988c638e2055d37a09a355b7e81f4be7af71e36e0bdec50f2dee0b690491ec4a2d560c92b18c6de5e33aa1f363660ff75c79f5a6a0225fcb1b6430cc1d4aeb7c49c5eda4a1886d90ff9bad8389c1e0a7ab51c5fbe2d9fffeee67f85f474831e10e33bbb665bf104981cf6d9f126756ad6d418c42341848b61deb", "41c51a2c757cf18c2ec9e0a6e50248a9bcf7043e2b6918daf80091ff0fabebe4"},
          };
  for (const auto& v : vectors) {
    const std::string in = unhex(v.input_hex);
    CAPTURE(in.size());
    CHECK(to_hex(sha256(in)) == v.sha256_hex);
    for (std::size_t cut : {std::size_t{1}, std::size_t{7}, std::size_t{64}, in.size() / 2 + 1}) {
      fa::detail::Sha256 h;
      for (std::size_t i = 0; i < in.size(); i += cut) h.update(std::string_view(in).substr(i, cut));
      CHECK(to_hex(h.finish()) == v.sha256_hex);
    }
  }
}
