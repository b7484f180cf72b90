// tests/tutorial/test_34_background_tasks.cpp: what docs/tutorial/34_background_tasks.md says, checked on its
// example.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>

#include <unistd.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/34_background_tasks.cpp"
#include "fastapi/testing/test_client.hpp"

namespace {
// A log file of this test's own, removed at the end.
struct TempLog {
  std::string path = (std::filesystem::temp_directory_path() / "fastapi-tutorial-34-XXXXXX").string();
  TempLog() {
    int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    ::close(fd);
  }
  ~TempLog() { std::remove(path.c_str()); }
  std::string text() const {
    std::ostringstream out;
    out << std::ifstream(path).rdbuf();
    return out.str();
  }
};
}  // namespace

TEST_SUITE("tutorial/34_background_tasks") {
  TEST_CASE("the answer comes at once; the tasks of the dependency and of the handler run after, in order") {
    TempLog log;
    fa::App app;
    background_tasks::build(app);
    app.state<background_tasks::LogFile>(background_tasks::LogFile{log.path});
    fa::testing::TestClient client{app};
    auto r = client.post("/send-notification/john@example.com", {.params = {{"q", "3"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"message":"Message sent"})");
    auto without_q = client.post("/send-notification/ada@example.com");
    CHECK(without_q.text == R"({"message":"Message sent"})");
    client.close();  // the graceful stop waits for queued background tasks
    CHECK(log.text() == "found query: 3\nmessage to john@example.com\nmessage to ada@example.com\n");
  }

  TEST_CASE("the client has its response while the task is still running") {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    fa::App app;
    app.post("/", [released](fa::BackgroundTasks& tasks) {
      tasks.add([](std::shared_future<void> wait) { wait.wait(); }, released);
      return "queued";
    });
    fa::testing::TestClient client{app};
    CHECK(client.post("/").text == "queued");  // the task has not finished: it waits for the line below
    release.set_value();
    client.close();
  }

  TEST_CASE("BackgroundTasks is not a parameter of the document") {
    fa::App app;
    background_tasks::build(app);
    fa::testing::TestClient client{app};
    auto parameters = client.get("/openapi.json").json()["paths"]["/send-notification/{email}"]["post"]["parameters"];
    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0]["name"] == "email");
    CHECK(parameters[1]["name"] == "q");
  }
}
