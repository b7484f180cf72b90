// tests/app/test_mount.cpp: app.mount (app/mount.hpp), over a real socket: a sub-application with its own routes,
// middleware, exception handlers and docs under a prefix, left out of the parent's document; any Service mounted
// sees the rest of the path and the prefix as root_path; nesting; body limits; the redirect of the bare prefix.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_mount_file {

namespace fa = fastapi;

namespace {

/// A Service that answers with what it saw.
struct Echo final : fa::Service {
  std::string name;
  explicit Echo(std::string n) : name(std::move(n)) {}
  fa::Task<fa::Response> handle(fa::Request& req) override {
    co_return fa::PlainTextResponse(name + " " + std::string(fa::method_name(req.method)) +
                                    " path=" + std::string(req.path) + " root=" + std::string(req.root_path) +
                                    " body=" + std::string(req.body));
  }
  fa::BodyPolicy body_policy(fa::Request&) const override { return {.limit = 8}; }
};

}  // namespace

TEST_CASE("a mounted Service sees the rest of the path and the prefix as root_path, for any method") {
  fa::App app;
  app.get("/items", [] { return "parent items"; });
  app.mount("/echo", Echo{"echo"});
  Echo outer{"outer"};
  app.mount("/", outer);  // a catch-all mount: the app's own routes still win
  fa::testing::TestClient client{app};
  CHECK(client.get("/items").text == "parent items");
  CHECK(client.get("/echo/a/b.txt").text == "echo GET path=/a/b.txt root=/echo body=");
  CHECK(client.get("/echo/").text == "echo GET path=/ root=/echo body=");
  CHECK(client.post("/echo/x", {.content = "12345678"}).text == "echo POST path=/x root=/echo body=12345678");
  CHECK(client.post("/echo/x", {.content = "123456789"}).status == 413);  // the mounted Service's limit
  CHECK(client.delete_("/echo/x").text == "echo DELETE path=/x root=/echo body=");
  CHECK(client.get("/echo/a%20b").text == "echo GET path=/a b root=/echo body=");
  // The bare prefix is not the mount's: here the catch-all takes it (Starlette's order gives the same).
  CHECK(client.get("/echo").text == "outer GET path=/echo root= body=");
  CHECK(client.get("/other/x").text == "outer GET path=/other/x root= body=");
  CHECK(client.get("/echoes").text == "outer GET path=/echoes root= body=");
}

TEST_CASE("the bare prefix redirects to the prefix with its slash, as Starlette's redirect_slashes does") {
  fa::App app;
  app.mount("/echo", Echo{"echo"});
  fa::testing::TestClient client{app};
  auto r = client.get("/echo?q=1", {.follow_redirects = false});
  CHECK(r.status == 307);
  CHECK(r.header("location").ends_with("/echo/?q=1"));
  CHECK(client.get("/echo").text == "echo GET path=/ root=/echo body=");
}

TEST_CASE("a sub-application: its own routes, middleware, exception handlers and docs; not in the parent's document") {
  fa::App sub{{.title = "Sub API"}};
  sub.get("/items/{item_id}", [](fa::Path<"item_id", int> id, fa::Request& req) {
    return fa::Json{{"item_id", *id}, {"path", std::string(req.path)}, {"root_path", std::string(req.root_path)}};
  });
  sub.get("/", [] { return "sub home"; });
  sub.get("/boom", []() -> std::string { throw std::runtime_error("x"); });
  sub.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    fa::Response res = co_await next(req);
    res.headers.set("x-sub", "1");
    co_return res;
  });
  sub.exception_handler<fa::HTTPException>([](fa::Request&, const fa::HTTPException& e) {
    return fa::JSONResponse(fa::Json{{"sub_error", e.detail}}, e.status_code);
  });

  fa::App app{{.title = "Main"}};
  app.get("/app", [] { return "main"; });
  app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    fa::Response res = co_await next(req);
    res.headers.set("x-main", "1");
    co_return res;
  });
  app.mount("/subapi", sub);
  fa::testing::TestClient client{app};

  auto r = client.get("/subapi/items/42");
  CHECK(r.status == 200);
  CHECK(r.json()["item_id"] == 42);
  CHECK(r.json()["path"] == "/items/42");
  CHECK(r.json()["root_path"] == "/subapi");
  CHECK(r.header("x-sub") == "1");
  CHECK(r.header("x-main") == "1");
  r = client.get("/app");
  CHECK(r.header("x-sub").empty());
  CHECK(r.header("x-main") == "1");
  CHECK(client.get("/subapi/").text == "sub home");
  r = client.get("/subapi/items/x");
  CHECK(r.status == 422);
  CHECK(r.json()["detail"][0]["loc"][1] == "item_id");
  r = client.get("/subapi/nope");
  CHECK(r.status == 404);
  CHECK(r.text == R"({"sub_error":"Not Found"})");  // the sub-app's own handler
  CHECK(client.get("/nope").text == R"({"detail":"Not Found"})");
  CHECK(client.get("/subapi/boom").status == 500);

  // The parent's document has its own routes only; the sub-app's, under its root, names it as the server.
  auto doc = client.get("/openapi.json").json();
  CHECK(doc["paths"].contains("/app"));
  CHECK(doc["paths"].size() == 1);
  auto subdoc = client.get("/subapi/openapi.json").json();
  CHECK(subdoc["info"]["title"] == "Sub API");
  CHECK(subdoc["paths"].contains("/items/{item_id}"));
  CHECK(subdoc["servers"][0]["url"] == "/subapi");
  std::string page = client.get("/subapi/docs").text;
  CHECK(page.find("url: \"/subapi/openapi.json\"") != std::string::npos);
  CHECK(page.find("\"/subapi/docs/oauth2-redirect\"") != std::string::npos);
  CHECK(client.get("/subapi/redoc").text.find("spec-url=\"/subapi/openapi.json\"") != std::string::npos);
  CHECK(client.get("/docs").text.find("url: \"/openapi.json\"") != std::string::npos);
}

