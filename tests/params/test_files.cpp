// tests/params/test_files.cpp: fa::File and fa::Form parameters read from multipart/form-data bodies
// (params/file.hpp, params/form_data.hpp, http/upload.hpp) through the TestClient over a real socket: UploadFile,
// bytes, repeated and optional files, Form fields in the same body, FastAPI's 422 shapes, 400/413 for bodies
// the parser refuses, the limits from Config and RouteOptions, and temporary files gone after every request.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/core/digest.hpp"
#include "fastapi/params/file.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace params_files_file {

namespace fa = fastapi;
namespace fs = std::filesystem;
using fa::testing::FileField;
using fa::testing::TestClient;

/// A fresh directory made TMPDIR for the scope (UploadFile reads TMPDIR when it spills), removed afterwards.
struct TmpDir {
  fs::path path;
  TmpDir() {
    path = fs::temp_directory_path() / ("fastapi-files-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    ::setenv("TMPDIR", path.c_str(), 1);
  }
  ~TmpDir() {
    ::unsetenv("TMPDIR");
    fs::remove_all(path);
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {})); }
  /// Descriptors of this process (the server runs in it) open on a file of this directory, deleted ones too.
  std::size_t open_descriptors() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      fs::path target = fs::read_symlink(e.path(), ec);
      if (!ec && target.string().rfind(path.string(), 0) == 0) ++n;
    }
    return n;
  }
};

fa::Json describe(fa::UploadFile& f, std::string content) {
  return fa::Json{{"filename", f.filename},
                  {"content_type", f.content_type},
                  {"size", f.size},
                  {"sha256", fa::to_hex(fa::detail::sha256(content))},
                  {"in_memory", f.in_memory()}};
}

