// tests/routing/test_radix_tree.cpp: routing/radix_tree.hpp — shapes to leaves, precedence, backtracking, captures.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/routing/path_template.hpp"
#include "fastapi/routing/radix_tree.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_radix_tree_file {

using fastapi::PathTemplate;
using fastapi::detail::RadixTree;

namespace {

struct Visit {
  RadixTree::LeafId leaf;
  std::vector<std::string> values;
  bool operator==(const Visit&) const = default;
};

RadixTree::LeafId insert(RadixTree& tree, std::string_view source) { return tree.insert(PathTemplate::parse(source)); }

// Every leaf the path matches, in the order the tree offers them (the visitor never accepts).
std::vector<Visit> all_matches(const RadixTree& tree, std::string_view path, bool with_slash = false) {
  std::vector<Visit> out;
  auto visit = [&](RadixTree::LeafId leaf, RadixTree::Values values) {
    out.push_back({leaf, std::vector<std::string>(values.begin(), values.end())});
    return false;
  };
  bool accepted = with_slash ? tree.match_with_slash(path, visit) : tree.match(path, visit);
  CHECK_FALSE(accepted);
  return out;
}

// The first leaf offered, or RadixTree::none.
RadixTree::LeafId first(const RadixTree& tree, std::string_view path) {
  RadixTree::LeafId got = RadixTree::none;
  tree.match(path, [&](RadixTree::LeafId leaf, RadixTree::Values) {
    got = leaf;
    return true;
  });
  return got;
}

}  // namespace

