// di/dependency_call.hpp: the one sequence every dependency runs through, compiled once (`bind_dependency`): the
// request's cache, an override, the binding of the dependency's own parameters and their 422, the call (a value, a
// fa::Task awaited, a fa::Yield set up to its co_yield and pushed on the exit stack), the value kept in the scope.
// What depends on the function's type is a table of plain functions (DependencyFunction), which di/depends.hpp fills
// per function type. Fed by di/depends.hpp (fa::Depends, fa::Security, fa::dependency<fn>()); knows nothing of
// routes or sockets.
#pragma once

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/params/bind_context.hpp"

namespace fastapi::detail {

/// A coroutine started with its type erased (a fa::Task a handler or a dependency returned, or a fa::Yield's frame):
/// awaited through its PromiseBase, as Task<T>::Awaiter does; its value or exception stays in its promise.
struct StartedTask {
  std::coroutine_handle<> handle;
  PromiseBase* promise = nullptr;

  template <class T>
  static StartedTask of(Task<T>& task) {
    auto awaiter = task.operator co_await();
    return StartedTask{awaiter.handle, &awaiter.handle.promise()};
  }
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) noexcept {
    promise->continuation = awaiting;
    if (!promise->cancellation) promise->cancellation = cancellation_of(awaiting);
    return transfer_to(handle);
  }
  void await_resume() const noexcept {}
};

/// What a dependency function's type says of its calls, fixed at compile time (di/depends.hpp's DependencyCalls<F>)
/// and read by bind_dependency. `args` is one call's storage of args_size bytes (the parameters' slots, and the
/// fa::Task the function returned), `fn` the function object. Only the functions of its kind are set.
struct DependencyFunction {
  enum class Kind : unsigned char { value, task, yield };
  std::size_t args_size = 0;
  std::size_t args_align = 1;
  Kind kind = Kind::value;
  bool has_params = false;                  ///< false: nothing to bind
  bool awaits_binding = false;              ///< a fa::Depends among its parameters: bound by awaiting (bind_async)
  bool loads_form = false;                  ///< fa::Form / fa::File parameters: a multipart body is read before binding
  void (*make_args)(void* args) = nullptr;  ///< the empty slots, constructed in `args`
  void (*drop_args)(void* args) noexcept = nullptr;                    ///< ...and destroyed
  void (*bind)(BindContext& ctx, void* args) = nullptr;                ///< a plan that awaits nothing
  Task<void> (*bind_async)(BindContext& ctx, void* args) = nullptr;    ///< a plan with fa::Depends
  void* (*call)(void* fn, void* args, RequestScope& scope) = nullptr;  ///< value: called, its value kept
  StartedTask (*start)(void* fn, void* args) = nullptr;  ///< task: started (kept in args); yield: its frame, released
  void* (*finish)(void* args, RequestScope& scope) = nullptr;  ///< task: its value kept (what it threw, rethrown)
  void* (*yielded)(PromiseBase* promise) = nullptr;            ///< yield: what it co_yielded
};

/// One fa::Depends / fa::Security type's use of a dependency (a constant per type, di/depends.hpp's DependsBinder).
struct DependencyUse {
  const void* key = nullptr;                     ///< the function's: the cache and the overrides are keyed by it
  const DependencyFunction* function = nullptr;  ///< how to call it...
  const void* object = nullptr;                  ///< ...and the function object it calls
  std::string_view (*name)() = nullptr;          ///< "get_db", for logs
  std::span<const std::string_view> own_scopes;  ///< the OAuth2 scopes this use asks for
  bool use_cache = true;                         ///< false with fa::no_cache
  bool uses_scopes = false;                      ///< its value depends on the scopes (they join its cache key)
  DependencyScope scope = DependencyScope::request;
};

