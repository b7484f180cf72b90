// tests/di/test_yield.cpp: fa::Yield dependencies (di/yield.hpp, di/scope.hpp): setup before the handler, teardown
// after the response has been sent, in reverse order, always (success, handler error, later dependency error,
// validation error, client gone, streamed body), the error rethrown at co_yield, teardown failures logged,
// and the request / function scopes. Through the TestClient and a raw socket.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"
#include "support/raw_socket.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace di_yield_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

/// What the dependencies did, in order (the server thread writes, the test reads).
struct Events {
  std::mutex mutex;
  std::vector<std::string> list;
  std::atomic<bool> client_has_response{false};
  void add(std::string e) {
    std::lock_guard lock(mutex);
    list.push_back(std::move(e));
  }
  std::string joined() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& e : list) out += (out.empty() ? "" : ",") + e;
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex);
    list.clear();
    client_has_response = false;
  }
  /// Waits (blocking the server's loop thread, on purpose) until the test has read its response, at most
  /// `timeout`: a teardown that ran before the response was sent would wait in vain.
  bool client_got_response_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!client_has_response && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
    return client_has_response;
  }
  /// Polls until `text` is in the joined list (teardown runs after the client has its answer).
  bool wait_for(std::string_view text, std::chrono::milliseconds timeout = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (joined().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
};
Events& events() {
  static Events e;
  return e;
}

/// The name of the exception rethrown at co_yield, for the events.
std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const fa::HTTPException& h) {
    return "HTTPException " + std::to_string(h.status_code);
  } catch (const fa::RequestValidationError&) {
    return "RequestValidationError";
  } catch (const std::exception& x) {
    return std::string("error ") + x.what();
  }
}

struct Conn {
  std::string name;
  int* open;
};

/// A pool-like resource: every connection taken is given back (the test checks `open == 0`).
fa::Yield<Conn> get_db() {
  static int open = 0;
  ++open;
  events().add("db-open");
  Conn conn{"db", &open};
  try {
    co_yield conn;
  } catch (...) {
    events().add("db-rollback(" + describe(std::current_exception()) + ")");
    --open;
    throw;
  }
  --open;
  events().add("db-close");
}

fa::Yield<std::string> get_session(fa::Depends<get_db> db) {
  events().add("session-open");
  std::string s = "session-on-" + db->name;
  co_yield s;
  events().add("session-close");
}

fa::Yield<int> watch_send() {
  int n = 7;
  co_yield n;
  // Request scope: the client already has its answer when this runs.
  events().add(events().client_got_response_within(3000ms) ? "after-send" : "before-send");
}

fa::Yield<int> function_scoped() {
  int n = 1;
  co_yield n;
  events().add(events().client_got_response_within(300ms) ? "function-after-send" : "function-before-send");
}

fa::Yield<int> broken_teardown() {
  int n = 1;
  co_yield n;
  throw std::runtime_error("lost the connection to the database");
}

fa::Yield<int> never_yields() { co_return; }

int close_on_pool() { return 1; }

/// Setup and teardown that wait on the loop (a timer) and on the thread pool.
fa::Yield<int> async_resource() {
  co_await fa::sleep(std::chrono::milliseconds(5));
  events().add("async-open");
  int n = 3;
  co_yield n;
  int closed = co_await fa::to_thread(close_on_pool);
  co_await fa::sleep(std::chrono::milliseconds(5));
  events().add("async-close-" + std::to_string(closed));
}

void refuse(fa::Depends<get_db>) { throw fa::HTTPException{403, "Not allowed"}; }