/// A dependency that reads a Form field of the same multipart body.
std::string note_upper(fa::Form<"note", std::string> note) {
  std::string out = *note;
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

void add_routes(fa::App& app) {
  app.post("/one", [](fa::File<"file", fa::UploadFile> file, fa::Form<"note", std::string> note) -> fa::Task<fa::Json> {
    std::string content = co_await file->read();
    fa::Json out = describe(*file, content);
    out["note"] = *note;
    co_return out;
  });
  app.post("/bytes", [](fa::File<"file", std::string> file) { return fa::Json{{"n", file->size()}, {"v", *file}}; });
  app.post("/many", [](fa::File<"files", std::vector<fa::UploadFile>> files) -> fa::Task<fa::Json> {
    fa::Json out = fa::Json::array({});
    for (fa::UploadFile& f : *files) out.push_back(describe(f, co_await f.read()));
    co_return out;
  });
  app.post("/opt", [](fa::File<"file", std::optional<fa::UploadFile>> file) {
    return fa::Json{{"f", *file ? fa::Json((*file)->filename) : fa::Json(nullptr)}};
  });
  app.post("/form", [](fa::Form<"a", std::string> a, fa::Form<"n", int> n) { return fa::Json{{"a", *a}, {"n", *n}}; });
  app.post("/seek", [](fa::File<"file", fa::UploadFile> file) -> fa::Task<fa::Json> {
    std::string head = co_await file->read(3);
    std::string rest = co_await file->read();
    co_await file->seek(1);
    std::string again = co_await file->read(2);
    co_return fa::Json{{"head", head}, {"rest_size", rest.size()}, {"again", again}};
  });
}

TEST_SUITE("params/files") {
  TEST_CASE("an UploadFile and a Form field from one multipart body; the file's name, type, size and bytes") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post(
        "/one", {.data = {{"note", "hello"}}, .files = {{"file", FileField{"a.txt", "hi there", "text/plain"}}}});
    CHECK(r.status == 200);
    CHECK(r.json() == fa::Json{{"filename", "a.txt"},
                               {"content_type", "text/plain"},
                               {"size", 8},
                               {"sha256", fa::to_hex(fa::detail::sha256("hi there"))},
                               {"in_memory", true},
                               {"note", "hello"}});
  }

  TEST_CASE("the filename is data: path separators and non-ASCII are handed out as sent") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    for (std::string name : {"../../etc/passwd", "C:\\dir\\x.txt", "r\xC3\xA9sum\xC3\xA9.pdf", ""}) {
      auto r = client.post("/one", {.data = {{"note", "n"}}, .files = {{"file", FileField{name, "x"}}}});
      CHECK(r.status == 200);
      CHECK(r.json()["filename"] == fa::Json(name));
      CHECK(r.json()["content_type"] == "application/octet-stream");
    }
  }

  TEST_CASE("FastAPI's 422s: a missing file, a missing field, both, and a text part where a file is expected") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post("/one", {.data = {{"note", "x"}}, .files = {{"other", FileField{"a", "1"}}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})");
    r = client.post("/one", {.files = {{"file", FileField{"a", "1"}}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","note"],"msg":"Field required","input":null}]})");
    // Not multipart at all: every field is missing, as FastAPI answers a JSON or urlencoded body here.
    r = client.post("/one", {.json = fa::Json{{"note", "x"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null},)"
                    R"({"type":"missing","loc":["body","note"],"msg":"Field required","input":null}]})");
    r = client.post("/one", {.data = {{"note", "x"}, {"file", "notafile"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"value_error","loc":["body","file"],"msg":"Value error, Expected )"
                    R"(UploadFile, received: <class 'str'>","input":"notafile","ctx":{"error":{}}}]})");
  }

  TEST_CASE("bytes: a file part's content, or a text part's; absent -> missing") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post("/bytes", {.files = {{"file", FileField{"a.bin", std::string("a\0b", 3)}}}});
    CHECK(r.status == 200);
    CHECK(r.json()["n"] == 3);
    r = client.post("/bytes", {.data = {{"file", "hello"}}});
    CHECK(r.json() == fa::Json{{"n", 5}, {"v", "hello"}});
    r = client.post("/bytes");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("repeated file parts -> std::vector<UploadFile>, in order; none -> missing") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post(
        "/many",
        {.files = {{"files", FileField{"a", "1"}}, {"other", FileField{"x", "9"}}, {"files", FileField{"b", "22"}}}});
    CHECK(r.status == 200);
    fa::Json j = r.json();
    REQUIRE(j.size() == 2);
    CHECK(j[0]["filename"] == "a");
    CHECK(j[1]["filename"] == "b");
    CHECK(j[1]["size"] == 2);
    r = client.post("/many", {.data = {{"x", "1"}}, .files = {{"y", FileField{"a", "1"}}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","files"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("an optional file may be absent") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    CHECK(client.post("/opt").json() == fa::Json{{"f", nullptr}});
    CHECK(client.post("/opt", {.files = {{"file", FileField{"a.txt", "x"}}}}).json() == fa::Json{{"f", "a.txt"}});
  }

  TEST_CASE("Form fields read from a multipart body (they were 'missing' before), with their conversions") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post("/form", {.data = {{"a", "s"}, {"n", "3"}}, .files = {{"x", FileField{"a", "1"}}}});
    CHECK(r.status == 200);
    CHECK(r.json() == fa::Json{{"a", "s"}, {"n", 3}});
    r = client.post("/form", {.data = {{"a", "s"}, {"n", "q"}}, .files = {{"x", FileField{"a", "1"}}}});
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["type"] == "int_parsing");
    CHECK(r.json()["detail"][0]["loc"] == fa::Json::array({"body", "n"}));
    r = client.post("/form", {.data = {{"a", "s"}, {"n", "4"}}});  // still urlencoded
    CHECK(r.json() == fa::Json{{"a", "s"}, {"n", 4}});
  }

  TEST_CASE("read(n), then seek back: the cursor of an UploadFile") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto r = client.post("/seek", {.files = {{"file", FileField{"a", "abcdefgh"}}}});
    CHECK(r.json() == fa::Json{{"head", "abc"}, {"rest_size", 5}, {"again", "bc"}});
  }
  TEST_CASE("bodies the parser refuses are 400 with a sentence, and the connection serves the next request") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    auto multipart = [](std::string boundary) {
      return fa::testing::KeyValues{{"content-type", "multipart/form-data; boundary=" + boundary}};
    };
    auto r = client.post("/one", {.headers = multipart("xyz"), .content = "garbage"});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"The multipart body ended before its closing boundary."})");
    r = client.post("/one", {.headers = {{"content-type", "multipart/form-data"}}, .content = "x"});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"The multipart Content-Type has no boundary."})");
    r = client.post("/one", {.headers = multipart("xyz"),
                             .content = "--xyz\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nv\r\n--xy"});
    CHECK(r.status == 400);
    r = client.post(
        "/one", {.headers = multipart("xyz"), .content = "--xyz\r\nContent-Type: text/plain\r\n\r\nv\r\n--xyz--\r\n"});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"A multipart part has no Content-Disposition header."})");
    r = client.post("/one", {.headers = multipart("xyz"), .content = "--xyz\nbroken"});
    CHECK(r.status == 400);
    // The same connection is still in step.
    r = client.post("/one", {.data = {{"note", "n"}}, .files = {{"file", FileField{"a", "1"}}}});
    CHECK(r.status == 200);
  }

  TEST_CASE("limits per route: files, fields, field size, part headers, body size (413); Starlette's sentences") {
    fa::App app;
    app.post("/limited", [](fa::File<"files", std::vector<fa::UploadFile>> files) { return fa::Json(files->size()); },
             {.multipart = fa::MultipartLimits{.max_fields = 1,
                                               .max_files = 2,
                                               .max_part_header_bytes = 200,
                                               .max_field_bytes = 10,
                                               .max_body_bytes = 4000}});
    TestClient client(app);
    auto r = client.post("/limited", {.files = {{"files", FileField{"a", "1"}}, {"files", FileField{"b", "2"}}}});
    CHECK(r.status == 200);
    r = client.post(
        "/limited",
        {.files = {{"files", FileField{"a", "1"}}, {"files", FileField{"b", "2"}}, {"files", FileField{"c", "3"}}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"Too many files. Maximum number of files is 2."})");
    r = client.post("/limited", {.data = {{"x", "1"}, {"y", "2"}}, .files = {{"files", FileField{"a", "1"}}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"Too many fields. Maximum number of fields is 1."})");
    r = client.post("/limited", {.data = {{"x", "12345678901"}}, .files = {{"files", FileField{"a", "1"}}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"The value of field 'x' exceeds the maximum size of 10 bytes."})");
    r = client.post("/limited", {.files = {{"files", FileField{std::string(300, 'n'), "1"}}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"A multipart part's headers exceed 200 bytes."})");
    r = client.post("/limited", {.files = {{"files", FileField{"a", std::string(5000, 'z')}}}});
    CHECK(r.status == 413);
    CHECK(r.text == R"({"detail":"The multipart body exceeds the maximum size of 4000 bytes."})");
    r = client.post("/limited", {.files = {{"files", FileField{"a", "1"}}}});
    CHECK(r.status == 200);
  }

  TEST_CASE("limits app-wide in Config::multipart; a route's own limits win") {
    fa::App app;
    app.post("/app", [](fa::File<"files", std::vector<fa::UploadFile>> files) { return fa::Json(files->size()); });
    app.post("/route", [](fa::File<"files", std::vector<fa::UploadFile>> files) { return fa::Json(files->size()); },
             {.multipart = fa::MultipartLimits{.max_files = 3}});
    fa::Config config = TestClient::default_config();
    config.multipart.max_files = 1;
    TestClient client(app, config);
    fa::testing::FileFields two{{"files", FileField{"a", "1"}}, {"files", FileField{"b", "2"}}};
    auto r = client.post("/app", {.files = two});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"Too many files. Maximum number of files is 1."})");
    CHECK(client.post("/route", {.files = two}).json() == fa::Json(2));
  }

  TEST_CASE("past the spool threshold a file is in an unnamed temporary file, gone after the request") {
    TmpDir tmp;
    fa::App app;
    add_routes(app);
    app.post("/big",
             [](fa::File<"file", fa::UploadFile> file) -> fa::Task<fa::Json> {
               std::string content = co_await file->read();
               // Hashing 3 MB takes a while in a debug build: on the pool, not the loop.
               co_return co_await fa::to_thread([&] { return describe(*file, content); });
             },
             {.max_body_size = 8u << 20});
    TestClient client(app);
    std::string big(3u << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
    auto r = client.post("/big", {.files = {{"file", FileField{"big.bin", big}}}});
    CHECK(r.status == 200);
    CHECK(r.json()["size"] == big.size());
    CHECK(r.json()["in_memory"] == false);
    CHECK(r.json()["sha256"] == fa::to_hex(fa::detail::sha256(big)));
    CHECK(tmp.entries() == 0);
    CHECK(tmp.open_descriptors() == 0);
  }

  TEST_CASE("temporary files are closed when the handler throws and when the client goes away") {
    TmpDir tmp;
    fa::App app;
    add_routes(app);
    app.post("/big-throws",
             [](fa::File<"file", fa::UploadFile> file) -> fa::Json {
               CHECK_FALSE(file->in_memory());
               throw std::runtime_error("boom");
             },
             {.max_body_size = 8u << 20});
    app.post("/big-slow",
             [](fa::File<"file", fa::UploadFile> file) -> fa::Task<fa::Json> {
               co_await fa::sleep(std::chrono::milliseconds(50));
               co_return fa::Json(file->size);
             },
             {.max_body_size = 8u << 20});
    TestClient client(app);
    std::string big(2u << 20, 'q');
    auto r = client.post("/big-throws", {.files = {{"file", FileField{"big.bin", big}}}});
    CHECK(r.status == 500);
    CHECK(tmp.open_descriptors() == 0);

    // A client that sends a whole upload and leaves before the answer; then one that leaves mid-body.
    std::string body;
    std::string boundary = fa::testing::encode_multipart({}, {{"file", FileField{"big.bin", big}}}, body);
    std::string head = "POST /big-slow HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    {
      fa::test_support::RawSocket s(client.port());
      CHECK(s.send(head + body));
    }
    {
      fa::test_support::RawSocket s(client.port());
      CHECK(s.send(head + body.substr(0, body.size() / 2)));
    }
    auto deadline = std::chrono::steady_clock::now() + fa::test_support::scaled(std::chrono::seconds(5));
    while (tmp.open_descriptors() != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(tmp.open_descriptors() == 0);
    CHECK(tmp.entries() == 0);
    CHECK(client.post("/opt").status == 200);  // the server is fine
  }
  TEST_CASE("a dependency reads Form fields of the multipart body too; its errors and the parser's keep their shape") {
    fa::App app;
    app.post("/dep", [](fa::File<"file", fa::UploadFile> file, fa::Depends<note_upper> note) {
      return fa::Json{{"filename", file->filename}, {"note", *note}};
    });
    TestClient client(app);
    auto r = client.post("/dep", {.data = {{"note", "hi"}}, .files = {{"file", FileField{"a.txt", "x"}}}});
    CHECK(r.status == 200);
    CHECK(r.json() == fa::Json{{"filename", "a.txt"}, {"note", "HI"}});
    r = client.post("/dep", {.files = {{"file", FileField{"a.txt", "x"}}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","note"],"msg":"Field required","input":null}]})");
    r = client.post("/dep", {.headers = {{"content-type", "multipart/form-data; boundary=b"}}, .content = "--b\r\n"});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"The multipart body ended before its closing boundary."})");
  }

  TEST_CASE("a body over the route's max_body_size is 413 before any parsing; the server goes on") {
    fa::App app;
    add_routes(app);
    TestClient client(app);
    {  // The head alone: the connection answers from Content-Length, before reading the body.
      fa::test_support::RawSocket s(client.port());
      CHECK(s.send("POST /one HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                   "Content-Length: 2097152\r\n\r\n"));
      auto reply = s.read_response();
      REQUIRE(reply);
      CHECK(reply->status == 413);
    }
    auto r = client.post("/one", {.data = {{"note", "n"}}, .files = {{"file", FileField{"small", "x"}}}});
    CHECK(r.status == 200);
  }
}

}  // namespace params_files_file
