// tests/routing/test_path_template.cpp: routing/path_template.hpp — parts, names, and every refusal in words.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/routing/path_template.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_path_template_file {

using fastapi::PathTemplate;
using Kind = fastapi::PathTemplate::Kind;

namespace {

std::string error_of(std::string_view source) {
  try {
    (void)PathTemplate::parse(source);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> names_of(std::string_view source) {
  std::vector<std::string> out;
  auto t = PathTemplate::parse(source);  // param_names() views into t: keep it alive
  for (std::string_view n : t.param_names()) out.emplace_back(n);
  return out;
}

}  // namespace

TEST_SUITE("routing/path_template") {

  TEST_CASE("a static template is one text part") {
    auto t = PathTemplate::parse("/users/me");
    REQUIRE(t.part_count() == 1);
    CHECK(t.part(0).kind == Kind::text);
    CHECK(t.part(0).text == "/users/me");
    CHECK(t.param_count() == 0);
    CHECK(t.param_names().empty());
    CHECK(t.source() == "/users/me");
    CHECK_FALSE(t.has_catch_all());
  }

  TEST_CASE("the root template is the single text part /") {
    auto t = PathTemplate::parse("/");
    REQUIRE(t.part_count() == 1);
    CHECK(t.part(0).text == "/");
  }

  TEST_CASE("params and static text alternate in order") {
    auto t = PathTemplate::parse("/items/{item_id}/owners/{owner}");
    REQUIRE(t.part_count() == 4);
    CHECK(t.part(0).kind == Kind::text);
    CHECK(t.part(0).text == "/items/");
    CHECK(t.part(1).kind == Kind::param);
    CHECK(t.part(1).text == "item_id");
    CHECK(t.part(2).kind == Kind::text);
    CHECK(t.part(2).text == "/owners/");
    CHECK(t.part(3).kind == Kind::param);
    CHECK(t.part(3).text == "owner");
    CHECK(names_of("/items/{item_id}/owners/{owner}") == std::vector<std::string>{"item_id", "owner"});
  }

  TEST_CASE("a trailing slash after a param is its own text part") {
    auto t = PathTemplate::parse("/items/{id}/");
    REQUIRE(t.part_count() == 3);
    CHECK(t.part(2).text == "/");
  }

  TEST_CASE("{name:path} is a catch-all part at the end") {
    auto t = PathTemplate::parse("/files/{file_path:path}");
    REQUIRE(t.part_count() == 2);
    CHECK(t.part(1).kind == Kind::path);
    CHECK(t.part(1).text == "file_path");
    CHECK(t.has_catch_all());
    CHECK(t.param_names() == std::vector<std::string_view>{"file_path"});
  }

  TEST_CASE("{name:str} is Starlette's spelling of a plain param") {
    auto t = PathTemplate::parse("/u/{name:str}");
    REQUIRE(t.part_count() == 2);
    CHECK(t.part(1).kind == Kind::param);
    CHECK(t.part(1).text == "name");
  }

  TEST_CASE("static text and params may share a segment") {
    auto t = PathTemplate::parse("/files/{name}.txt");
    REQUIRE(t.part_count() == 3);
    CHECK(t.part(1).text == "name");
    CHECK(t.part(2).kind == Kind::text);
    CHECK(t.part(2).text == ".txt");
    CHECK(names_of("/v{major}-{minor}/x") == std::vector<std::string>{"major", "minor"});
  }

  TEST_CASE("names are C identifiers: underscores and digits after the first byte") {
    CHECK(names_of("/{_a1}/{B_2}") == std::vector<std::string>{"_a1", "B_2"});
  }

  TEST_CASE("parts survive a copy of the template") {
    auto original = PathTemplate::parse("/items/{item_id}");
    PathTemplate copy = original;
    original = PathTemplate::parse("/other");
    CHECK(copy.part(1).text == "item_id");
    CHECK(copy.source() == "/items/{item_id}");
  }

  TEST_CASE("same_shape ignores names but not kinds or text") {
    auto a = PathTemplate::parse("/items/{id}");
    CHECK(a.same_shape(PathTemplate::parse("/items/{item_id}")));
    CHECK(a.same_shape(PathTemplate::parse("/items/{x:str}")));
    CHECK_FALSE(a.same_shape(PathTemplate::parse("/items/{id:path}")));
    CHECK_FALSE(a.same_shape(PathTemplate::parse("/item/{id}")));
    CHECK_FALSE(a.same_shape(PathTemplate::parse("/items/{id}/")));
  }

  TEST_CASE("a template not starting with / is refused") {
    CHECK(error_of("items/{id}") == "invalid path template \"items/{id}\": it must start with '/'");
    CHECK(error_of("") == "invalid path template \"\": it must start with '/'");
  }

  TEST_CASE("unbalanced braces are refused with their offset") {
    CHECK(error_of("/items/{id") ==
          "invalid path template \"/items/{id\": unbalanced braces: '{' at offset 7 is not closed by '}'");
    CHECK(error_of("/items/{a{b}") ==
          "invalid path template \"/items/{a{b}\": unbalanced braces: '{' at offset 7 is not closed by '}'");
    CHECK(error_of("/items/id}") ==
          "invalid path template \"/items/id}\": unbalanced braces: '}' at offset 9 has no matching '{'");
  }

  TEST_CASE("an empty parameter name is refused") {
    CHECK(error_of("/items/{}") == "invalid path template \"/items/{}\": a parameter has an empty name ('{}')");
    CHECK(error_of("/items/{:path}") ==
          "invalid path template \"/items/{:path}\": a parameter has an empty name ('{:path}')");
  }

  TEST_CASE("a parameter name that is not an identifier is refused") {
    CHECK(error_of("/items/{item-id}") ==
          "invalid path template \"/items/{item-id}\": parameter name 'item-id' is not an identifier "
          "(letters, digits and '_', not starting with a digit)");
    CHECK(error_of("/items/{1st}") ==
          "invalid path template \"/items/{1st}\": parameter name '1st' is not an identifier "
          "(letters, digits and '_', not starting with a digit)");
    CHECK(error_of("/items/{ id }").find("parameter name ' id ' is not an identifier") != std::string::npos);
  }

  TEST_CASE("the same name twice is refused") {
    CHECK(error_of("/a/{id}/b/{id}") == "invalid path template \"/a/{id}/b/{id}\": parameter 'id' appears twice");
  }

  TEST_CASE("a catch-all that is not last is refused") {
    CHECK(error_of("/files/{p:path}/edit") ==
          "invalid path template \"/files/{p:path}/edit\": {p:path} must be the last part of the template");
    CHECK(error_of("/files/{p:path}{q}") ==
          "invalid path template \"/files/{p:path}{q}\": {p:path} must be the last part of the template");
  }

  TEST_CASE("unsupported convertors point at fa::Path with the type") {
    CHECK(error_of("/items/{id:int}") == "invalid path template \"/items/{id:int}\": convertor 'int' is not supported; "
                                         "declare the type with fa::Path<\"id\", int> instead");
    CHECK(error_of("/items/{price:float}") ==
          "invalid path template \"/items/{price:float}\": convertor 'float' is not supported; "
          "declare the type with fa::Path<\"price\", double> instead");
    CHECK(error_of("/items/{id:uuid}") ==
          "invalid path template \"/items/{id:uuid}\": convertor 'uuid' is not supported; "
          "use {id} or {id:path} and declare the type with fa::Path<\"id\", T>");
  }

  TEST_CASE("two params without static text between them are refused") {
    CHECK(error_of("/x/{a}{b}") ==
          "invalid path template \"/x/{a}{b}\": parameters {a} and {b} must be separated by static text");
    CHECK(error_of("/x/{a}{b:path}") ==
          "invalid path template \"/x/{a}{b:path}\": parameters {a} and {b} must be separated by static text");
  }

  TEST_CASE("more than FASTAPI_MAX_PATH_PARAMS params are refused") {
    std::string ok, too_many;
    for (unsigned i = 0; i < FASTAPI_MAX_PATH_PARAMS; ++i) ok += "/{p" + std::to_string(i) + "}";
    too_many = ok + "/{last}";
    CHECK(PathTemplate::parse(ok).param_count() == FASTAPI_MAX_PATH_PARAMS);
    CHECK(error_of(too_many) == "invalid path template \"" + too_many + "\": it has more than " +
                                    std::to_string(FASTAPI_MAX_PATH_PARAMS) +
                                    " parameters (raise FASTAPI_MAX_PATH_PARAMS)");
  }

}  // TEST_SUITE

}  // namespace test_path_template_file
