// app/lifespan.hpp: running a lifespan's halves (fa::Yield<void>: startup up to its co_yield, shutdown after
// it) to completion on the calling thread, on a loop of their own, before the workers start and after they
// stop. Fed by App::run (App::enter_lifespans / exit_lifespans); feeds nothing. Knows nothing of requests.
#pragma once

#include <exception>

#include <asio.hpp>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/yield.hpp"

namespace fastapi {

namespace detail {

inline Task<void> run_and_flag(Task<void> task, std::exception_ptr& error, bool& done) {
  try {
    co_await std::move(task);
  } catch (...) {
    error = std::current_exception();
  }
  done = true;
}

/// Runs `task` to its end on this thread, on a loop of its own (a lifespan's startup or shutdown: the
/// workers are not running yet, or any more); its exception is rethrown.
inline void run_to_completion(Task<void> task) {
  asio::io_context io;
  LoopContext context;
  context.io = &io;
  LoopScope scope(context);
  std::exception_ptr error;
  bool done = false;
  spawn(run_and_flag(std::move(task), error, done));
  io.run();
  if (error) std::rethrow_exception(error);
  if (!done)
    throw ConfigurationError("fastapi: a lifespan waited for something that cannot come before the app serves");
}

/// Runs a lifespan up to its co_yield (startup).
inline Task<void> enter_lifespan(Yield<void>& lifespan) {
  auto h = lifespan.handle();
  co_await ResumeYield{h, &h.promise()};
  if (!h.done()) co_return;
  if (h.promise().exception) std::rethrow_exception(h.promise().exception);
  throw ConfigurationError("fastapi: a lifespan ended without `co_yield {};` (write it where the app serves)");
}

/// Runs a lifespan from its co_yield to its end (shutdown).
inline Task<void> exit_lifespan(Yield<void>& lifespan) {
  auto h = lifespan.handle();
  co_await ResumeYield{h, &h.promise()};
  if (!h.done()) throw ConfigurationError("fastapi: a lifespan yielded more than once");
  if (h.promise().exception) std::rethrow_exception(h.promise().exception);
}

}  // namespace detail

}  // namespace fastapi
