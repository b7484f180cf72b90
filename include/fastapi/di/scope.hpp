// di/scope.hpp: one request's dependency state: the cache (each dependency at most once), the values, the exit stack of Yield frames (unwound in reverse), the background tasks, and the app's registry (for-effect dependencies, test overrides). Fed by di/depends.hpp (setup) and app/endpoint (teardown); run after the response is sent through Response::after_send. Knows nothing of sockets or routes.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/background.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/params/binding.hpp"

namespace fastapi {

/// When a Yield dependency's teardown (the code after `co_yield`) runs (FastAPI's `Depends(scope=...)`):
/// - `fa::scope::request` (the default): after the whole response has been sent, a streamed body included;
/// - `fa::scope::function`: right after the handler returns, before the response goes out.
/// `fa::Depends<get_db, fa::scope::function> db`
enum class DependencyScope : unsigned char { request, function };
namespace scope {
inline constexpr DependencyScope request = DependencyScope::request;
inline constexpr DependencyScope function = DependencyScope::function;
}  // namespace scope

namespace detail {

struct DependencyFunction;  // di/dependency_call.hpp: how a dependency function's type is called

/// A dependency called in place of another (App::dependency_overrides): the function object (owned by the derived
/// class, di/depends.hpp's OverrideProvider) and how to call it.
class Provider {
 public:
  Provider(const DependencyFunction& function, void* object) : function_(&function), object_(object) {}
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
  virtual ~Provider() = default;
  const DependencyFunction& function() const { return *function_; }
  void* object() const { return object_; }

 private:
  const DependencyFunction* function_;
  void* object_;
};

struct OperationDoc;  // openapi/operation.hpp

}  // namespace detail

/// A dependency run for its effect only (authentication, a rate limit), on a route or on the whole app:
/// `app.get("/items", h, {.dependencies = {fa::dependency<verify_token>()}});`
/// `app.dependencies({fa::dependency<verify_key>()});`  Its HTTPException is the response; its parameters'
/// errors join the route's 422.
struct Dependency {
  Task<void> (*run)(detail::BindContext&) = nullptr;
  std::string_view name{};
  void (*describe)(detail::OperationDoc&) = nullptr;  ///< its parameters, for OpenAPI (openapi/operation.hpp)
};

namespace detail {

/// What the app knows about dependencies (App owns it; every endpoint points at it).
struct DependencyRegistry {
  std::vector<Dependency> dependencies;  ///< app-wide, for effect, run before the route's own
  std::vector<std::pair<const void*, std::shared_ptr<Provider>>> overrides;  ///< keyed like the cache
  const Provider* override_for(const void* key) const {
    for (const auto& [k, p] : overrides)
      if (k == key) return p.get();
    return nullptr;
  }
};

/// One request's dependencies. Lives from the first dependency to the end of the response's after_send.
class RequestScope {
 public:
  explicit RequestScope(const DependencyRegistry* registry);
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;
  ~RequestScope();

  const DependencyRegistry* registry() const { return registry_; }
  /// The cached value of a dependency (keyed by its function and, for one that uses OAuth2 scopes, the sorted
  /// set of its scopes as FastAPI keys it: `fa::Security<f, "a">` and `fa::Security<f, "b">` are two values), or
  /// nullptr.
  void* cached(const void* key, std::string_view scopes = {}) const;
  void remember(const void* key, void* value, std::string_view scopes = {});
  /// Keeps a dependency's value alive until the request is over.
  template <class T, class... A>
  T* store(A&&... args);
  /// The value of a dependency that returns nothing.
  void* no_value() { return this; }
  /// A Yield frame suspended at co_yield: torn down later, in reverse order.
  void push_exit(std::coroutine_handle<> frame, YieldPromiseBase* promise, std::string_view name,
                 DependencyScope scope);
  BackgroundTasks& background() { return background_; }
  /// True when something must run after the response is sent (a teardown, a background task).
  bool pending() const { return !exits_.empty() || !background_.empty(); }
  /// True when a Yield dependency of `which` scope (request: any) waits for its teardown.
  bool has_exits(DependencyScope which) const;
  /// Tears down the Yield dependencies of `which` scope (request: every one left), newest first, with
  /// `error` rethrown at their co_yield.
  Task<void> teardown(DependencyScope which);
  /// The request scope's teardown, then the background tasks: what Response::after_send runs.
  static Task<void> after_send(std::shared_ptr<RequestScope> self);

  std::exception_ptr error;  ///< what the handler (or a dependency, or validation) threw, if anything

