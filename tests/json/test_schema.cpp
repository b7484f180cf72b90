// tests/json/test_schema.cpp: json/schema.hpp — the JSON Schema of a struct, compared with what Pydantic v2 writes.
// Expected texts were produced by Pydantic 2.13's Model.model_json_schema() for the same models, dumped compact.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/json/schema.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_schema_file {

namespace fa = fastapi;

namespace schema_test {

enum class Color { red, green, blue };
struct Customer {
  fa::Field<std::string, fa::Rule{.min_length = 3, .max_length = 50, .pattern = "^[a-z]+$"}> user_name;
  std::string email;
};
struct Item {
  std::string name;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  fa::Default<int, fa::Rule{.ge = 1, .le = 100}> quantity = 1;
  fa::Field<std::vector<std::string>, fa::Rule{.min_length = 1}> tags;
  Color color;
  std::optional<std::string> note;
  std::map<std::string, int> attrs;
  bool flag;
  fa::Json anything;
  fa::Field<double, fa::Rule{.lt = 10, .multiple_of = 0.5}> weight;
};
struct Order {
  int id;
  Customer customer;
  std::vector<Item> items;
  std::optional<Customer> maybe;
  fa::Field<std::string, fa::Rule{.alias = "userName", .title = "The user", .description = "who"}> user_name;
  static constexpr bool forbid_extra = true;
};
struct Signup {
  fa::Email email;
  std::uint8_t age;
  fa::Default<std::string> plan = "free";
};

}  // namespace schema_test

using namespace schema_test;

TEST_SUITE("json/schema") {

  TEST_CASE("an order's schema is byte for byte Pydantic v2's model_json_schema()") {
    CHECK(
        fa::json_schema<Order>().dump() ==
        R"({"$defs":{"Color":{"enum":["red","green","blue"],"title":"Color","type":"string"},)"
        R"("Customer":{"properties":{"user_name":{"maxLength":50,"minLength":3,"pattern":"^[a-z]+$","title":"User Name","type":"string"},)"
        R"("email":{"title":"Email","type":"string"}},"required":["user_name","email"],"title":"Customer","type":"object"},)"
        R"("Item":{"properties":{"name":{"title":"Name","type":"string"},"price":{"exclusiveMinimum":0,"title":"Price","type":"number"},)"
        R"("quantity":{"default":1,"maximum":100,"minimum":1,"title":"Quantity","type":"integer"},)"
        R"("tags":{"items":{"type":"string"},"minItems":1,"title":"Tags","type":"array"},"color":{"$ref":"#/$defs/Color"},)"
        R"("note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Note"},)"
        R"("attrs":{"additionalProperties":{"type":"integer"},"title":"Attrs","type":"object"},"flag":{"title":"Flag","type":"boolean"},)"
        R"("anything":{"title":"Anything"},"weight":{"exclusiveMaximum":10,"multipleOf":0.5,"title":"Weight","type":"number"}},)"
        R"("required":["name","price","tags","color","attrs","flag","anything","weight"],"title":"Item","type":"object"}},)"
        R"("additionalProperties":false,"properties":{"id":{"title":"Id","type":"integer"},"customer":{"$ref":"#/$defs/Customer"},)"
        R"("items":{"items":{"$ref":"#/$defs/Item"},"title":"Items","type":"array"},)"
        R"("maybe":{"anyOf":[{"$ref":"#/$defs/Customer"},{"type":"null"}],"default":null},)"
        R"("userName":{"description":"who","title":"The user","type":"string"}},"required":["id","customer","items","userName"],)"
        R"("title":"Order","type":"object"})");
  }

  TEST_CASE("Email is format email, narrow integers show their bounds, a Default shows its value") {
    CHECK(
        fa::json_schema<Signup>().dump() ==
        R"({"properties":{"email":{"format":"email","title":"Email","type":"string"},)"
        R"("age":{"maximum":255,"minimum":0,"title":"Age","type":"integer"},)"
        R"("plan":{"default":"free","title":"Plan","type":"string"}},"required":["email","age"],"title":"Signup","type":"object"})");
  }

  TEST_CASE("OpenAPI's spelling: refs under #/components/schemas/ and the definitions handed back") {
    fa::Json defs;
    const fa::Json s = fa::json_schema<Customer>("#/components/schemas/", defs);
    CHECK(s["title"] == "Customer");
    CHECK(defs.empty());
    fa::Json defs2;
    const fa::Json t = fa::json_schema<std::vector<Customer>>("#/components/schemas/", defs2);
    CHECK(t.dump() == R"({"items":{"$ref":"#/components/schemas/Customer"},"type":"array"})");
    CHECK(defs2.contains("Customer"));
  }

  TEST_CASE("titles are Python's str.title() with underscores as spaces") {
    CHECK(fa::title_case("user_name") == "User Name");
    CHECK(fa::title_case("userName") == "Username");
    CHECK(fa::title_case("id2x") == "Id2X");
    CHECK(fa::title_case("_private") == " Private");
  }

  TEST_CASE("response_model carries the wall and the schema") {
    CHECK(fa::response_model<Customer>.name == "Customer");
    CHECK(fa::response_model<Customer>.schema()["title"] == "Customer");
    CHECK(static_cast<bool>(fa::response_model<Customer>));
    CHECK(!fa::ResponseModelInfo{});
  }

}  // TEST_SUITE

}  // namespace test_schema_file
