// tests/regression/test_issue_16_router.cpp: issue 16 §2's sweep, "no work driven by input size without a bound".
// A path segment holding several parameters separated by static text (`/{a}-{b}-{c}.txt`) was matched by
// trying every split point recursively: L^k steps for k parameters in a segment of length L (a path of 800
// dashes took 2.4 s per match, an 8 KiB request line minutes on one loop thread). The walk now remembers the
// (node, position) pairs that failed, so each is tried once; the answers, greedy as before, are unchanged.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/routing/path_template.hpp"
#include "fastapi/routing/radix_tree.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_router_file {

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

TEST_SUITE("regression/issue_16/router") {
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

  TEST_CASE("over a real socket, a long request line against such a route gets its 404 and the server answers the next") {
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
}

}  // namespace test_issue_16_router_file
