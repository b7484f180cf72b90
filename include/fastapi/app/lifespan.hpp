// app/lifespan.hpp: running a lifespan's halves (fa::Yield<void>: startup up to its co_yield, shutdown after
// it) to completion on the calling thread, on a loop of their own, before the workers start and after they
// stop; detail::Lifespans, the app's list of them. Fed by App::lifespan and App::run; feeds nothing. Knows
// nothing of requests.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/yield.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

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
FASTAPI_DETAIL_INLINE void run_to_completion(Task<void> task);

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

/// The app's lifespans: made and entered in registration order at startup, exited newest first at shutdown.
class Lifespans {
 public:
  /// `make` starts one lifespan (the user's coroutine, bound to its app).
  void add(std::function<Yield<void>()> make) { makers_.push_back(std::move(make)); }
  /// The user's lifespan `fn`, which takes the app (`A&`) or nothing and returns fa::Yield<void>.
  template <class A, class F>
  void add_for(A& app, F&& fn);
  /// Runs each lifespan up to its co_yield, in order; on a failure exits the ones entered and rethrows.
  void enter(Logger& logger);
  /// Runs the entered lifespans from their co_yield to their end, newest first; false when one failed (logged).
  bool exit(Logger& logger);
  /// Frees lifespans still suspended at co_yield without running their shutdown (run() never reached it).
  void forget_entered() { entered_.clear(); }

 private:
  std::vector<std::function<Yield<void>()>> makers_;
  std::vector<Yield<void>> entered_;  ///< suspended at co_yield while the app serves
};

template <class A, class F>
void Lifespans::add_for(A& app, F&& fn) {
  using G = std::decay_t<F>;
  if constexpr (std::is_invocable_r_v<Yield<void>, G&, A&>) {
    add([&app, fn = G(std::forward<F>(fn))]() mutable { return fn(app); });
  } else {
    static_assert(std::is_invocable_r_v<Yield<void>, G&>,
                  "fastapi: a lifespan is a coroutine returning fa::Yield<void> that takes fa::App& (or nothing): "
                  "[](fa::App& app) -> fa::Yield<void> { /* startup */ co_yield {}; /* shutdown */ }"
                  " (docs/compile_errors.md#app-lifespan-not-yield)");
    add([fn = G(std::forward<F>(fn))]() mutable { return fn(); });
  }
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void run_to_completion(Task<void> task) {
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

FASTAPI_DETAIL_INLINE void Lifespans::enter(Logger& logger) {
  for (auto& make : makers_) {
    Yield<void> lifespan = make();
    try {
      run_to_completion(enter_lifespan(lifespan));
    } catch (...) {
      exit(logger);  // the ones already entered, newest first
      throw;
    }
    entered_.push_back(std::move(lifespan));
  }
}

FASTAPI_DETAIL_INLINE bool Lifespans::exit(Logger& logger) {
  bool ok = true;
  while (!entered_.empty()) {
    Yield<void> lifespan = std::move(entered_.back());
    entered_.pop_back();
    try {
      run_to_completion(exit_lifespan(lifespan));
    } catch (const std::exception& e) {
      logger.write(LogLevel::error, std::string("lifespan shutdown failed: ") + e.what());
      ok = false;
    } catch (...) {
      logger.write(LogLevel::error, "lifespan shutdown failed: unknown exception type");
      ok = false;
    }
  }
  return ok;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

}  // namespace fastapi
