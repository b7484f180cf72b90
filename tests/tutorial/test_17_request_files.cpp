// tests/tutorial/test_17_request_files.cpp: what docs/tutorial/17_request_files.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/17_request_files.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/17_request_files") {
  TEST_CASE("a file as bytes, and as an UploadFile with its name, type and contents") {
    fa::App app;
    request_files::build(app);
    fa::testing::TestClient client{app};
    auto bytes =
        client.post("/files/", {.files = {{"file", fa::testing::FileField{"notes.txt", "hello world", "text/plain"}}}});
    CHECK(bytes.status == 200);
    CHECK(bytes.text == R"({"file_size":11})");
    auto upload = client.post("/uploadfile/",
                              {.files = {{"file", fa::testing::FileField{"notes.txt", "hello world", "text/plain"}}}});
    CHECK(upload.text == R"({"filename":"notes.txt","content_type":"text/plain","head":"hello"})");
  }

  TEST_CASE("a missing file is a 422 at [\"body\", name]; an optional one may be left out") {
    fa::App app;
    request_files::build(app);
    fa::testing::TestClient client{app};
    auto missing = client.post("/uploadfile/", {.data = {{"other", "x"}}});
    CHECK(missing.status == 422);
    CHECK(missing.text ==
          R"({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})");
    CHECK(client.post("/files/").status == 422);  // no body at all
    CHECK(client.post("/optionalfile/", {.data = {{"other", "x"}}}).text == R"({"message":"No upload file sent"})");
    auto sent = client.post("/optionalfile/", {.files = {{"file", fa::testing::FileField{"a.png", "x", "image/png"}}}});
    CHECK(sent.text == R"({"filename":"a.png"})");
  }

  TEST_CASE("several files under one name, and the HTML form that sends them") {
    fa::App app;
    request_files::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/uploadfiles/", {.files = {{"files", fa::testing::FileField{"a.txt", "1", "text/plain"}},
                                                     {"files", fa::testing::FileField{"b.txt", "2", "text/plain"}}}});
    CHECK(r.text == R"({"filenames":["a.txt","b.txt"]})");
    auto page = client.get("/");
    CHECK(page.headers.get("content-type") == "text/html; charset=utf-8");
    CHECK(page.text.find(R"(enctype="multipart/form-data")") != std::string::npos);
  }

  TEST_CASE("the OpenAPI document describes a multipart body whose files are binary strings") {
    fa::App app;
    request_files::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    auto content = spec["paths"]["/uploadfiles/"]["post"]["requestBody"]["content"];
    REQUIRE(content.contains("multipart/form-data"));
    std::string ref = content["multipart/form-data"]["schema"]["$ref"].as_string();
    auto body = spec["components"]["schemas"][ref.substr(ref.rfind('/') + 1)];
    CHECK(body["properties"]["files"]["items"].dump() == R"({"format":"binary","type":"string"})");
    CHECK(body["properties"]["files"]["description"].as_string() == "Multiple files as UploadFile");
    CHECK(body["required"].dump() == R"(["files"])");
  }
}
