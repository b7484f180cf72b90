// tests/tutorial/test_02_path_parameters.cpp: what docs/tutorial/02_path_parameters.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/02_path_parameters.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/02_path_parameters") {
  TEST_CASE("a typed path parameter is converted, or answered with FastAPI's 422") {
    fa::App app;
    path_parameters::build(app);
    fa::testing::TestClient client{app};
    auto ok = client.get("/items/3");
    CHECK(ok.status == 200);
    CHECK(ok.text == R"({"item_id":3})");

    auto bad = client.get("/items/foo");
    CHECK(bad.status == 422);
    CHECK(bad.text ==
          R"({"detail":[{"type":"int_parsing","loc":["path","item_id"],)"
          R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"foo"}]})");
    CHECK(client.get("/items/4.2").status == 422);
  }

  TEST_CASE("the fixed path declared first wins over the parameter") {
    fa::App app;
    path_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/users/me").text == R"({"user_id":"the current user"})");
    CHECK(client.get("/users/alice").text == R"({"user_id":"alice"})");
  }

  TEST_CASE("an enum path parameter takes the enumerators' names, and anything else is a 422 naming them") {
    fa::App app;
    path_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/models/alexnet").text == R"({"model_name":"alexnet","message":"Deep Learning FTW!"})");
    CHECK(client.get("/models/lenet").text == R"({"model_name":"lenet","message":"LeCNN all the images"})");
    CHECK(client.get("/models/resnet").text == R"({"model_name":"resnet","message":"Have some residuals"})");
    auto bad = client.get("/models/vgg");
    CHECK(bad.status == 422);
    CHECK(bad.text == R"({"detail":[{"type":"enum","loc":["path","model_name"],)"
                      R"("msg":"Input should be 'alexnet', 'resnet' or 'lenet'","input":"vgg",)"
                      R"("ctx":{"expected":"'alexnet', 'resnet' or 'lenet'"}}]})");
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["components"]["schemas"]["ModelName"].dump() ==
          R"({"enum":["alexnet","resnet","lenet"],"title":"ModelName","type":"string"})");
  }

  TEST_CASE("a {name:path} parameter takes the rest of the path, slashes included") {
    fa::App app;
    path_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/files/home/johndoe/myfile.txt").text == R"({"file_path":"home/johndoe/myfile.txt"})");
    CHECK(client.get("/files//home/johndoe/myfile.txt").text == R"({"file_path":"/home/johndoe/myfile.txt"})");
  }
}