TEST_SUITE("routing/radix_tree") {

  TEST_CASE("each distinct shape gets the next leaf id and a repeated shape its old one") {
    RadixTree tree;
    CHECK(insert(tree, "/items") == 0);
    CHECK(insert(tree, "/items/{id}") == 1);
    CHECK(insert(tree, "/items/{item_id}") == 1);
    CHECK(insert(tree, "/items/{id:path}") == 2);
    CHECK(insert(tree, "/items") == 0);
    CHECK(insert(tree, "/item") == 3);
    CHECK(tree.leaf_count() == 4);
  }

  TEST_CASE("an empty tree matches nothing") {
    RadixTree tree;
    CHECK(all_matches(tree, "/").empty());
    CHECK(all_matches(tree, "").empty());
  }

  TEST_CASE("static paths sharing prefixes are split and all still match") {
    RadixTree tree;
    auto team = insert(tree, "/team");
    auto tea = insert(tree, "/tea");
    auto teapot = insert(tree, "/teapot");
    auto t = insert(tree, "/t");
    auto root = insert(tree, "/");
    CHECK(first(tree, "/team") == team);
    CHECK(first(tree, "/tea") == tea);
    CHECK(first(tree, "/teapot") == teapot);
    CHECK(first(tree, "/t") == t);
    CHECK(first(tree, "/") == root);
    CHECK(first(tree, "/te") == RadixTree::none);
    CHECK(first(tree, "/teams") == RadixTree::none);
    CHECK(first(tree, "/teapo") == RadixTree::none);
    CHECK(first(tree, "") == RadixTree::none);
    // Root "/" -> "t" -> "ea" -> {"m", "pot"}: compressed, not one node per byte.
    CHECK(tree.node_count() < 10);
  }

  TEST_CASE("a param captures one non-empty segment") {
    RadixTree tree;
    auto leaf = insert(tree, "/users/{id}");
    CHECK(all_matches(tree, "/users/42") == std::vector<Visit>{{leaf, {"42"}}});
    CHECK(all_matches(tree, "/users/").empty());
    CHECK(all_matches(tree, "/users/42/").empty());
    CHECK(all_matches(tree, "/users/4/2").empty());
  }

  TEST_CASE("static beats param, which beats catch-all, and all are offered in that order") {
    RadixTree tree;
    auto rest = insert(tree, "/users/{rest:path}");
    auto id = insert(tree, "/users/{id}");
    auto me = insert(tree, "/users/me");
    CHECK(all_matches(tree, "/users/me") == std::vector<Visit>{{me, {}}, {id, {"me"}}, {rest, {"me"}}});
    CHECK(all_matches(tree, "/users/you") == std::vector<Visit>{{id, {"you"}}, {rest, {"you"}}});
    CHECK(all_matches(tree, "/users/a/b") == std::vector<Visit>{{rest, {"a/b"}}});
  }

  TEST_CASE("a static branch that fails deeper falls back to the param branch") {
    RadixTree tree;
    auto me = insert(tree, "/users/me");
    auto x = insert(tree, "/users/{id}/x");
    CHECK(first(tree, "/users/me") == me);
    CHECK(all_matches(tree, "/users/me/x") == std::vector<Visit>{{x, {"me"}}});
    // A static child that only shares the first byte must not block the param either.
    CHECK(all_matches(tree, "/users/mex/x") == std::vector<Visit>{{x, {"mex"}}});
  }

  TEST_CASE("captured values of an abandoned branch do not leak into the next one") {
    RadixTree tree;
    insert(tree, "/{a}/{b}/c");
    auto other = insert(tree, "/{a}/x/d");
    CHECK(all_matches(tree, "/1/x/d") == std::vector<Visit>{{other, {"1"}}});
  }

  TEST_CASE("a catch-all takes slashes and may be empty") {
    RadixTree tree;
    auto leaf = insert(tree, "/files/{p:path}");
    CHECK(all_matches(tree, "/files/a/b/c.txt") == std::vector<Visit>{{leaf, {"a/b/c.txt"}}});
    CHECK(all_matches(tree, "/files/") == std::vector<Visit>{{leaf, {""}}});
    CHECK(all_matches(tree, "/files//x/") == std::vector<Visit>{{leaf, {"/x/"}}});
    CHECK(all_matches(tree, "/files").empty());
  }

  TEST_CASE("a catch-all right after static text in one segment takes the rest") {
    RadixTree tree;
    auto leaf = insert(tree, "/static{p:path}");
    CHECK(all_matches(tree, "/static/css/a.css") == std::vector<Visit>{{leaf, {"/css/a.css"}}});
    CHECK(all_matches(tree, "/static") == std::vector<Visit>{{leaf, {""}}});
  }

  TEST_CASE("a leaf at the end of the path is offered before an empty catch-all") {
    RadixTree tree;
    auto rest = insert(tree, "/a/{p:path}");
    auto exact = insert(tree, "/a/");
    CHECK(all_matches(tree, "/a/") == std::vector<Visit>{{exact, {}}, {rest, {""}}});
  }

  TEST_CASE("static text after a param inside one segment splits it, the longest value first") {
    RadixTree tree;
    auto txt = insert(tree, "/files/{name}.txt");
    auto any = insert(tree, "/files/{name}");
    CHECK(all_matches(tree, "/files/a.b.txt") == std::vector<Visit>{{txt, {"a.b"}}, {any, {"a.b.txt"}}});
    CHECK(all_matches(tree, "/files/readme") == std::vector<Visit>{{any, {"readme"}}});
    CHECK(all_matches(tree, "/files/.txt") == std::vector<Visit>{{any, {".txt"}}});  // name must be non-empty
  }

  TEST_CASE("two params in one segment need the static text between them") {
    RadixTree tree;
    auto leaf = insert(tree, "/v{major}-{minor}/x");
    CHECK(all_matches(tree, "/v1-2/x") == std::vector<Visit>{{leaf, {"1", "2"}}});
    // Like Starlette's greedy regex, the first offer is major="1-2". The other split reaches the same leaf through
    // the same failed branch (minor's whole segment, then "/x"), which is not walked twice (linear matching, see
    // tests/regression/test_issue_16_router.cpp): a leaf the visitor refused is not offered again that way.
    CHECK(all_matches(tree, "/v1-2-3/x") == std::vector<Visit>{{leaf, {"1-2", "3"}}});
    // When the first split's branch fails before the leaf, the next split is still tried.
    CHECK(all_matches(tree, "/v1-2-/x").size() == 1);
    CHECK(all_matches(tree, "/v1/x").empty());
  }

  TEST_CASE("percent-decoded bytes are ordinary bytes: spaces, unicode, dots") {
    RadixTree tree;
    auto cafe = insert(tree, "/caf\xC3\xA9/menu");
    auto cat = insert(tree, "/caf\xC3\xA8");
    auto name = insert(tree, "/u/{name}");
    CHECK(first(tree, "/caf\xC3\xA9/menu") == cafe);
    CHECK(first(tree, "/caf\xC3\xA8") == cat);
    CHECK(first(tree, "/caf\xC3") == RadixTree::none);
    CHECK(all_matches(tree, "/u/John Smith") == std::vector<Visit>{{name, {"John Smith"}}});
    CHECK(all_matches(tree, "/u/\xE6\x97\xA5\xE6\x9C\xAC") == std::vector<Visit>{{name, {"\xE6\x97\xA5\xE6\x9C\xAC"}}});
  }

  TEST_CASE("match_with_slash reads the path as if it ended with one more /") {
    RadixTree tree;
    auto items = insert(tree, "/items/");
    auto sub = insert(tree, "/x/{id}/");
    auto files = insert(tree, "/files/{p:path}");
    CHECK(all_matches(tree, "/items", true) == std::vector<Visit>{{items, {}}});
    CHECK(all_matches(tree, "/item", true).empty());
    CHECK(all_matches(tree, "/x/7", true) == std::vector<Visit>{{sub, {"7"}}});
    CHECK(all_matches(tree, "/files", true) == std::vector<Visit>{{files, {""}}});
    CHECK(all_matches(tree, "/items/", true).empty());
  }

  TEST_CASE("values are views into the matched path, not copies") {
    RadixTree tree;
    insert(tree, "/a/{x}");
    std::string path = "/a/value";
    const char* where = nullptr;
    tree.match(path, [&](RadixTree::LeafId, RadixTree::Values v) {
      where = v[0].data();
      return true;
    });
    CHECK(where == path.data() + 3);
  }

  TEST_CASE("a thousand generated shapes are each found with their own leaf") {
    RadixTree tree;
    std::vector<RadixTree::LeafId> leaves;
    for (int i = 0; i < 1000; ++i)
      leaves.push_back(insert(tree, "/r" + std::to_string(i) + "/{id}/s" + std::to_string(i % 7)));
    for (int i = 0; i < 1000; ++i) {
      std::string path = "/r" + std::to_string(i) + "/v" + std::to_string(i) + "/s" + std::to_string(i % 7);
      auto got = all_matches(tree, path);
      REQUIRE(got.size() == 1);
      CHECK(got[0] == Visit{leaves[static_cast<std::size_t>(i)], {"v" + std::to_string(i)}});
    }
    CHECK(first(tree, "/r1000/v/s0") == RadixTree::none);
  }

}  // TEST_SUITE

}  // namespace test_radix_tree_file
