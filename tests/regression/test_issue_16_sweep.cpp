// tests/regression/test_issue_16_sweep.cpp: issue 16 §2's sweep, "no work driven by input size without a bound".
// 1. The router. A path segment holding several parameters separated by static text (`/{a}-{b}-{c}.txt`) was matched by
// trying every split point recursively: L^k steps for k parameters in a segment of length L (a path of 800
// dashes took 2.4 s per match, an 8 KiB request line minutes on one loop thread). The walk now remembers the
// (node, position) pairs that failed, so each is tried once; the answers, greedy as before, are unchanged.
// 2. Repeated JSON keys. Python's dict semantics (first position, last value) were kept with a
// std::unordered_map<std::string_view> past 16 members: libstdc++ hashes with a fixed seed, so a body of
// crafted colliding keys could make a 1 MiB object quadratic. Duplicates are now found by sorting
// (O(n log n) comparisons whatever the keys); these tests pin the semantics on objects past 16 members.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/routing/path_template.hpp"
#include "fastapi/routing/radix_tree.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_sweep_file {

namespace fa = fastapi;
using fa::detail::RadixTree;
using namespace std::chrono_literals;

std::vector<std::string> captured(const RadixTree& tree, std::string_view path) {
  std::vector<std::string> out;
  tree.match(path, [&](RadixTree::LeafId, RadixTree::Values values) {
    out.assign(values.begin(), values.end());
    return true;
  });
  return out;
}

TEST_SUITE("regression/issue_16/sweep") {
  TEST_CASE("a segment with three parameters and 8,000 separators is refused at once, not after L^3 splits") {
    RadixTree tree;
    tree.insert(fa::PathTemplate::parse("/{a}-{b}-{c}.txt"));
    const std::string path = "/" + std::string(8000, '-') + ".tx";  // every split is tried: none matches
    auto started = std::chrono::steady_clock::now();
    CHECK(captured(tree, path).empty());
    CHECK(std::chrono::steady_clock::now() - started < fa::test_support::scaled(5s));
  }

  TEST_CASE("splits inside a segment still take the longest value first, as a greedy regex does") {
    RadixTree tree;
    tree.insert(fa::PathTemplate::parse("/{a}-{b}-{c}.txt"));
    CHECK(captured(tree, "/x-y-z.txt") == std::vector<std::string>{"x", "y", "z"});
    CHECK(captured(tree, "/x-y-z-w.txt") == std::vector<std::string>{"x-y", "z", "w"});
    CHECK(captured(tree, "/x--y.txt").empty());  // no value is empty: `[^/]+`
    CHECK(captured(tree, "/x-y.txt").empty());
  }

  TEST_CASE(
      "over a real socket, a long request line against such a route gets its 404 and the server answers the next") {
    fa::App app;
    app.get("/files/{a}-{b}-{c}.txt", [](fa::Path<"a", std::string> a, fa::Path<"b", std::string> b,
                                         fa::Path<"c", std::string> c) { return *a + "|" + *b + "|" + *c; });
    fa::testing::TestClient client{app};
    auto started = std::chrono::steady_clock::now();
    auto miss = client.get("/files/" + std::string(7000, '-') + ".tx");
    CHECK(miss.status == 404);
    CHECK(std::chrono::steady_clock::now() - started < fa::test_support::scaled(5s));
    auto hit = client.get("/files/report-2026-12.txt");
    CHECK(hit.status == 200);
    CHECK(hit.text == "report|2026|12");
  }
  TEST_CASE("past 16 members, a repeated key keeps its first position and its last value (fa::Json)") {
    std::string text = "{";
    for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    text += "\"k3\":\"three\",\"k0\":[0],\"k3\":3.5,\"new\":true}";
    fa::Json j = fa::Json::parse(text);
    REQUIRE(j.size() == 41);
    std::string dumped = j.dump();
    CHECK(dumped.starts_with("{\"k0\":[0],\"k1\":1,\"k2\":2,\"k3\":3.5,\"k4\":4,"));
    CHECK(dumped.ends_with("\"k39\":39,\"new\":true}"));
  }

  TEST_CASE("past 16 members, a repeated key in a body read into a map or a struct takes the last value") {
    std::string text = "{";
    for (int i = 0; i < 30; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    text += "\"k7\":70,\"k7\":700}";
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    loc.push(std::string_view("body"));
    auto map = fa::read_json<std::map<std::string, int>>(text, errors, loc);
    REQUIRE(map);
    CHECK(map->size() == 30);
    CHECK(map->at("k7") == 700);
    CHECK(map->at("k29") == 29);

    fa::App app;
    app.post("/count", [](fa::Body<std::map<std::string, int>> body) {
      return fa::Json{{"n", body->size()}, {"k7", body->at("k7")}};
    });
    fa::testing::TestClient client{app};
    auto r = client.post("/count", {.headers = {{"content-type", "application/json"}}, .content = text});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"n":30,"k7":700})");
  }

  TEST_CASE("an object of 50,000 keys with long shared prefixes, some repeated, is read in bounded time") {
    std::string text = "{";
    const std::string prefix(12, 'p');
    for (int i = 0; i < 50000; ++i) text += "\"" + prefix + std::to_string(i % 40000) + "\":" + std::to_string(i) + ",";
    text.back() = '}';
    auto started = std::chrono::steady_clock::now();
    fa::Json j = fa::Json::parse(text);
    CHECK(j.size() == 40000);
    CHECK(j[prefix + "5"].as_int() == 40005);
    CHECK(std::chrono::steady_clock::now() - started < fa::test_support::scaled(5s));
  }
}

}  // namespace test_issue_16_sweep_file