TEST_SUITE("di/yield") {
  TEST_CASE("the yielded value is injected and the teardown runs after the response has been sent") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<watch_send> n) { return fa::Json{*n}; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    events().client_has_response = true;
    CHECK(r.status == 200);
    CHECK(r.text == "[7]");
    CHECK(events().wait_for("send"));
    CHECK(events().joined() == "after-send");
  }

  TEST_CASE("teardowns run in reverse order of setup, and every connection taken is given back") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<get_session> session, fa::Depends<get_db> db) {
      events().add("handler");
      return *session + "/" + std::to_string(*db->open);
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == "session-on-db/1");
    CHECK(client.get("/ping").text == "pong");  // same connection: served after the teardown
    CHECK(events().joined() == "db-open,session-open,handler,session-close,db-close");
  }

  TEST_CASE("a handler's exception is rethrown at co_yield (rollback) and the client gets its error response") {
    events().clear();
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/missing", [](fa::Depends<get_db>) -> std::string { throw fa::HTTPException{404, "Item not found"}; });
    app.get("/boom", [](fa::Depends<get_db>) -> fa::Task<std::string> {
      throw std::runtime_error("disk full");
      co_return "never";
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/missing");
    CHECK(r.status == 404);
    CHECK(r.text == R"({"detail":"Item not found"})");
    r = client.get("/boom");
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "db-open,db-rollback(HTTPException 404),db-open,db-rollback(error disk full)");
    CHECK(logs.contains("exception in GET /boom: std::runtime_error: disk full"));
    CHECK_FALSE(logs.contains("teardown of dependency"));  // rethrowing the request's own error is no failure
  }

  TEST_CASE("a later dependency's failure tears down the ones already set up") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<get_db>, fa::Depends<refuse>) { return "never"; });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 403);
    CHECK(r.text == R"({"detail":"Not allowed"})");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "db-open,db-rollback(HTTPException 403)");
  }

  TEST_CASE("a validation error after a dependency was set up tears it down; the client gets the 422") {
    events().clear();
    fa::App app;
    app.get("/items/{id}", [](fa::Depends<get_db>, fa::Path<"id", int> id) { return fa::Json{*id}; });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/items/x");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, )"
                    R"(unable to parse string as an integer","input":"x"}]})");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "db-open,db-rollback(RequestValidationError)");
  }

  TEST_CASE("a failing teardown is logged with the dependency's name and the other teardowns still run") {
    events().clear();
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/", [](fa::Depends<get_db>, fa::Depends<broken_teardown>) { return "ok"; });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 200);
    CHECK(r.text == "ok");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "db-open,db-close");
    CHECK(logs.contains("teardown of dependency"));
    CHECK(logs.contains("broken_teardown failed: lost the connection to the database"));
  }

  TEST_CASE("setup and teardown may await the loop and the thread pool") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<async_resource> n, fa::Depends<get_db>) -> fa::Task<std::string> {
      co_await fa::sleep(std::chrono::milliseconds(1));
      events().add("handler");
      co_return std::to_string(*n);
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == "3");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "async-open,db-open,handler,db-close,async-close-1");
  }

  TEST_CASE("a Yield that never yields is a 500, logged") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/", [](fa::Depends<never_yields>) { return "never"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 500);
    CHECK(logs.contains("never_yields finished without co_yield"));
  }

  TEST_CASE("fa::scope::function tears down right after the handler, before the response goes out") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<function_scoped, fa::scope::function>, fa::Depends<watch_send>) {
      events().add("handler");
      return "ok";
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    events().client_has_response = true;
    CHECK(r.text == "ok");
    CHECK(events().wait_for("after-send"));
    CHECK(events().joined() == "handler,function-before-send,after-send");
  }

  TEST_CASE("a streamed body may read the dependency: teardown waits until the last chunk is sent") {
    events().clear();
    fa::App app;
    app.get("/stream", [](fa::Depends<get_db> db) {
      auto left = std::make_shared<int>(2);
      return fa::StreamingResponse([db, left](std::string& chunk) -> fa::Task<bool> {
        if (*left == 0) co_return false;
        events().add("chunk");
        chunk = db->name + std::to_string((*left)--) + ";";
        co_return true;
      });
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/stream").text == "db2;db1;");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "db-open,chunk,chunk,db-close");
  }

  TEST_CASE("the teardown runs when the client disconnects before its response") {
    events().clear();
    fa::App app;
    app.get("/slow", [](fa::Depends<get_db>) -> fa::Task<std::string> {
      std::this_thread::sleep_for(100ms);  // the client is gone meanwhile
      co_return std::string(200000, 'x');
    });
    fa::testing::TestClient client{app};
    {
      fa::test_support::RawSocket raw(client.port());
      CHECK(raw.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
      std::this_thread::sleep_for(20ms);
    }  // closed
    CHECK(events().wait_for("db-close"));
    CHECK(events().joined() == "db-open,db-close");
  }
}

}  // namespace di_yield_file
