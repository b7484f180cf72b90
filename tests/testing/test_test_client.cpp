// tests/testing/test_test_client.cpp: fa::testing::TestClient, as users write their own tests with it.
#include <doctest/doctest.h>

#include <string>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_test_client_file {

namespace fa = fastapi;

namespace test_client_test {
inline fa::Json echo(fa::Request& req) {
  fa::Json query = fa::Json::object({});
  for (const auto& p : req.query) query[std::string(p.key)] = std::string(p.value);
  return fa::Json{{"method", std::string(req.method_name)},
                  {"query", query},
                  {"content_type", std::string(req.headers.get("content-type").value_or(""))},
                  {"cookie", std::string(req.headers.get("cookie").value_or(""))},
                  {"agent", std::string(req.headers.get("user-agent").value_or(""))},
                  {"body", std::string(req.body)}};
}
}  // namespace test_client_test

TEST_SUITE("testing/test_client") {
  TEST_CASE("params are percent-encoded, json/content/data bodies are sent with their content type") {
    fa::App app;
    app.api_route("/echo", {fa::Method::get, fa::Method::post, fa::Method::put, fa::Method::patch, fa::Method::del},
                  test_client_test::echo);
    fa::testing::TestClient client{app};

    auto j = client.get("/echo", {.params = {{"q", "a b&c=d"}, {"ü", "é"}}}).json();
    CHECK(j["query"]["q"] == "a b&c=d");
    CHECK(j["query"]["ü"] == "é");
    CHECK(j["agent"] == "testclient");

    j = client.post("/echo", {.json = fa::Json{{"name", "Foo"}, {"price", 3.5}}}).json();
    CHECK(j["method"] == "POST");
    CHECK(j["content_type"] == "application/json");
    CHECK(j["body"] == R"({"name":"Foo","price":3.5})");

    j = client.put("/echo", {.headers = {{"content-type", "text/csv"}}, .content = "a,b\n1,2"}).json();
    CHECK(j["content_type"] == "text/csv");
    CHECK(j["body"] == "a,b\n1,2");

    j = client.patch("/echo", {.data = {{"user name", "ann"}, {"x", "1+1"}}}).json();
    CHECK(j["content_type"] == "application/x-www-form-urlencoded");
    CHECK(j["body"] == "user%20name=ann&x=1%2B1");

    j = client.delete_("/echo", {.cookies = {{"session", "abc"}, {"theme", "dark"}}}).json();
    CHECK(j["method"] == "DELETE");
    CHECK(j["cookie"] == "session=abc; theme=dark");
  }

  TEST_CASE("redirects are followed by default (303 turns into GET) and can be kept") {
    fa::App app;
    app.post("/login", [] { return fa::RedirectResponse("/home", 303); });
    app.get("/home", [] { return "home"; });
    app.get("/old", [] { return fa::RedirectResponse("http://testserver/home"); });
    fa::testing::TestClient client{app};
    auto r = client.post("/login");
    CHECK(r.status == 200);
    CHECK(r.text == "home");
    CHECK(client.get("/old").text == "home");
    r = client.get("/old", {.follow_redirects = false});
    CHECK(r.status == 307);
    CHECK(r.header("location") == "http://testserver/home");
  }

  TEST_CASE("the client reconnects when the server closed the connection") {
    fa::App app;
    app.get("/bye", [](fa::Response& res) {
      res.headers.add("connection", "close");
      return "bye";
    });
    app.get("/hi", [] { return "hi"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/bye");
    CHECK(r.text == "bye");
    CHECK(r.header("connection") == "close");
    CHECK(client.get("/hi").text == "hi");
    CHECK(client.get("/bye").text == "bye");
    CHECK(client.get("/hi").text == "hi");
  }

  TEST_CASE("a body the server refuses before reading it still gets the server's answer (413), not a broken pipe") {
    // The server answers 413 from Content-Length and closes without reading the body; the client's write
    // then fails (EPIPE or a reset) while the answer already waits in its socket: httpx returns it too.
    fa::App app;
    app.post("/small", [](fa::Request& req) { return std::to_string(req.body.size()); });
    fa::testing::TestClient client{app};
    auto r = client.post("/small", {.content = std::string(8u << 20, 'x')});
    CHECK(r.status == 413);
    CHECK(client.post("/small", {.content = "abc"}).text == "3");  // a new connection serves the next request
  }

  TEST_CASE("base_url names the live server, and close() stops it") {
    fa::App app;
    app.get("/", [] { return "up"; });
    fa::testing::TestClient client{app};
    CHECK(client.base_url() == "http://127.0.0.1:" + std::to_string(client.port()));
    CHECK(client.get("/").text == "up");
    client.close();
    CHECK(app.port() == 0);
  }
}

}  // namespace test_test_client_file
