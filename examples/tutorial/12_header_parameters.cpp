// examples/tutorial/12_header_parameters.cpp: reading headers (docs/tutorial/12_header_parameters.md).
//   GET /items/ with "User-Agent: curl/8" -> {"User-Agent":"curl/8"}
//   GET /tokens/ with two "X-Token" lines  -> {"X-Token values":["foo","bar"]}
// Run: ./12_header_parameters [--port 8000]; its test: tests/tutorial/test_12_header_parameters.cpp
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace header_parameters {

void build(fa::App& app) {
  app.get("/items/", [](fa::Header<"user_agent", std::optional<std::string>> user_agent) {
    return fa::Json{{"User-Agent", *user_agent}};
  });

  app.get("/tokens/", [](fa::Header<"x_token", std::vector<std::string>, fa::empty_list> x_token) {
    fa::Json values = fa::Json::array();
    for (const std::string& token : x_token) values.push_back(token);
    return fa::Json{{"X-Token values", values}};
  });
}

}  // namespace header_parameters

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  header_parameters::build(app);
  return app.run(argc, argv);
}
#endif