TEST_CASE("mounts nest: root_path collects every prefix") {
  fa::App inner;
  inner.get("/leaf", [](fa::Request& req) { return std::string(req.root_path) + "|" + std::string(req.path); });
  fa::App middle;
  middle.mount("/b", inner);
  fa::App app;
  app.mount("/a", middle);
  fa::testing::TestClient client{app};
  CHECK(client.get("/a/b/leaf").text == "/a/b|/leaf");
  CHECK(client.get("/a/b/other").status == 404);
}

TEST_CASE("a mount prefix must start with '/' and hold no parameter; an app cannot mount itself") {
  fa::App app;
  app.mount("static", Echo{"x"});
  app.mount("/files/{name}", Echo{"x"});
  app.mount("/me", app);
  REQUIRE(app.configuration_errors().size() == 3);
  CHECK(app.configuration_errors()[0].find("a mount prefix starts with '/'") != std::string::npos);
  CHECK(app.configuration_errors()[1].find("no {parameters}") != std::string::npos);
  CHECK(app.configuration_errors()[2].find("cannot be mounted in itself") != std::string::npos);
  fa::App twice;
  twice.mount("/x", Echo{"1"});
  twice.mount("/x/", Echo{"2"});
  CHECK(twice.configuration_errors().size() == 1);
}

TEST_CASE(
    "offline docs: DocsAssets::directory serves swagger-ui-dist and redoc from a node_modules, under a mount too") {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/fa_docs_assets_XXXXXX";
  fs::path modules = fs::path(::mkdtemp(tmpl)) / "node_modules";
  fs::create_directories(modules / "swagger-ui-dist");
  fs::create_directories(modules / "redoc" / "bundles");
  std::ofstream(modules / "swagger-ui-dist" / "swagger-ui-bundle.js") << "window.SwaggerUIBundle = 1;";
  std::ofstream(modules / "swagger-ui-dist" / "swagger-ui.css") << ".swagger-ui {}";
  std::ofstream(modules / "swagger-ui-dist" / "favicon-32x32.png") << "PNG";
  std::ofstream(modules / "redoc" / "bundles" / "redoc.standalone.js") << "var Redoc = 1;";

  fa::App sub{{.title = "Sub", .docs_assets = {.directory = modules.string()}}};
  sub.get("/x", [] { return "x"; });
  fa::App app{{.title = "Offline", .docs_assets = {.directory = modules.string()}}};
  app.get("/items", [] { return "items"; });
  app.mount("/sub", sub);
  {
    fa::testing::TestClient client{app};
    std::string docs = client.get("/docs").text, redoc = client.get("/redoc").text;
    for (const std::string& page : {docs, redoc}) {
      CHECK(page.find("https://") == std::string::npos);  // nothing from a CDN, no Google Fonts
      CHECK(page.find("//") == std::string::npos);
    }
    CHECK(docs.find(R"(<script src="/docs-assets/swagger-ui-dist/swagger-ui-bundle.js"></script>)") !=
          std::string::npos);
    CHECK(docs.find(R"(href="/docs-assets/swagger-ui-dist/swagger-ui.css")") != std::string::npos);
    CHECK(redoc.find(R"(<script src="/docs-assets/redoc/redoc.standalone.js"></script>)") != std::string::npos);
    auto js = client.get("/docs-assets/swagger-ui-dist/swagger-ui-bundle.js");
    CHECK(js.status == 200);
    CHECK(js.text == "window.SwaggerUIBundle = 1;");
    CHECK(js.header("content-type") == "application/javascript");
    CHECK(client.get("/docs-assets/swagger-ui-dist/swagger-ui.css").header("content-type") ==
          "text/css; charset=utf-8");
    CHECK(client.get("/docs-assets/redoc/redoc.standalone.js").text == "var Redoc = 1;");
    CHECK(client.get("/docs-assets/swagger-ui-dist/favicon-32x32.png").header("content-type") == "image/png");
    CHECK(client.get("/docs-assets/redoc/../../swagger-ui-dist/swagger-ui.css").status == 404);
    CHECK(client.get("/openapi.json").json()["paths"].size() == 1);  // the assets are not operations
    // A mounted app's page loads the assets under its own root.
    std::string sub_docs = client.get("/sub/docs").text;
    CHECK(sub_docs.find(R"(<script src="/sub/docs-assets/swagger-ui-dist/swagger-ui-bundle.js"></script>)") !=
          std::string::npos);
    CHECK(client.get("/sub/docs-assets/redoc/redoc.standalone.js").text == "var Redoc = 1;");
  }
  // A node_modules without the packages: run() says which file is missing and what to run, exit code 1.
  fs::remove(modules / "redoc" / "bundles" / "redoc.standalone.js");
  fa::App broken{{.docs_assets = {.directory = modules.string()}}};
  fa::Config config;
  config.port = 0;
  config.handle_signals = false;
  CHECK(broken.run(config) == 1);
  REQUIRE(!broken.configuration_errors().empty());
  CHECK(broken.configuration_errors().back().find("redoc/bundles/redoc.standalone.js is missing") != std::string::npos);
  CHECK(broken.configuration_errors().back().find("npm install swagger-ui-dist@5 redoc@2") != std::string::npos);
  std::error_code ec;
  fs::remove_all(modules.parent_path(), ec);
}

}  // namespace test_mount_file
