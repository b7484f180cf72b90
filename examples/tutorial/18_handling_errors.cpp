// examples/tutorial/18_handling_errors.cpp: telling the client what went wrong: fa::HTTPException, headers on an
// error, a handler for an exception of your own, the default handlers replaced or reused, and handlers keyed by a
// status code (docs/tutorial/18_handling_errors.md).
//   GET /items/foo   -> {"item":"The Foo Wrestlers"};  GET /items/bar -> 404 {"detail":"Item not found"}
//   GET /unicorns/yolo -> 418 {"message":"Oops! yolo did something. There goes a rainbow..."}
//   POST /items/ {"title":"towel","size":"XL"} -> 422 {"detail":[...],"body":{"title":"towel","size":"XL"}}
// Run: ./18_handling_errors [--port 8000]; its test: tests/tutorial/test_18_handling_errors.cpp
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace handling_errors {

const std::map<std::string, std::string> items{{"foo", "The Foo Wrestlers"}};

struct UnicornException : std::exception {
  explicit UnicornException(std::string name) : name(std::move(name)) {}
  const char* what() const noexcept override { return "a unicorn did something"; }
  std::string name;
};

struct Item {
  std::string title;
  int size;
};

int& http_errors_logged() {  // how many HTTP errors the reusing handler saw, for the page's test
  static int count = 0;
  return count;
}

void build(fa::App& app) {
  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id) {
    auto it = items.find(*item_id);
    if (it == items.end()) throw fa::HTTPException{404, "Item not found"};
    return fa::Json{{"item", it->second}};
  });

  app.get("/items-header/{item_id}", [](fa::Path<"item_id", std::string> item_id) {
    auto it = items.find(*item_id);
    if (it == items.end()) throw fa::HTTPException{404, "Item not found", {{"X-Error", "There goes my error"}}};
    return fa::Json{{"item", it->second}};
  });

  app.exception_handler<UnicornException>([](fa::Request&, const UnicornException& e) {
    return fa::JSONResponse(fa::Json{{"message", "Oops! " + e.name + " did something. There goes a rainbow..."}}, 418);
  });

  app.get("/unicorns/{name}", [](fa::Path<"name", std::string> name) {
    if (*name == "yolo") throw UnicornException(*name);
    return fa::Json{{"unicorn_name", *name}};
  });

  // The validation errors, and the body that caused them.
  app.exception_handler<fa::RequestValidationError>([](fa::Request& req, const fa::RequestValidationError& e) {
    fa::Json body;  // null when there was none
    if (!req.body.empty()) {
      try {
        body = fa::Json::parse(req.body);
      } catch (const std::exception&) {
        body = std::string(req.body);  // not JSON: the text as it came
      }
    }
    return fa::JSONResponse(fa::Json{{"detail", e.body()["detail"]}, {"body", body}}, 422);
  });

  app.post("/items/", [](Item item) { return item; });

  // Every HTTP error is logged, then answered as by default (headers included).
  app.exception_handler<fa::HTTPException>([](fa::Request&, const fa::HTTPException& e) {
    ++http_errors_logged();
    std::fprintf(stderr, "OMG! An HTTP error!: %d %s\n", e.status_code, e.detail.c_str());
    return fa::http_exception_response(e);
  });
}

// A second app: the default handlers replaced by plain text (FastAPI's page shows this one apart, too).
void build_plain_text_errors(fa::App& app) {
  app.exception_handler<fa::HTTPException>(
      [](fa::Request&, const fa::HTTPException& e) { return fa::PlainTextResponse(e.detail, e.status_code); });

  app.exception_handler<fa::RequestValidationError>([](fa::Request&, const fa::RequestValidationError& e) {
    std::string message = "Validation errors:";
    const fa::Json errors = e.body()["detail"];  // a copy: e.body() is a temporary
    for (const fa::Json& error : errors) {
      std::string loc;  // Python's repr of the location tuple: ('path', 'item_id')
      for (const fa::Json& part : error["loc"]) {
        loc += loc.empty() ? "(" : ", ";
        loc += part.is_string() ? "'" + part.as_string() + "'" : part.dump();
      }
      message += "\nField: " + loc + "), Error: " + error["msg"].as_string();
    }
    return fa::PlainTextResponse(message, 400);
  });

  app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id) {
    if (*item_id == 3) throw fa::HTTPException{418, "Nope! I don't like 3."};
    return fa::Json{{"item_id", *item_id}};
  });
}

// A third app: handlers keyed by a status code (Starlette's exception_handlers={404: ..., 500: ...}).
void build_error_pages(fa::App& app) {
  // Every 404: an unknown path, and a route's own HTTPException(404).
  app.exception_handler(404, [](fa::Request& req, const fa::HTTPException& e) {
    return fa::HTMLResponse("<h1>Not here</h1><p>" + e.detail + ": " + std::string(req.path) + "</p>", 404);
  });
  // Whatever no handler answered (still logged with its type and message).
  app.exception_handler(500, [](fa::Request&, const std::exception&) {
    return fa::HTMLResponse("<h1>Something broke</h1><p>We are on it.</p>", 500);
  });

  app.get("/pages/{name}", [](fa::Path<"name", std::string> name) -> std::string {
    if (*name == "secret") throw fa::HTTPException{404, "No such page"};
    if (*name == "broken") throw std::runtime_error("the page's template is missing");
    return "page " + *name;
  });
}

}  // namespace handling_errors

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  handling_errors::build(app);
  return app.run(argc, argv);
}
#endif
