// tests/tutorial/test_41_custom_responses.cpp: what docs/tutorial/41_custom_responses.md says, checked on its
// example: each response's status, headers and body as FastAPI sends them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/41_custom_responses.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/41_custom_responses") {
  TEST_CASE("HTML, XML and plain text, each with its Content-Type") {
    fa::App app;
    custom_responses::build(app);
    fa::testing::TestClient client{app};
    auto html = client.get("/items/");
    CHECK(html.header("content-type") == "text/html; charset=utf-8");
    CHECK(html.text == "<html><body><h1>Look ma! HTML!</h1></body></html>");
    auto xml = client.get("/legacy/");
    CHECK(xml.header("content-type") == "application/xml");
    CHECK(xml.text == R"(<?xml version="1.0"?><shampoo><Header>Apply shampoo here.</Header></shampoo>)");
    auto plain = client.get("/");
    CHECK(plain.header("content-type") == "text/plain; charset=utf-8");
    CHECK(plain.text == "Hello World");
    auto teapot = client.get("/teapot");
    CHECK(teapot.status == 418);
    CHECK(teapot.header("content-type") == "application/json");
    CHECK(teapot.text == R"({"message":"I'm a teapot"})");
  }

  TEST_CASE("redirects: 307 by default, or the status given; a stream; a file") {
    const std::string video = (std::filesystem::temp_directory_path() / "fastapi-tutorial-41-video.mp4").string();
    std::ofstream(video, std::ios::binary) << "fake video";
    fa::App app;
    custom_responses::build(app, video);
    fa::testing::TestClient client{app};
    auto typer = client.get("/typer", {.follow_redirects = false});
    CHECK(typer.status == 307);
    CHECK(typer.header("location") == "https://typer.tiangolo.com");
    CHECK(typer.header("content-length") == "0");
    auto pydantic = client.get("/pydantic", {.follow_redirects = false});
    CHECK(pydantic.status == 302);
    CHECK(pydantic.header("location") == "https://docs.pydantic.dev/");
    auto stream = client.get("/stream");
    CHECK(stream.header("content-type") == "video/mp4");
    CHECK(stream.header("transfer-encoding") == "chunked");
    std::string ten;
    for (int i = 0; i < 10; ++i) ten += "some fake video bytes";
    CHECK(stream.text == ten);
    auto file = client.get("/video");
    CHECK(file.status == 200);
    CHECK(file.header("content-type") == "video/mp4");
    CHECK(file.header("content-disposition") == R"(attachment; filename="video.mp4")");
    CHECK(file.header("content-length") == "10");
    CHECK(file.text == "fake video");
    std::filesystem::remove(video);
    CHECK(client.get("/video").text == R"({"detail":"Not Found"})");
  }

  TEST_CASE("a Response returned directly is not described by a model: the docs say only that it succeeds") {
    fa::App app;
    custom_responses::build(app);
    fa::testing::TestClient client{app};
    auto ok = client.get("/openapi.json").json()["paths"]["/items/"]["get"]["responses"]["200"];
    CHECK(ok["description"] == "Successful Response");
  }
}
