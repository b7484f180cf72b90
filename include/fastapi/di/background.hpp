// di/background.hpp: fa::BackgroundTasks, work a handler queues to run after its response has been sent (and after the teardown of the request's yield dependencies, FastAPI's order). Fed by handlers (`fa::BackgroundTasks& tasks`); run by di/scope.hpp. Knows nothing of sockets or routes.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/task.hpp"

namespace fastapi {

namespace detail {
template <class G, class... A>
struct BackgroundCall;
}  // namespace detail

/// Functions to call after the response is out, in the order they were added; a plain function or a
/// coroutine returning fa::Task<void>, with arguments copied now:
///
///     app.post("/send", [](fa::Query<"to", std::string> to, fa::BackgroundTasks& tasks) {
///       tasks.add(send_email, std::string(*to), "welcome");   // runs after the client has its 200
///       return "queued";
///     });
///
/// An exception thrown by a task is logged ("background task failed: ...") and the next task still runs;
/// the client never sees it (its response was sent first).
class BackgroundTasks {
 public:
  template <class F, class... Args>
  void add(F&& fn, Args&&... args);
  std::size_t size() const noexcept { return tasks_.size(); }
  bool empty() const noexcept { return tasks_.empty(); }
  /// Runs every task in order, then forgets them (called by the framework after the response is sent).
  Task<void> run();

 private:
  std::vector<std::function<Task<void>()>> tasks_;
};

template <class F, class... Args>
void BackgroundTasks::add(F&& fn, Args&&... args) {
  using G = std::decay_t<F>;
  static_assert(std::is_invocable_v<G&, std::decay_t<Args>&...>,
                "fastapi: BackgroundTasks::add(fn, args...) needs fn callable with those arguments"
                " (docs/compile_errors.md#dependencies)");
  tasks_.push_back([fn = G(std::forward<F>(fn)), ... args = std::decay_t<Args>(std::forward<Args>(args))]() {
    return detail::BackgroundCall<G, std::decay_t<Args>...>::run(fn, args...);
  });
}

namespace detail {
/// One task's call; its own coroutine frame holds copies of fn and the arguments. (A class template, not a
/// function template: g++'s -Wsubobject-linkage refuses a coroutine function template's frame holding a
/// local lambda's type.)
template <class G, class... A>
struct BackgroundCall {
  static Task<void> run(G fn, A... args);
};
template <class G, class... A>
Task<void> BackgroundCall<G, A...>::run(G fn, A... args) {
  using R = std::invoke_result_t<G&, A&...>;
  if constexpr (is_task_v<R>) {
    co_await std::invoke(fn, args...);
  } else {
    std::invoke(fn, args...);
  }
}
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<void> BackgroundTasks::run() {
  std::vector<std::function<Task<void>()>> tasks = std::move(tasks_);
  tasks_.clear();
  for (auto& task : tasks) {
    std::exception_ptr failed;
    try {
      co_await task();
    } catch (...) {
      failed = std::current_exception();
    }
    if (!failed) continue;
    try {
      std::rethrow_exception(failed);
    } catch (const std::exception& e) {
      log(LogLevel::error, std::string("background task failed: ") + e.what());
    } catch (...) {
      log(LogLevel::error, "background task failed: unknown exception type");
    }
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
