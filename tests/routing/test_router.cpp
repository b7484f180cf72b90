// tests/routing/test_router.cpp: routing/router.hpp — found / 404 / 405+Allow / slash redirect, ids, params,
// conflicts in words, and a lookup that allocates nothing (counted by tests/support/alloc_counter.cpp).
#include <doctest/doctest.h>

#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../support/alloc_counter.hpp"
#include "fastapi/routing/router.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_router_file {

using fastapi::Method;
using fastapi::PathParams;
using fastapi::Router;
using Kind = fastapi::Router::Match::Kind;

namespace {

std::string add_error(Router& r, Method m, std::string_view path) {
  try {
    r.add(m, path);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string param(const PathParams& params, std::string_view name) {
  auto v = params.get(name);
  return v ? std::string(*v) : std::string("(absent)");
}

}  // namespace

TEST_SUITE("routing/router") {

  TEST_CASE("route ids are assigned 0, 1, 2 in registration order and size counts routes") {
    Router r;
    CHECK(r.size() == 0);
    CHECK(r.add(Method::get, "/") == 0);
    CHECK(r.add(Method::post, "/items") == 1);
    CHECK(r.add({Method::get, Method::put}, "/items/{id}") == 2);
    CHECK(r.size() == 3);
    CHECK(r.route_template(2).source() == "/items/{id}");
    CHECK(r.route_template(2).param_names() == std::vector<std::string_view>{"id"});
  }

  TEST_CASE("a static route is found with no params") {
    Router r;
    auto id = r.add(Method::get, "/hello");
    PathParams params;
    params.push("stale", "value");
    auto m = r.match(Method::get, "/hello", params);
    CHECK(m.kind == Kind::found);
    CHECK(m.route == id);
    CHECK(params.empty());
  }

  TEST_CASE("an empty router answers not_found") {
    Router r;
    PathParams params;
    CHECK(r.match(Method::get, "/", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "/x/", params).kind == Kind::not_found);
  }

  TEST_CASE("path params are filled with the template's names and views into the path") {
    Router r;
    r.add(Method::get, "/items/{item_id}/owners/{owner}");
    PathParams params;
    std::string path = "/items/42/owners/ann";
    auto m = r.match(Method::get, path, params);
    REQUIRE(m.kind == Kind::found);
    REQUIRE(params.size() == 2);
    CHECK(params.begin()[0].name == "item_id");
    CHECK(params.begin()[0].value == "42");
    CHECK(params.begin()[0].value.data() == path.data() + 7);
    CHECK(params.begin()[1].name == "owner");
    CHECK(param(params, "owner") == "ann");
  }

  TEST_CASE("params are left empty when nothing is found") {
    Router r;
    r.add(Method::get, "/items/{id}");
    PathParams params;
    CHECK(r.match(Method::post, "/items/1", params).kind == Kind::method_not_allowed);
    CHECK(params.empty());
    CHECK(r.match(Method::get, "/nothing/1", params).kind == Kind::not_found);
    CHECK(params.empty());
  }

  TEST_CASE("routes of different methods on one shape keep their own param names") {
    Router r;
    auto get = r.add(Method::get, "/items/{id}");
    auto del = r.add(Method::del, "/items/{item_id}");
    PathParams params;
    auto m = r.match(Method::get, "/items/7", params);
    CHECK(m.route == get);
    CHECK(param(params, "id") == "7");
    m = r.match(Method::del, "/items/8", params);
    CHECK(m.kind == Kind::found);
    CHECK(m.route == del);
    CHECK(param(params, "item_id") == "8");
    CHECK(param(params, "id") == "(absent)");
  }

  TEST_CASE("static beats param: /users/me before /users/{id}, whatever the registration order") {
    Router r;
    auto by_id = r.add(Method::get, "/users/{id}");
    auto me = r.add(Method::get, "/users/me");
    PathParams params;
    CHECK(r.match(Method::get, "/users/me", params).route == me);
    CHECK(params.empty());
    CHECK(r.match(Method::get, "/users/mel", params).route == by_id);
    CHECK(param(params, "id") == "mel");
  }

  TEST_CASE("a static branch that fails deeper backtracks into the param branch") {
    Router r;
    auto me = r.add(Method::get, "/users/me");
    auto x = r.add(Method::get, "/users/{id}/x");
    PathParams params;
    CHECK(r.match(Method::get, "/users/me", params).route == me);
    auto m = r.match(Method::get, "/users/me/x", params);
    CHECK(m.kind == Kind::found);
    CHECK(m.route == x);
    CHECK(param(params, "id") == "me");
  }

  TEST_CASE("a method missing on the static route is looked for on the param route") {
    Router r;
    auto me = r.add(Method::get, "/users/me");
    auto del = r.add(Method::del, "/users/{id}");
    PathParams params;
    CHECK(r.match(Method::get, "/users/me", params).route == me);
    auto m = r.match(Method::del, "/users/me", params);
    CHECK(m.kind == Kind::found);
    CHECK(m.route == del);
    CHECK(param(params, "id") == "me");
  }

  TEST_CASE("405 lists the methods of every route matching the path") {
    Router r;
    r.add(Method::get, "/users/me");
    r.add(Method::del, "/users/{id}");
    PathParams params;
    auto m = r.match(Method::put, "/users/me", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "GET, HEAD, DELETE");
    m = r.match(Method::put, "/users/7", params);
    CHECK(m.allow == "DELETE");
  }

  TEST_CASE("a param matches a non-empty segment only") {
    Router r;
    r.add(Method::get, "/items/{id}");
    PathParams params;
    CHECK(r.match(Method::get, "/items/", params, false).kind == Kind::not_found);
    CHECK(r.match(Method::get, "/items/a/b", params, false).kind == Kind::not_found);
  }

  TEST_CASE("a catch-all takes the rest of the path, slashes included, and may be empty") {
    Router r;
    auto files = r.add(Method::get, "/files/{file_path:path}");
    PathParams params;
    auto m = r.match(Method::get, "/files/home/johndoe/myfile.txt", params);
    CHECK(m.route == files);
    CHECK(param(params, "file_path") == "home/johndoe/myfile.txt");
    CHECK(r.match(Method::get, "/files/", params).kind == Kind::found);
    CHECK(param(params, "file_path") == "");
    CHECK(r.match(Method::get, "/files//etc/passwd", params).kind == Kind::found);
    CHECK(param(params, "file_path") == "/etc/passwd");
  }

  TEST_CASE("param beats catch-all, catch-all takes what the param cannot") {
    Router r;
    auto one = r.add(Method::get, "/f/{name}");
    auto rest = r.add(Method::get, "/f/{p:path}");
    PathParams params;
    CHECK(r.match(Method::get, "/f/a", params).route == one);
    CHECK(r.match(Method::get, "/f/a/b", params).route == rest);
    CHECK(param(params, "p") == "a/b");
  }

  TEST_CASE("static text and a param in one segment match like Starlette's regex") {
    Router r;
    auto txt = r.add(Method::get, "/files/{name}.txt");
    auto plain = r.add(Method::get, "/files/{name}");
    PathParams params;
    CHECK(r.match(Method::get, "/files/notes.v2.txt", params).route == txt);
    CHECK(param(params, "name") == "notes.v2");
    CHECK(r.match(Method::get, "/files/notes.md", params).route == plain);
    CHECK(param(params, "name") == "notes.md");
  }

  TEST_CASE("percent-decoded paths with spaces and unicode bytes match") {
    Router r;
    auto cafe = r.add(Method::get, "/caf\xC3\xA9/{dish}");
    auto spaced = r.add(Method::get, "/my files/{name}");
    PathParams params;
    CHECK(r.match(Method::get,
                  "/caf\xC3\xA9/cr\xC3\xAApe sucr\xC3\xA9"
                  "e",
                  params)
              .route == cafe);
    CHECK(param(params, "dish") == "cr\xC3\xAApe sucr\xC3\xA9"
                                   "e");
    CHECK(r.match(Method::get, "/my files/a b c", params).route == spaced);
    CHECK(param(params, "name") == "a b c");
    CHECK(r.match(Method::get, "/caf\xC3\xA8/x", params).kind == Kind::not_found);
  }

  TEST_CASE("HEAD is served by GET unless a HEAD route exists") {
    Router r;
    auto get = r.add(Method::get, "/a");
    auto get_b = r.add(Method::get, "/b");
    auto head_b = r.add(Method::head, "/b");
    PathParams params;
    auto m = r.match(Method::head, "/a", params);
    CHECK(m.kind == Kind::found);
    CHECK(m.route == get);
    CHECK(r.match(Method::head, "/b", params).route == head_b);
    CHECK(r.match(Method::get, "/b", params).route == get_b);
  }

  TEST_CASE("HEAD is not served by a POST route") {
    Router r;
    r.add(Method::post, "/a");
    PathParams params;
    auto m = r.match(Method::head, "/a", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "POST");
  }

  TEST_CASE("Allow lists methods in the order GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT") {
    Router r;
    r.add({Method::connect, Method::trace, Method::options, Method::del}, "/x");
    r.add({Method::patch, Method::put, Method::post, Method::get}, "/x");
    PathParams params;
    auto m = r.match(Method::other, "/x", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT");
  }

  TEST_CASE("an explicit HEAD route without GET is listed as HEAD alone") {
    Router r;
    r.add(Method::head, "/h");
    r.add(Method::options, "/h");
    PathParams params;
    auto m = r.match(Method::get, "/h", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "HEAD, OPTIONS");
  }

  TEST_CASE("Method::other gets 405 on a known path and 404 elsewhere") {
    Router r;
    r.add(Method::get, "/a");
    PathParams params;
    auto m = r.match(Method::other, "/a", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "GET, HEAD");
    CHECK(r.match(Method::other, "/b", params).kind == Kind::not_found);
  }

  TEST_CASE("one route for several methods has one id") {
    Router r;
    auto id = r.add({Method::get, Method::post}, "/form");
    PathParams params;
    CHECK(r.match(Method::get, "/form", params).route == id);
    CHECK(r.match(Method::post, "/form", params).route == id);
    CHECK(r.match(Method::head, "/form", params).route == id);
    CHECK(r.match(Method::put, "/form", params).allow == "GET, HEAD, POST");
    std::array<Method, 2> methods{Method::put, Method::patch};
    auto id2 = r.add(std::span<const Method>(methods), "/form/{x}");
    CHECK(r.match(Method::patch, "/form/1", params).route == id2);
  }

  TEST_CASE("a missing trailing slash redirects to the route with one") {
    Router r;
    r.add(Method::get, "/items/");
    PathParams params;
    auto m = r.match(Method::get, "/items", params);
    CHECK(m.kind == Kind::redirect_slash);
    CHECK(m.add_slash);
    CHECK(r.match(Method::get, "/items", params, false).kind == Kind::not_found);
  }

  TEST_CASE("an extra trailing slash redirects to the route without it") {
    Router r;
    r.add(Method::get, "/items/{id}");
    PathParams params;
    auto m = r.match(Method::get, "/items/3/", params);
    CHECK(m.kind == Kind::redirect_slash);
    CHECK_FALSE(m.add_slash);
    CHECK(params.empty());
    CHECK(r.match(Method::get, "/items/3/", params, false).kind == Kind::not_found);
  }

  TEST_CASE("the slash redirect matches routes of any method") {
    Router r;
    r.add(Method::post, "/submit");
    PathParams params;
    auto m = r.match(Method::get, "/submit/", params);
    CHECK(m.kind == Kind::redirect_slash);
    CHECK_FALSE(m.add_slash);
  }

  TEST_CASE("405 is answered before any slash redirect") {
    Router r;
    r.add(Method::post, "/a");
    r.add(Method::get, "/a/");
    PathParams params;
    auto m = r.match(Method::get, "/a", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "POST");
  }

  TEST_CASE("/ is never stripped and only one slash is toggled") {
    Router r;
    r.add(Method::get, "/x");
    PathParams params;
    CHECK(r.match(Method::get, "/", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "/x//", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "", params).kind == Kind::not_found);
    Router only_root;
    only_root.add(Method::get, "/");
    CHECK(only_root.match(Method::get, "//", params).kind == Kind::not_found);
  }

  TEST_CASE("a path starting with // is never redirected: its Location would leave the host") {
    Router r;
    r.add(Method::get, "//{host}/");
    r.add(Method::get, "//{host}/x");
    r.add(Method::get, "/{name}/");
    PathParams params;
    CHECK(r.match(Method::get, "//evil.example/", params).kind == Kind::found);
    CHECK(r.match(Method::get, "//evil.example", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "//evil.example/x/", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "/fine", params).kind == Kind::redirect_slash);
  }

  TEST_CASE("a catch-all route answers the path without its slash via redirect") {
    Router r;
    r.add(Method::get, "/static/{p:path}");
    PathParams params;
    auto m = r.match(Method::get, "/static", params);
    CHECK(m.kind == Kind::redirect_slash);
    CHECK(m.add_slash);
  }

  TEST_CASE("the same route registered twice is refused in words") {
    Router r;
    r.add(Method::get, "/items/{id}");
    CHECK(add_error(r, Method::get, "/items/{id}") == "route GET /items/{id} is registered twice");
    CHECK(r.size() == 1);
  }

  TEST_CASE("the same shape with other param names is refused in words") {
    Router r;
    r.add(Method::get, "/items/{id}");
    CHECK(add_error(r, Method::get, "/items/{item_id}") ==
          "route GET /items/{item_id} conflicts with GET /items/{id}: the same path with other parameter names");
    CHECK(r.size() == 1);
  }

  TEST_CASE("a several-method route conflicting on one method registers none of them") {
    Router r;
    r.add(Method::post, "/x");
    try {
      r.add({Method::get, Method::post}, "/x");
      FAIL("expected std::logic_error");
    } catch (const std::logic_error& e) {
      CHECK(std::string(e.what()) == "route POST /x is registered twice");
    }
    PathParams params;
    auto m = r.match(Method::get, "/x", params);
    CHECK(m.kind == Kind::method_not_allowed);
    CHECK(m.allow == "POST");
    CHECK(r.size() == 1);
  }

  TEST_CASE("the same path for another method is no conflict") {
    Router r;
    CHECK(r.add(Method::get, "/items/{id}") == 0);
    CHECK(r.add(Method::put, "/items/{id}") == 1);
    CHECK(r.add(Method::head, "/items/{id}") == 2);
    CHECK(r.add(Method::get, "/items/{id:path}") == 3);
  }

  TEST_CASE("registering no method or Method::other is refused in words") {
    Router r;
    CHECK(add_error(r, Method::other, "/a") == "route /a: Method::other cannot be registered; name a method");
    try {
      r.add(std::span<const Method>(), "/a");
      FAIL("expected std::logic_error");
    } catch (const std::logic_error& e) {
      CHECK(std::string(e.what()) == "route /a is registered for no method");
    }
    CHECK(r.size() == 0);
  }

  TEST_CASE("a bad template is refused with std::invalid_argument and nothing is registered") {
    Router r;
    CHECK_THROWS_WITH_AS(r.add(Method::get, "/items/{id:int}"),
                         "invalid path template \"/items/{id:int}\": convertor 'int' is not supported; "
                         "declare the type with fa::Path<\"id\", int> instead",
                         std::invalid_argument);
    CHECK(r.size() == 0);
  }

  TEST_CASE("a thousand generated routes are all found with their params") {
    Router r;
    std::vector<Router::RouteId> ids;
    for (int i = 0; i < 1000; ++i) {
      std::string n = std::to_string(i);
      ids.push_back(r.add(i % 3 == 0 ? Method::post : Method::get,
                          "/api/v" + std::to_string(i % 5) + "/res" + n + "/{id}/sub" + n));
    }
    CHECK(r.size() == 1000);
    PathParams params;
    for (int i = 0; i < 1000; ++i) {
      std::string n = std::to_string(i);
      std::string path = "/api/v" + std::to_string(i % 5) + "/res" + n + "/key" + n + "/sub" + n;
      auto m = r.match(i % 3 == 0 ? Method::post : Method::get, path, params);
      REQUIRE(m.kind == Kind::found);
      CHECK(m.route == ids[static_cast<std::size_t>(i)]);
      CHECK(param(params, "id") == "key" + n);
    }
    CHECK(r.match(Method::get, "/api/v0/res1000/k/sub1000", params).kind == Kind::not_found);
    CHECK(r.match(Method::get, "/api/v0/res0/k/sub0", params).allow == "POST");
  }

  TEST_CASE("match allocates nothing: found, 404, 405 and both redirects" *
            doctest::skip(!fastapi_test_alloc_counted)) {
    Router r;
    r.add(Method::get, "/users/me");
    r.add(Method::del, "/users/{id}");
    r.add(Method::get, "/users/{id}/x");
    r.add(Method::get, "/files/{p:path}");
    r.add(Method::get, "/items/");
    r.add(Method::get, "/books/{id}");
    for (int i = 0; i < 200; ++i) r.add(Method::get, "/gen" + std::to_string(i) + "/{a}/{b}");
    PathParams params;
    const std::array<std::string_view, 9> paths{"/users/me", "/users/me/x", "/files/a/b/c", "/nope",       "/items",
                                                "/books/1/", "/gen150/x/y", "/users/7",     "/gen199/x/y/"};
    const auto before = fastapi_test_alloc_count();
    int found = 0;
    for (auto path : paths) {
      for (Method m : {Method::get, Method::del, Method::head, Method::other}) {
        auto result = r.match(m, path, params);
        found += result.kind == Kind::found;
      }
    }
    const auto after = fastapi_test_alloc_count();
    CHECK(after == before);
    CHECK(found > 0);
    // The counter itself works: a std::string past the small-string buffer allocates.
    std::string big(100, 'x');
    CHECK(fastapi_test_alloc_count() > after);
  }

}  // TEST_SUITE

}  // namespace test_router_file
