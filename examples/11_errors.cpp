// examples/11_errors.cpp: FastAPI's "Handling Errors" tutorial: HTTPException with headers, a handler for your
// own exception type, and the validation error (422) answered in your own shape.
//   GET /items/{item_id}    "foo" -> {"item":"The Foo Wrestlers"}; else 404 with X-Error
//   GET /unicorns/{name}    "yolo" -> 418 {"message":"Oops! yolo did something. There goes a rainbow..."}
//   GET /numbers/{n}        n must be an int: otherwise 400 {"error":"validation","fields":["path.n"]}
// Run: ./11_errors --port 8000
#include <map>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

/// An exception of the app's own.
struct UnicornException : std::exception {
  explicit UnicornException(std::string n) : name(std::move(n)) {}
  const char* what() const noexcept override { return "unicorn trouble"; }
  std::string name;
};

int main(int argc, char** argv) {
  fa::App app;

  app.exception_handler<UnicornException>([](fa::Request&, const UnicornException& e) {
    return fa::JSONResponse(fa::Json{{"message", "Oops! " + e.name + " did something. There goes a rainbow..."}}, 418);
  });

  // Every 422 in this app's own shape: 400 with the fields that failed.
  app.exception_handler<fa::RequestValidationError>([](fa::Request&, const fa::RequestValidationError& e) {
    fa::Json body = e.body();  // {"detail": [{"type", "loc", "msg", "input"}, ...]}
    fa::Json fields = fa::Json::array();
    for (const fa::Json& error : body["detail"]) {
      std::string where;
      for (const fa::Json& part : error["loc"]) {
        if (!where.empty()) where += ".";
        where += part.is_string() ? part.as_string() : part.dump();
      }
      fields.push_back(where);
    }
    return fa::JSONResponse(fa::Json{{"error", "validation"}, {"fields", fields}}, 400);
  });

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id) {
    static const std::map<std::string, std::string> items{{"foo", "The Foo Wrestlers"}};
    auto it = items.find(*item_id);
    if (it == items.end()) throw fa::HTTPException{404, "Item not found", {{"X-Error", "There goes my error"}}};
    return fa::Json{{"item", it->second}};
  });

  app.get("/unicorns/{name}", [](fa::Path<"name", std::string> name) {
    if (*name == "yolo") throw UnicornException(*name);
    return fa::Json{{"unicorn_name", *name}};
  });

  app.get("/numbers/{n}", [](fa::Path<"n", int> n) { return fa::Json{{"n", *n}}; });

  return app.run(argc, argv);
}
