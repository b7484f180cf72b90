// tests/regression/test_issue_16_regex.cpp: issue 16 §2, "one request can never kill the process". A Rule's
// pattern used std::regex, which recurses once per character: a 30 KB string segfaulted the whole server at -O2,
// and a 1 MiB one at any optimisation. Now patterns run in linear time and constant stack (core/regex.hpp); over a
// real socket, a 1 MiB value gets its 200 or its 422, and the server goes on answering.
#include <doctest/doctest.h>

#include <string>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/cors.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_regex_file {

namespace fa = fastapi;

struct Signup {
  fa::Field<std::string, fa::Rule{.pattern = "^[a-z]+$"}> username;
  fa::Field<std::string, fa::Rule{.pattern = "^(?:[a-z0-9]+\\.)*[a-z0-9]+$"}> handle;
};

TEST_SUITE("regression/issue_16/regex") {
  TEST_CASE("a 1 MiB body string checked against a Rule pattern gets 200 or 422, and the server lives on") {
    fa::App app;
    constexpr std::size_t big = std::size_t{1} << 20;
    app.post("/signup",
             [](Signup s) {
               return fa::Json{{"length", s.username->size() + s.handle->size()}};
             },
             {.max_body_size = 4 * big});
    app.post("/code",
             [](fa::Form<"code", std::string, fa::Rule{.pattern = "^[0-9a-f]+$"}> code) {
               return fa::Json{{"length", code->size()}};
             },
             {.max_body_size = 4 * big});
    fa::testing::TestClient client{app};
    const std::string letters(big, 'a');
    std::string dotted;
    while (dotted.size() < big) dotted += "ab1.";
    dotted += "z";

    auto ok = client.post(
        "/signup", {.json = fa::Json{{"username", letters}, {"handle", dotted}}, .timeout = std::chrono::seconds(60)});
    CHECK(ok.status == 200);
    CHECK(ok.text == "{\"length\":" + std::to_string(letters.size() + dotted.size()) + "}");

    auto bad = client.post("/signup", {.json = fa::Json{{"username", letters + "1"}, {"handle", dotted + "."}},
                                       .timeout = std::chrono::seconds(60)});
    REQUIRE(bad.status == 422);
    const fa::Json detail = bad.json()["detail"];
    REQUIRE(detail.size() == 2);
    CHECK(detail[0]["type"] == "string_pattern_mismatch");
    CHECK(detail[0]["loc"] == fa::Json::array({"body", "username"}));
    CHECK(detail[0]["msg"] == "String should match pattern '^[a-z]+$'");
    CHECK(detail[1]["loc"] == fa::Json::array({"body", "handle"}));

    auto form = client.post("/code", {.data = {{"code", std::string(big, 'f')}}, .timeout = std::chrono::seconds(60)});
    CHECK(form.status == 200);
    auto form_bad =
        client.post("/code", {.data = {{"code", std::string(big, 'f') + "g"}}, .timeout = std::chrono::seconds(60)});
    CHECK(form_bad.status == 422);

    CHECK(client.post("/signup", {.json = fa::Json{{"username", "bob"}, {"handle", "bob.smith"}}}).status == 200);
  }

  TEST_CASE("a 15 KB Origin header against allow_origin_regex is answered, allowed or not") {
    fa::App app;
    app.add_middleware(fa::CORSMiddleware{{.allow_origin_regex = "https://([a-z]+\\.)*example\\.org"}});
    app.get("/", [] { return "ok"; });
    fa::testing::TestClient client{app};
    std::string host;
    while (host.size() < 15000) host += "abc.";
    auto allowed = client.get("/", {.headers = {{"origin", "https://" + host + "example.org"}}});
    CHECK(allowed.status == 200);
    CHECK(allowed.header("access-control-allow-origin") == "https://" + host + "example.org");
    auto refused = client.get("/", {.headers = {{"origin", "https://" + host + "example.org.evil"}}});
    CHECK(refused.status == 200);
    CHECK(refused.header("access-control-allow-origin") == "");
  }

  TEST_CASE("an unsupported allow_origin_regex is refused when the app is put together, with a sentence") {
    CHECK_THROWS_WITH_AS(
        fa::CORSMiddleware({.allow_origin_regex = "https://(?!evil)[a-z]+\\.org"}),
        "fastapi: CORSMiddleware: allow_origin_regex \"https://(?!evil)[a-z]+\\.org\" is not supported: "
        "lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: fastapi matches patterns "
        "in linear time, as Pydantic v2 (Rust's regex crate) does; check the condition in the handler "
        "instead (at offset 9)",
        fa::ConfigurationError);
  }
}

}  // namespace test_issue_16_regex_file
