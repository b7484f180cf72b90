// tests/websocket/test_handshake.cpp: websocket/handshake.hpp: the RFC 6455 section 4.2 checks (426 / 400 with a
// sentence), the 101 with Sec-WebSocket-Accept (the RFC's example key), subprotocol choice, and the
// Sec-WebSocket-Extensions / permessage-deflate parameter readers on valid and malformed offers.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fastapi/websocket/handshake.hpp"

namespace fa = fastapi;
namespace ws = fastapi::ws;

namespace {

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

const Fields good{{"Host", "server.example.com"},   {"Upgrade", "websocket"},
                  {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                  {"Origin", "http://example.com"}, {"Sec-WebSocket-Protocol", "chat, superchat"},
                  {"Sec-WebSocket-Version", "13"}};

fa::Request request(const Fields& fields, fa::Method method = fa::Method::get, int minor = 1) {
  fa::Request req;
  req.method = method;
  req.version_minor = minor;
  for (const auto& [n, v] : fields) req.headers.add(n, v);
  return req;
}

Fields without(std::string_view name) {
  Fields out;
  for (const auto& f : good)
    if (!fa::iequals(f.first, name)) out.push_back(f);
  return out;
}

Fields with(std::string_view name, std::string_view value) {
  Fields out = without(name);
  out.emplace_back(name, value);
  return out;
}

int refused(const fa::Request& req) {
  auto r = ws::check_handshake(req);
  REQUIRE(std::holds_alternative<ws::HandshakeRefusal>(r));
  const auto& res = std::get<ws::HandshakeRefusal>(r).response;
  CHECK(!res.body.empty());
  if (res.status == 426) CHECK(res.headers.get("sec-websocket-version") == "13");
  return res.status;
}

}  // namespace

TEST_CASE("handshake: the RFC's example is accepted, answered 101 with its Sec-WebSocket-Accept") {
  CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const auto req = request(good);
  CHECK(ws::is_upgrade_request(req));
  auto r = ws::check_handshake(req);
  REQUIRE(std::holds_alternative<ws::Handshake>(r));
  const auto& hs = std::get<ws::Handshake>(r);
  CHECK(hs.key == "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(hs.subprotocols == std::vector<std::string>{"chat", "superchat"});
  CHECK(hs.origin == "http://example.com");
  CHECK(hs.extensions.empty());
  const auto res = ws::accept_response(hs, "chat");
  CHECK(res.status == 101);
  CHECK(res.headers.get("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(res.headers.get("upgrade") == "websocket");
  CHECK(res.headers.get("connection") == "Upgrade");
  CHECK(res.headers.get("sec-websocket-protocol") == "chat");
  CHECK(!ws::accept_response(hs).headers.contains("sec-websocket-protocol"));
  CHECK_THROWS_AS(ws::accept_response(hs, "mqtt"), std::invalid_argument);
  CHECK(ws::choose_subprotocol(hs, {"superchat", "chat"}) == "chat");  // the client's preference wins
  CHECK(ws::choose_subprotocol(hs, {"superchat"}) == "superchat");
  CHECK(!ws::choose_subprotocol(hs, {"mqtt"}));
}

TEST_CASE("handshake: token lists are read case-insensitively, across fields and commas") {
  CHECK(std::holds_alternative<ws::Handshake>(ws::check_handshake(request(with("connection", "keep-alive, UPGRADE")))));
  CHECK(std::holds_alternative<ws::Handshake>(ws::check_handshake(request(with("upgrade", "WebSocket")))));
  CHECK(std::holds_alternative<ws::Handshake>(ws::check_handshake(request(with("upgrade", "h2c, websocket")))));
  Fields two = without("connection");
  two.emplace_back("Connection", "keep-alive");
  two.emplace_back("Connection", " Upgrade ");
  CHECK(std::holds_alternative<ws::Handshake>(ws::check_handshake(request(two))));
  CHECK(!ws::is_upgrade_request(request(with("connection", "upgrades"))));
  CHECK(!ws::is_upgrade_request(request(with("upgrade", "websocket2"))));
}

TEST_CASE("handshake: 426 for no upgrade or another version, 400 for a malformed request") {
  CHECK(refused(request(without("upgrade"))) == 426);
  CHECK(refused(request(without("connection"))) == 426);
  CHECK(refused(request(with("connection", "close"))) == 426);
  CHECK(refused(request(without("sec-websocket-version"))) == 426);
  CHECK(refused(request(with("sec-websocket-version", "8"))) == 426);
  CHECK(refused(request(with("sec-websocket-version", "13, 8"))) == 426);
  Fields twice = good;
  twice.emplace_back("Sec-WebSocket-Version", "13");
  CHECK(refused(request(twice)) == 426);
  CHECK(refused(request(good, fa::Method::post)) == 400);
  CHECK(refused(request(good, fa::Method::get, 0)) == 400);
  CHECK(refused(request(without("sec-websocket-key"))) == 400);
  for (std::string_view key :
       {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZR==", "c2hvcnQ=",
        "dGhlIHNhbXBsZSBub25jZXh4eHg=", "dGhl IHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    CHECK_MESSAGE(refused(request(with("sec-websocket-key", key))) == 400, key);
  Fields two_keys = good;
  two_keys.emplace_back("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==");
  CHECK(refused(request(two_keys)) == 400);
  CHECK(refused(request(with("sec-websocket-protocol", "chat, sup er"))) == 400);
  CHECK(refused(request(with("sec-websocket-extensions", "permessage-deflate; ="))) == 400);
  const auto res = std::get<ws::HandshakeRefusal>(ws::check_handshake(request(without("upgrade")))).response;
  CHECK(res.headers.get("upgrade") == "websocket");
}

TEST_CASE("handshake: extension offers and permessage-deflate's parameters") {
  const auto req =
      request(with("sec-websocket-extensions", "permessage-deflate; client_max_window_bits, permessage-deflate; "
                                               "server_max_window_bits=\"10\"; server_no_context_takeover,x-custom"));
  auto hs = std::get<ws::Handshake>(ws::check_handshake(req));
  REQUIRE(hs.extensions.size() == 3);
  CHECK(hs.extensions[0].name == "permessage-deflate");
  CHECK(hs.extensions[2].name == "x-custom");
  auto first = ws::parse_permessage_deflate(hs.extensions[0]);
  REQUIRE(first);
  CHECK(first->client_max_window_bits.has_value());
  CHECK(!first->client_max_window_bits->has_value());
  auto second = ws::parse_permessage_deflate(hs.extensions[1]);
  REQUIRE(second);
  CHECK(second->server_max_window_bits == 10);
  CHECK(second->server_no_context_takeover);
  CHECK(!second->client_no_context_takeover);
  CHECK(!ws::parse_permessage_deflate(hs.extensions[2]));  // not permessage-deflate
  auto offer = [](std::string_view header) -> std::optional<ws::PerMessageDeflateOffer> {
    auto exts = ws::parse_extensions(request({{"Sec-WebSocket-Extensions", header}}).headers);
    REQUIRE(exts);
    REQUIRE(exts->size() == 1);
    return ws::parse_permessage_deflate((*exts)[0]);
  };
  CHECK(offer("permessage-deflate; client_max_window_bits=15")->client_max_window_bits == std::optional<int>(15));
  CHECK(offer("permessage-deflate; server_max_window_bits=8")->server_max_window_bits == 8);
  for (std::string_view bad :
       {"permessage-deflate; server_max_window_bits=7", "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=08", "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=abc", "permessage-deflate; unknown=1",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=9"})
    CHECK_MESSAGE(!offer(bad), bad);
  for (std::string_view malformed : {",", "a;", "a; b=", "a; b=\"", "a; b=\"c d\"", "a b", "a;;b", "a; b=c=d", "\"a\""})
    CHECK_MESSAGE(!ws::parse_extensions(request({{"Sec-WebSocket-Extensions", malformed}}).headers), malformed);
  CHECK(ws::parse_extensions(request({{"Sec-WebSocket-Extensions", ""}}).headers)->empty());
  CHECK(ws::parse_extensions(request({{"Sec-WebSocket-Extensions", "a; b=\"\\c\""}}).headers)->at(0).params[0].second ==
        "c");
}