 private:
  struct Exit {
    std::coroutine_handle<> frame;
    YieldPromiseBase* promise;
    std::string_view name;
    DependencyScope scope;
  };
  struct Holder {
    virtual ~Holder() = default;
  };
  template <class T>
  struct Box final : Holder {
    template <class... A>
    explicit Box(A&&... args) : value(std::forward<A>(args)...) {}
    T value;
  };

  struct CacheEntry {
    const void* key;
    std::string scopes;  // empty for a dependency that uses no scopes (no allocation)
    void* value;
  };

  void finish(const Exit& exit);
  /// Holds a value until the scope ends (store's untyped end: the vector's growth compiled once).
  void keep(std::unique_ptr<Holder> value);

  const DependencyRegistry* registry_;
  std::vector<CacheEntry> cache_;
  std::vector<std::unique_ptr<Holder>> values_;
  std::vector<Exit> exits_;
  BackgroundTasks background_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
// Out of the class (as what follows): the vectors' growth is compiled once with separate compilation.
FASTAPI_DETAIL_INLINE RequestScope::RequestScope(const DependencyRegistry* registry) : registry_(registry) {
  // A route's few dependencies fit without regrowing (1 -> 2 -> 4 would be three allocations each).
  cache_.reserve(4);
  values_.reserve(4);
}

FASTAPI_DETAIL_INLINE void RequestScope::remember(const void* key, void* value, std::string_view scopes) {
  cache_.push_back(CacheEntry{key, std::string(scopes), value});
}

FASTAPI_DETAIL_INLINE void RequestScope::keep(std::unique_ptr<Holder> value) { values_.push_back(std::move(value)); }

FASTAPI_DETAIL_INLINE RequestScope::~RequestScope() {
  // Frames never torn down (the connection died with the request in flight) are freed without teardown.
  while (!exits_.empty()) {
    exits_.back().frame.destroy();
    exits_.pop_back();
  }
  while (!values_.empty()) values_.pop_back();  // newest first: a value may refer to an older one
}

FASTAPI_DETAIL_INLINE void* RequestScope::cached(const void* key, std::string_view scopes) const {
  for (const CacheEntry& e : cache_)
    if (e.key == key && e.scopes == scopes) return e.value;
  return nullptr;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class T, class... A>
T* RequestScope::store(A&&... args) {
  Box<T>* made = new Box<T>(std::forward<A>(args)...);
  std::unique_ptr<Holder> box(made);  // one unique_ptr type for every T (not std::make_unique<Box<T>>'s own)
  T* out = &made->value;
  keep(std::move(box));
  return out;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void RequestScope::push_exit(std::coroutine_handle<> frame, YieldPromiseBase* promise,
                                                   std::string_view name, DependencyScope scope) {
  exits_.push_back(Exit{frame, promise, name, scope});
}

FASTAPI_DETAIL_INLINE bool RequestScope::has_exits(DependencyScope which) const {
  if (which != DependencyScope::function) return !exits_.empty();
  for (const Exit& exit : exits_)
    if (exit.scope == DependencyScope::function) return true;
  return false;
}

FASTAPI_DETAIL_INLINE Task<void> RequestScope::teardown(DependencyScope which) {
  for (std::size_t i = exits_.size(); i-- > 0;) {
    if (which == DependencyScope::function && exits_[i].scope != DependencyScope::function) continue;
    Exit exit = exits_[i];
    exits_.erase(exits_.begin() + static_cast<std::ptrdiff_t>(i));
    exit.promise->thrown_in = error;
    co_await ResumeYield{exit.frame, exit.promise};  // the code after co_yield runs here
    finish(exit);
  }
}

/// After a Yield's teardown ran: logs how it failed, if it did, and frees its frame.
FASTAPI_DETAIL_INLINE void RequestScope::finish(const Exit& exit) {
  std::optional<std::string> why;  // set when the teardown failed (a what() may be empty)
  if (!exit.frame.done()) {
    why = "it yielded more than once";
  } else if (exit.promise->exception && !(error && exit.promise->exception == error)) {
    // Rethrowing the request's own exception is how a dependency says "I saw it": not a teardown failure.
    try {
      std::rethrow_exception(exit.promise->exception);
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "unknown exception type";
    }
  }
  if (why) log(LogLevel::error, "teardown of dependency " + std::string(exit.name) + " failed: " + *why);
  exit.frame.destroy();
}

FASTAPI_DETAIL_INLINE Task<void> RequestScope::after_send(std::shared_ptr<RequestScope> self) {
  if (self->has_exits(DependencyScope::request)) co_await self->teardown(DependencyScope::request);
  if (!self->background_.empty()) co_await self->background_.run();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
