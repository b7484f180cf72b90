// tests/fuzz/fuzz_url.cpp: libFuzzer target for http/url.hpp and json/http_url.hpp. percent_decode and
// decode_component must agree, parse_query must hand out readable views, and encoding then decoding must give the
// input back. fa::HttpUrl must not crash on any input, and what it makes of one must parse again to itself (unless
// percent-encoding made it longer than the 2083-byte limit), with parts that add up to it. Build and run with
// tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/http/url.hpp"
#include "fastapi/json/http_url.hpp"
#include "fuzz_target.hpp"

namespace fuzz_url {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_url invariant broken: %s\n", what);
    std::abort();
  }
}

/// fa::HttpUrl on the same bytes: a URL it accepts is normalized for good (parsing its text gives it back) and its
/// parts are pieces of that text in order.
void check_http_url(std::string_view in) {
  std::string why;
  const std::optional<fa::HttpUrl> url = fa::HttpUrl::parse(in, &why);
  if (!url) {
    require(!why.empty(), "HttpUrl refused without a reason");
    return;
  }
  const std::string& text = url->str();
  require(text.size() >= 8 && (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0), "scheme");
  for (char c : text) require(c > 0x20 && c < 0x7F, "a normalized URL is printable ASCII");
  std::string why_again;
  const std::optional<fa::HttpUrl> again = fa::HttpUrl::parse(text, &why_again);
  if (text.size() > 2083) {  // percent-encoding made it longer than the limit: refused again, as Pydantic does
    require(!again && why_again == "URL should have at most 2083 characters", "a long URL is not refused as such");
    return;
  }
  require(again.has_value(), "a normalized URL does not parse again");
  require(again->str() == text, "normalizing twice changed the URL");
  require(again->host() == url->host() && again->port() == url->port() && again->path() == url->path() &&
              again->query() == url->query() && again->fragment() == url->fragment() &&
              again->username() == url->username() && again->password() == url->password(),
          "the parts of a reparsed URL differ");
  require(!url->host().empty() && url->path().front() == '/', "host and path");
  require(text.find(url->host()) != std::string::npos, "the host is in the URL");
}

}  // namespace fuzz_url

FASTAPI_FUZZ_TARGET(url, bytes, size) {
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  fa::detail::Arena arena(16);  // small blocks: exercise block growth

  for (bool plus : {false, true}) {
    std::string decoded = "prefix";
    bool ok = fa::percent_decode(in, decoded, plus);
    auto component = fa::decode_component(in, arena, plus);
    require(ok == component.has_value(), "percent_decode and decode_component disagree on validity");
    if (ok) {
      require(decoded.substr(6) == *component, "percent_decode and decode_component disagree");
      require(component->size() <= in.size(), "decoding grew the input");
      bool untouched = in.find('%') == std::string_view::npos && (!plus || in.find('+') == std::string_view::npos);
      if (untouched) require(component->data() == in.data(), "copied although nothing needed decoding");
    } else {
      require(decoded == "prefix", "failed decode changed the output");
    }
  }

  fa::QueryParams q;
  bool query_ok = fa::parse_query(in, q, arena);
  std::size_t total = 0;
  for (const auto& p : q) total += p.key.size() + p.value.size();
  require(total <= in.size(), "query params larger than their input");
  if (query_ok && in.find('%') == std::string_view::npos) {
    std::size_t pairs = 0;
    for (std::size_t i = 0; i <= in.size();) {
      std::size_t amp = in.find('&', i);
      if (amp == std::string_view::npos) amp = in.size();
      if (amp > i) ++pairs;
      i = amp + 1;
    }
    require(pairs == q.size(), "pair count");
  }

  check_http_url(in);

  for (bool for_query : {false, true}) {
    std::string encoded = fa::percent_encode(in, for_query);
    for (char c : encoded)
      require(fa::detail::is_unreserved(c) || c == '%' || (c == '/' && !for_query), "encoded byte not allowed");
    std::string back;
    require(fa::percent_decode(encoded, back, false), "encoded text does not decode");
    require(back == in, "encode/decode round trip");
  }
  return 0;
}
