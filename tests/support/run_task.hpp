// tests/support/run_task.hpp: run a fa::Task on an event loop of the calling thread, bounded in time, for
// tests that call the client (or any coroutine) outside a server: its value, or the exception it ended with.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include <doctest/doctest.h>

#include <asio.hpp>

#include "fastapi/client/client.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"

namespace fastapi::test_support {

/// Runs `task` on an event loop of this thread and returns its value (or rethrows its exception). A call
/// still running after `limit` fails the test instead of hanging the suite.
template <class T>
T run_task(Task<T> task, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  asio::io_context io;
  detail::LoopScope scope(detail::LoopContext{&io, nullptr, {}, {}});
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  detail::spawn([](Task<T> t, std::optional<T>& v, std::exception_ptr& e, bool& d) -> Task<void> {
    try {
      v.emplace(co_await std::move(t));
    } catch (...) {
      e = std::current_exception();
    }
    d = true;
  }(std::move(task), value, error, done));
  io.run_for(limit);
  REQUIRE_MESSAGE(done, "the call did not finish within " << limit.count() << " ms");
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

/// The fa::ClientError a client call ends with; nullopt when it succeeds (or ends with another exception).
inline std::optional<ClientError> client_error_of(Task<ClientResponse> task,
                                                  std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  try {
    run_task(std::move(task), limit);
  } catch (const ClientError& e) {
    return e;
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace fastapi::test_support