/// Binds a dependency for one use: its value from the cache, or from an override (App::dependency_overrides) or the
/// function itself, called once its own parameters are bound. `*out` (unless null: a dependency run for its effect)
/// points at the value; it stays unset when the parameters failed (the errors are in ctx). Exceptions (an
/// HTTPException...) propagate. The one coroutine of every dependency, compiled once.
FASTAPI_DETAIL_INLINE Task<void> bind_dependency(BindContext& ctx, const DependencyUse& use, void** out);
/// A value already in the request's cache: `out` set without starting a coroutine (true), else false.
FASTAPI_DETAIL_INLINE bool dependency_ready(BindContext& ctx, const DependencyUse& use, void*& out);

inline std::size_t error_count(const BindContext& ctx) {
  return ctx.errors.errors().size() + ctx.body_errors.errors().size();
}

/// The scopes part of a dependency's cache key, FastAPI's `tuple(sorted(set(scopes)))`: the scopes asked for along
/// the chain (`parent`, then the caller's `caller_own`) and by this use (`own`), sorted, each once, joined by
/// spaces (a scope has none).
FASTAPI_DETAIL_INLINE std::string scopes_cache_key(const std::vector<std::string_view>& parent,
                                                   std::span<const std::string_view> caller_own,
                                                   std::span<const std::string_view> own);

/// While a dependency is bound: its callers' scopes (FastAPI's parent_oauth_scopes: the caller's parent scopes,
/// then the caller's own) and its own; restored when it is done.
class OAuthScopeFrame {
 public:
  OAuthScopeFrame(BindContext& ctx, std::span<const std::string_view> own)
      : ctx_(ctx), parent_size_(ctx.oauth_parent_scopes.size()), caller_own_(ctx.oauth_own_scopes) {
    ctx.oauth_parent_scopes.insert(ctx.oauth_parent_scopes.end(), caller_own_.begin(), caller_own_.end());
    ctx.oauth_own_scopes = own;
  }
  OAuthScopeFrame(const OAuthScopeFrame&) = delete;
  OAuthScopeFrame& operator=(const OAuthScopeFrame&) = delete;
  ~OAuthScopeFrame() {
    ctx_.oauth_parent_scopes.resize(parent_size_);
    ctx_.oauth_own_scopes = caller_own_;
  }

 private:
  BindContext& ctx_;
  std::size_t parent_size_;
  std::span<const std::string_view> caller_own_;
};

/// Room for one call's arguments: in place when they fit (most do), else from the heap. Its owner makes the
/// arguments in it and destroys them (a dependency's DependencyArgs, a route's RouteEndpoint::CallArgs).
template <std::size_t InlineSize>
class ArgsStorage {
 public:
  static constexpr std::size_t inline_size = InlineSize;
  ArgsStorage(std::size_t size, std::size_t align) : align_(align) {
    if (size > InlineSize || align > alignof(std::max_align_t)) heap_ = ::operator new(size, std::align_val_t(align));
  }
  ~ArgsStorage() {
    if (heap_) ::operator delete(heap_, std::align_val_t(align_));
  }
  ArgsStorage(const ArgsStorage&) = delete;
  ArgsStorage& operator=(const ArgsStorage&) = delete;
  void* get() { return heap_ ? heap_ : static_cast<void*>(inline_); }

 private:
  alignas(std::max_align_t) std::byte inline_[InlineSize];
  void* heap_ = nullptr;
  std::size_t align_;
};

/// One dependency call's arguments, in bind_dependency's frame when they fit (most do) or on the heap; made
/// empty, destroyed after the call.
class DependencyArgs {
 public:
  static constexpr std::size_t inline_size = 192;
  explicit DependencyArgs(const DependencyFunction& function)
      : storage_(function.args_size, function.args_align), function_(function) {
    function.make_args(get());
  }
  ~DependencyArgs() { function_.drop_args(get()); }
  void* get() { return storage_.get(); }

 private:
  ArgsStorage<inline_size> storage_;
  const DependencyFunction& function_;
};

