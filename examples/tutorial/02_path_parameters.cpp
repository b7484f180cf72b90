// examples/tutorial/02_path_parameters.cpp: path parameters (docs/tutorial/02_path_parameters.md).
//   GET /items/3            -> {"item_id":3}             GET /items/foo -> 422 int_parsing
//   GET /users/me           -> {"user_id":"the current user"}   (declared before /users/{user_id})
//   GET /models/alexnet     -> {"model_name":"alexnet","message":"Deep Learning FTW!"}
//   GET /files/home/johndoe/myfile.txt -> {"file_path":"home/johndoe/myfile.txt"}
// Run: ./02_path_parameters [--port 8000]; its test: tests/tutorial/test_02_path_parameters.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace path_parameters {

enum class ModelName { alexnet, resnet, lenet };

struct ModelAnswer {
  ModelName model_name;
  std::string message;
};

void build(fa::App& app) {
  app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id) { return fa::Json{{"item_id", *item_id}}; });

  app.get("/users/me", [] { return fa::Json{{"user_id", "the current user"}}; });
  app.get("/users/{user_id}", [](fa::Path<"user_id", std::string> user_id) { return fa::Json{{"user_id", *user_id}}; });

  app.get("/models/{model_name}", [](fa::Path<"model_name", ModelName> model_name) {
    if (model_name == ModelName::alexnet) return ModelAnswer{*model_name, "Deep Learning FTW!"};
    if (model_name == ModelName::lenet) return ModelAnswer{*model_name, "LeCNN all the images"};
    return ModelAnswer{*model_name, "Have some residuals"};
  });

  app.get("/files/{file_path:path}", [](fa::Path<"file_path", std::string> file_path) {
    return fa::Json{{"file_path", *file_path}};
  });
}

}  // namespace path_parameters

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  path_parameters::build(app);
  return app.run(argc, argv);
}
#endif