/// A Yield's frame until it is on the exit stack: destroyed if setup fails (or the request is dropped meanwhile).
struct OwnedFrame {
  std::coroutine_handle<> handle;
  explicit OwnedFrame(std::coroutine_handle<> h) : handle(h) {}
  OwnedFrame(const OwnedFrame&) = delete;
  OwnedFrame& operator=(const OwnedFrame&) = delete;
  ~OwnedFrame() {
    if (handle) handle.destroy();
  }
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string scopes_cache_key(const std::vector<std::string_view>& parent,
                                                   std::span<const std::string_view> caller_own,
                                                   std::span<const std::string_view> own) {
  std::vector<std::string_view> all(parent);
  all.insert(all.end(), caller_own.begin(), caller_own.end());
  all.insert(all.end(), own.begin(), own.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::string key;
  for (std::string_view s : all) {
    if (!key.empty()) key += ' ';
    key += s;
  }
  return key;
}

FASTAPI_DETAIL_INLINE bool dependency_ready(BindContext& ctx, const DependencyUse& use, void*& out) {
  if (!use.use_cache || !ctx.scope) return false;
  void* value =
      use.uses_scopes
          ? ctx.scope->cached(use.key, scopes_cache_key(ctx.oauth_parent_scopes, ctx.oauth_own_scopes, use.own_scopes))
          : ctx.scope->cached(use.key);
  if (!value) return false;
  out = value;
  return true;
}

FASTAPI_DETAIL_INLINE Task<void> bind_dependency(BindContext& ctx, const DependencyUse& use, void** out) {
  if (!ctx.scope) throw std::logic_error("fastapi: fa::Depends bound without a request scope");
  RequestScope& scope = *ctx.scope;
  std::string scopes_key;  // "" unless the dependency uses scopes (then computed once, here)
  if (use.use_cache) {
    if (use.uses_scopes) scopes_key = scopes_cache_key(ctx.oauth_parent_scopes, ctx.oauth_own_scopes, use.own_scopes);
    if (void* cached = scope.cached(use.key, scopes_key)) {
      if (out) *out = cached;
      co_return;
    }
  }
  void* value = nullptr;
  {
    OAuthScopeFrame frame(ctx, use.own_scopes);
    const DependencyRegistry* registry = scope.registry();
    const Provider* fake = registry && !registry->overrides.empty() ? registry->override_for(use.key) : nullptr;
    const DependencyFunction& function = fake ? fake->function() : *use.function;
    void* fn = fake ? fake->object() : const_cast<void*>(use.object);
    DependencyArgs args(function);  // destroyed before the scopes frame: the function's arguments are done
    if (function.has_params) {
      const std::size_t before = error_count(ctx);
      if (function.awaits_binding) {
        co_await function.bind_async(ctx, args.get());
      } else {
        if (function.loads_form) co_await ctx.load_form();  // a multipart body's parts, before any binder
        function.bind(ctx, args.get());
      }
      if (error_count(ctx) != before) co_return;  // it does not run; its parameters' errors join the 422
    }
    if (function.kind == DependencyFunction::Kind::value) {
      value = function.call(fn, args.get(), scope);
    } else if (function.kind == DependencyFunction::Kind::task) {
      StartedTask task = function.start(fn, args.get());
      co_await task;
      value = function.finish(args.get(), scope);
    } else {
      StartedTask started = function.start(fn, args.get());
      OwnedFrame frame_of_yield{started.handle};
      auto* promise = static_cast<YieldPromiseBase*>(started.promise);
      co_await ResumeYield{started.handle, promise};  // setup: runs to co_yield
      if (started.handle.done()) {
        promise->rethrow_if_failed();
        throw std::logic_error("fastapi: the yield dependency " + std::string(use.name()) +
                               " finished without co_yield");
      }
      scope.push_exit(started.handle, promise, use.name(), use.scope);
      frame_of_yield.handle = {};  // the exit stack owns it now
      value = function.yielded(promise);
    }
  }
  if (use.use_cache) scope.remember(use.key, value, scopes_key);
  if (out) *out = value;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
