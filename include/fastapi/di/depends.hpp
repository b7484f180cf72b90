// di/depends.hpp: fa::Depends<fn>: call fn (a plain function, a fa::Task coroutine or a fa::Yield), its own parameters bound like a handler's, recursively, at most once per request; and the awaitable binding of a plan that holds dependencies. Fed by params/binding (the Binder protocol); feeds app/endpoint. Knows nothing of routes or sockets.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/fixed_string.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/background.hpp"
#include "fastapi/di/dependency_call.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/params/binding.hpp"

namespace fastapi {

namespace detail {
/// fa::no_cache among fa::Security's scopes (which are strings): a text no scope can be (RFC 6749 section 3.3
/// has no control byte), so it is never taken for one.
inline constexpr FixedString<10> no_cache_word{"\x01no_cache"};
}  // namespace detail

/// `fa::Depends<get_db, fa::no_cache>`: call the dependency again for each use in the same request; also
/// `fa::Security<current_user, "items", fa::no_cache>` (FastAPI's `use_cache=False`).
struct NoCache {
  /// Lets fa::no_cache stand among fa::Security's scope strings (with the deduction guide below).
  constexpr operator FixedString<10>() const { return detail::no_cache_word; }
};
inline constexpr NoCache no_cache{};
FixedString(NoCache)->FixedString<10>;

namespace detail {

/// The value of a dependency that returns nothing (`void`, `fa::Task<void>`): there is nothing to read.
struct NoValue {};

/// The Binder of fa::Depends and fa::Security (below).
template <class D, auto Fn>
struct DependsBinder;

/// T of T, fa::Task<T> and fa::Yield<T>.
template <class R>
struct unwrap_result {
  using type = R;
};
template <class U>
struct unwrap_result<Task<U>> {
  using type = U;
};
template <class U>
struct unwrap_result<Yield<U>> {
  using type = U;
};

/// What a dependency function gives: `*dep` is value_type (a reference result is not copied: it points at
/// its referent; a void one is NoValue).
template <class F>
struct dependency_traits {
  using result = typename callable_traits<F>::result;
  using raw = typename unwrap_result<result>::type;
  using value_type = std::conditional_t<std::is_void_v<raw>, NoValue, std::remove_reference_t<raw>>;
};

/// One key per dependency function: the per-request cache and the overrides are keyed by it.
template <auto Fn>
inline constexpr char dependency_key_tag = 0;
template <auto Fn>
constexpr const void* dependency_key() {
  return &dependency_key_tag<Fn>;
}

/// The name in a pretty function signature `...[with auto Fn = get_db; ...]` (g++) or `[Fn = &get_db]` (clang++).
inline std::string_view parse_dependency_name(std::string_view s) {
  std::size_t at = s.find("Fn = ");
  if (at == std::string_view::npos) return s;
  s.remove_prefix(at + 5);
  s = s.substr(0, s.find_first_of(";]"));
  while (!s.empty() && (s.front() == '&' || s.front() == '(')) s.remove_prefix(1);
  return s;
}
/// The dependency's name for logs ("get_db"), read from the compiler's spelling of the template argument,
/// once (it is asked for at every call of the dependency: parsing it each time was ~6% of a request).
template <auto Fn>
std::string_view dependency_name() {
  static const std::string_view name = parse_dependency_name(__PRETTY_FUNCTION__);
  return name;
}

/// What the options of Depends say: fa::no_cache, and a fa::scope (request when absent), in any order.
template <auto... Options>
struct DependsConfig {
  template <class O>
  static constexpr bool known = std::is_same_v<O, NoCache> || std::is_same_v<O, DependencyScope>;
  static_assert((known<std::remove_cv_t<decltype(Options)>> && ...),
                "fastapi: the options of fa::Depends<fn, ...> are fa::no_cache and fa::scope::request / "
                "fa::scope::function (docs/compile_errors.md#di-depends-bad-option)");
  static constexpr bool use_cache = !(std::is_same_v<std::remove_cv_t<decltype(Options)>, NoCache> || ...);
  static constexpr DependencyScope scope = [] {
    DependencyScope s = DependencyScope::request;
    auto take = [&](auto o) {
      if constexpr (std::is_same_v<decltype(o), DependencyScope>) s = o;
    };
    (take(Options), ...);
    (void)take;
    return s;
  }();
};

}  // namespace detail

/// A dependency: `fn` is called (its own parameters bound like a handler's: Path, Query, Header, Body,
/// other Depends...) and `*dep` / `dep->` / `const T&` is what it returned, co_returned or co_yielded.
///
///     fa::Task<User> current_user(fa::Header<"authorization", std::string> auth, fa::Depends<get_db> db);
///     app.get("/me", [](fa::Depends<current_user> user) { return user->name; });
///
/// It runs at most once per request however many parameters ask for it (`fa::no_cache` opts out), before
/// the handler's own parameters are read. Its parameters' errors join the request's 422; an HTTPException
/// it throws is the response; a Yield's teardown runs after the response is sent (docs/dependencies.md).
template <auto Fn, auto... Options>
class Depends {
  static_assert(detail::has_callable_traits<decltype(Fn)>,
                "fastapi: the first argument of fa::Depends<fn> / fa::Security<fn, ...> is a dependency: a function, "
                "or a captureless lambda with spelled-out parameter types stored in a constexpr variable"
                " (docs/compile_errors.md#di-security-not-a-dependency)");

 public:
  using value_type = typename detail::dependency_traits<decltype(Fn)>::value_type;
  static constexpr bool use_cache = detail::DependsConfig<Options...>::use_cache;
  static constexpr DependencyScope scope = detail::DependsConfig<Options...>::scope;
  /// The OAuth2 scopes this use asks for: none (fa::Security<fn, "scope", ...> asks for some).
  static constexpr std::array<std::string_view, 0> own_scopes{};

  Depends() = default;
  /// A value given by hand (calling a handler directly in a unit test).
  explicit Depends(value_type& value) noexcept : value_(const_cast<void*>(static_cast<const void*>(&value))) {}

  value_type& operator*() const noexcept { return *get(); }
  value_type* operator->() const noexcept { return get(); }
  operator value_type&() const noexcept { return *get(); }
  value_type& value() const noexcept { return *get(); }

 private:
  template <class, auto>
  friend struct detail::DependsBinder;
  value_type* get() const noexcept { return static_cast<value_type*>(value_); }
  void* value_ = nullptr;  // set by the one binding sequence of every dependency (detail::bind_dependency)
};

namespace detail {
/// True for a scope-token of RFC 6749 section 3.3: one or more printable ASCII characters, no space, `"` or `\`.
constexpr bool is_scope_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}
/// fa::Security's scopes without fa::no_cache (an option, not a scope).
template <FixedString... Scopes>
constexpr auto security_scopes() {
  constexpr std::string_view option = no_cache_word.view();
  std::array<std::string_view, ((Scopes.view() != option ? 1 : 0) + ... + 0)> out{};
  std::size_t i = 0;
  ((Scopes.view() != option ? void(out[i++] = Scopes.view()) : void()), ...);
  return out;
}
}  // namespace detail

/// A dependency that requires OAuth2 scopes (FastAPI's `Security(get_current_user, scopes=["items"])`): the same
/// as `fa::Depends<fn>`, and the scopes join those asked for along the chain, which `fn` (or any dependency it
/// takes) reads through a `fa::SecurityScopes` parameter and OpenAPI lists in the operation's security
/// requirement (`{"OAuth2PasswordBearer": ["items", "me"]}`: the handler's first).
///
///     User current_user(fa::SecurityScopes scopes, fa::Depends<read_token> token);   // checks scopes.scopes
///     app.get("/users/me/items", [](fa::Security<current_user, "items"> user) { ... });
///
/// Cached once per request per set of scopes, as FastAPI (its cache key holds the scopes): `fa::Security<f, "a">`
/// and `fa::Security<f, "b">` in one request call `f` twice. `fa::no_cache` among the scopes calls `f` again for
/// this use, as fa::Depends<f, fa::no_cache> (FastAPI's `Security(f, scopes=[...], use_cache=False)`):
///     [](fa::Security<current_user, "items", fa::no_cache> user) { ... }
/// (fa::scope::function is spelled with fa::Depends only.)
template <auto Fn, FixedString... Scopes>
class Security : public Depends<Fn> {
  static_assert(((Scopes.view() == detail::no_cache_word.view() || detail::is_scope_token(Scopes.view())) && ...),
                "fastapi: an OAuth2 scope in fa::Security<fn, \"scope\", ...> is one word: printable ASCII, no "
                "space, no quote, no backslash (RFC 6749 section 3.3)"
                " (docs/compile_errors.md#di-security-scope-with-space)");

 public:
  static constexpr auto own_scopes = detail::security_scopes<Scopes...>();
  /// False with fa::no_cache among the scopes (hides Depends<Fn>'s, which is always true).
  static constexpr bool use_cache = ((Scopes.view() != detail::no_cache_word.view()) && ...);
  using Depends<Fn>::Depends;
};

namespace detail {

// clang-format off
template <class B>
concept async_binder = requires { B::is_async; } && B::is_async;
template <class B>
concept scoped_binder = requires { B::needs_scope; } && B::needs_scope;
/// FastAPI's _uses_scopes: a binder whose value depends on the OAuth2 scopes asked for (fa::SecurityScopes, a
/// security scheme, fa::Security with scopes, a dependency that takes one of these).
template <class B>
concept oauth_binder = requires { B::uses_scopes; } && B::uses_scopes;
// clang-format on

template <class B>
constexpr auto nested_path_names() {
  if constexpr (requires { B::path_names; }) return B::path_names;
  else return std::array<std::string_view, 0>{};
}

/// One parameter's binding with its plan's type erased (the slots passed as void*): what bind_steps walks.
struct BindStep {
  void (*sync)(BindContext&, void* slots) = nullptr;         ///< a binder that awaits nothing
  Task<void> (*async)(BindContext&, void* slots) = nullptr;  ///< fa::Depends: awaited...
  bool (*ready)(BindContext&, void* slots) = nullptr;        ///< ...unless its value is at hand (the cache)
};
/// Binds a plan's parameters (its steps, in its order), loading a multipart body first when `load_form`, and
/// awaiting its dependencies: the one coroutine every plan with dependencies shares, compiled once.
FASTAPI_DETAIL_INLINE Task<void> bind_steps(BindContext& ctx, void* slots, std::span<const BindStep> steps,
                                            bool load_form);

/// The awaitable side of a BindPlan: dependencies awaited in order, everything else bound as BindPlan::bind
/// does; and the plan's facts that include what its dependencies take (path names, scope).
template <class Plan>
struct PlanBinding;
template <class... Params>
struct PlanBinding<BindPlan<Params...>> {
  using Plan = BindPlan<Params...>;
  using Slots = typename Plan::Slots;
  static constexpr std::size_t size = Plan::size;
  static constexpr bool is_async = (async_binder<Binder<std::remove_cvref_t<Params>>> || ...);
  static constexpr bool needs_scope = is_async || (scoped_binder<Binder<std::remove_cvref_t<Params>>> || ...);
  static constexpr bool uses_scopes = (oauth_binder<Binder<std::remove_cvref_t<Params>>> || ...);

  /// The Path names of the plan and of its dependencies (for the registration check against `{names}`).
  static constexpr std::size_t path_count =
      Plan::path_count + (std::size_t{0} + ... + nested_path_names<Binder<std::remove_cvref_t<Params>>>().size());
  static constexpr std::array<std::string_view, path_count> path_names = [] {
    std::array<std::string_view, path_count> out{};
    std::size_t k = 0;
    for (std::string_view n : Plan::path_names) out[k++] = n;
    auto add = [&](const auto& names) {
      for (std::string_view n : names) out[k++] = n;
    };
    (add(nested_path_names<Binder<std::remove_cvref_t<Params>>>()), ...);
    (void)add;
    return out;
  }();

  /// Fills every slot (in Plan::order), awaiting dependencies; errors are recorded in ctx. Not a coroutine:
  /// the plan's steps are walked by bind_steps, so a plan costs no coroutine of its own.
  static Task<void> bind(BindContext& ctx, Slots& slots) {
    ctx.embed_bodies = ctx.embed_bodies || Plan::embed_bodies;
    return bind_steps(ctx, &slots, steps, Plan::has_form);
  }

 private:
  template <std::size_t I>
  using Param = std::remove_cvref_t<std::tuple_element_t<I, std::tuple<Params...>>>;
  template <std::size_t I>
  static std::tuple_element_t<I, Slots>& slot(void* slots) {
    return std::get<I>(*static_cast<Slots*>(slots));
  }
  template <std::size_t I>
  static void bind_sync(BindContext& ctx, void* slots) {
    Binder<Param<I>>::bind(ctx, slot<I>(slots));
  }
  template <std::size_t I>
  static Task<void> bind_async(BindContext& ctx, void* slots) {
    return Binder<Param<I>>::bind_async(ctx, slot<I>(slots));
  }
  template <std::size_t I>
  static bool bind_ready(BindContext& ctx, void* slots) {
    return Binder<Param<I>>::bind_ready(ctx, slot<I>(slots));
  }
  // clang-format off
  template <std::size_t I>
  static constexpr BindStep step() {
    if constexpr (!async_binder<Binder<Param<I>>>) {
      return BindStep{&bind_sync<I>, nullptr, nullptr};
    } else if constexpr (requires(BindContext& c, typename Binder<Param<I>>::Slot& s) {
                           Binder<Param<I>>::bind_ready(c, s);
                         }) {
      return BindStep{nullptr, &bind_async<I>, &bind_ready<I>};
    } else {
      return BindStep{nullptr, &bind_async<I>, nullptr};
    }
  }
  /// The steps in the plan's binding order (FastAPI's order of sources).
  static constexpr std::array<BindStep, size> steps = []<std::size_t... K>(std::index_sequence<K...>) {
    return std::array<BindStep, size>{step<Plan::order[K]>()...};
  }(std::make_index_sequence<size>{});
  // clang-format on
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<void> bind_steps(BindContext& ctx, void* slots, std::span<const BindStep> steps,
                                            bool load_form) {
  if (load_form) co_await ctx.load_form();  // a multipart body's parts (params/form_data.hpp)
  for (const BindStep& step : steps) {
    if (!step.async) step.sync(ctx, slots);
    else if (!step.ready || !step.ready(ctx, slots)) co_await step.async(ctx, slots);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The argument for a dependency parameter declared `P` from its slot: an lvalue for `P&`, moved otherwise.
template <class P, class Slot>
decltype(auto) dependency_argument(Slot& slot) {
  auto& value = Binder<std::remove_cvref_t<P>>::get(slot);
  if constexpr (std::is_lvalue_reference_v<P>) return (value);
  else return std::move(value);
}

template <class F, class Slots, std::size_t... I>
decltype(auto) invoke_dependency(F& fn, [[maybe_unused]] Slots& slots, std::index_sequence<I...>) {
  using Args = typename callable_traits<F>::args;
  return fn(dependency_argument<std::tuple_element_t<I, Args>>(std::get<I>(slots))...);
}

/// A dependency function's type as the plain functions of its DependencyFunction table: make and destroy one
/// call's arguments, bind them, call it and keep its value in the request's scope (or start its fa::Task or
/// fa::Yield, and read its value once bind_dependency has awaited it). No coroutine of its own: the sequence
/// around these (cache, override, 422, Yield set-up, exit stack) is bind_dependency's, compiled once.
template <class F>
struct DependencyCalls {
  static_assert(has_callable_traits<F>,
                "fastapi: a dependency's parameter types must be spelled out (not a generic lambda)"
                " (docs/compile_errors.md#dependencies)");
  using Traits = callable_traits<F>;
  using Result = typename Traits::result;
  using Plan = typename plan_of<typename Traits::args>::type;
  using Binding = PlanBinding<Plan>;
  using Value = typename dependency_traits<F>::value_type;
  using Slots = typename Plan::Slots;
  static_assert(Plan::checked);

  static constexpr DependencyFunction::Kind kind = is_yield_v<Result>  ? DependencyFunction::Kind::yield
                                                   : is_task_v<Result> ? DependencyFunction::Kind::task
                                                                       : DependencyFunction::Kind::value;
  struct NoTask {};
  /// One call's arguments: the bound slots, and the fa::Task the function returned (destroyed first).
  struct Args {
    Slots slots{};
    std::conditional_t<is_task_v<Result>, std::optional<Result>, NoTask> task{};
  };
  static Args& args_of(void* args) { return *static_cast<Args*>(args); }
  static Result invoke(void* fn, Args& args) {
    return invoke_dependency(*static_cast<F*>(fn), args.slots, std::make_index_sequence<Traits::arity>{});
  }

  static void make_args(void* args) { ::new (args) Args(); }
  static void drop_args(void* args) noexcept { args_of(args).~Args(); }
  static void bind(BindContext& ctx, void* args) { Plan::bind(ctx, args_of(args).slots); }
  static Task<void> bind_async(BindContext& ctx, void* args) { return Binding::bind(ctx, args_of(args).slots); }
  static void* call(void* fn, void* args, RequestScope& scope) {
    if constexpr (std::is_void_v<Result>) {
      invoke(fn, args_of(args));
      return scope.no_value();
    } else if constexpr (std::is_lvalue_reference_v<Result>) {
      auto& ref = invoke(fn, args_of(args));
      return const_cast<void*>(static_cast<const void*>(&ref));
    } else {
      return static_cast<void*>(scope.store<Value>(invoke(fn, args_of(args))));
    }
  }
  static StartedTask start(void* fn, void* args) {
    if constexpr (is_task_v<Result>) {
      Args& a = args_of(args);
      return StartedTask::of(a.task.emplace(invoke(fn, a)));
    } else {
      auto frame = invoke(fn, args_of(args)).release();
      return StartedTask{frame, &frame.promise()};
    }
  }
  static void* finish(void* args, RequestScope& scope) {
    auto awaiter = args_of(args).task->operator co_await();
    if constexpr (std::is_void_v<typename Result::value_type>) {
      awaiter.await_resume();  // rethrows what the dependency threw
      return scope.no_value();
    } else {
      return static_cast<void*>(scope.store<Value>(awaiter.await_resume()));
    }
  }
  static void* yielded(PromiseBase* promise) {
    return static_cast<void*>(static_cast<typename Result::promise_type*>(promise)->value);
  }

  static constexpr DependencyFunction table = [] {
    DependencyFunction t{.args_size = sizeof(Args),
                         .args_align = alignof(Args),
                         .kind = kind,
                         .has_params = Plan::size > 0,
                         .awaits_binding = Binding::is_async,
                         .loads_form = Plan::has_form,
                         .make_args = &make_args,
                         .drop_args = &drop_args};
    if constexpr (Plan::size > 0) {
      if constexpr (Binding::is_async) t.bind_async = &bind_async;
      else t.bind = &bind;
    }
    if constexpr (kind == DependencyFunction::Kind::value) {
      t.call = &call;
    } else {
      t.start = &start;
      if constexpr (kind == DependencyFunction::Kind::task) t.finish = &finish;
      else t.yielded = &yielded;
    }
    return t;
  }();
};

/// The function object of the dependency Fn, for DependencyUse::object (called through DependencyCalls<F>).
template <auto Fn>
inline constexpr decltype(Fn) dependency_object = Fn;

/// Runs fa::Depends<Fn, Options...> and fa::Security<Fn, Scopes...> (D): from the cache, an override, or Fn itself,
/// through bind_dependency with D's use (a constant).
template <class D, auto Fn>
struct DependsBinder {
  using F = decltype(Fn);
  using Plan = typename plan_of<typename callable_traits<F>::args>::type;
  static constexpr bool bindable = true;
  static constexpr Source source = Source::depends;
  static constexpr std::size_t body_count = Plan::body_count;
  static constexpr bool is_async = true;
  static constexpr bool needs_scope = true;
  static constexpr bool uses_scopes = D::own_scopes.size() > 0 || PlanBinding<Plan>::uses_scopes;
  static constexpr auto path_names = PlanBinding<Plan>::path_names;
  using Slot = D;

  static constexpr DependencyUse use{.key = dependency_key<Fn>(),
                                     .function = &DependencyCalls<F>::table,
                                     .object = &dependency_object<Fn>,
                                     .name = &dependency_name<Fn>,
                                     .own_scopes = D::own_scopes,
                                     .use_cache = D::use_cache,
                                     .uses_scopes = uses_scopes,
                                     .scope = D::scope};

  static Task<void> bind_async(BindContext& ctx, Slot& slot) { return bind_dependency(ctx, use, &slot.value_); }
  /// A value already in the request's cache: bound without starting a coroutine (true), else false.
  static bool bind_ready(BindContext& ctx, Slot& slot) {
    if constexpr (D::use_cache) return dependency_ready(ctx, use, slot.value_);
    else return false;
  }
  static void bind(BindContext&, Slot&) {
    throw std::logic_error("fastapi: a plan with fa::Depends is bound with detail::PlanBinding<Plan>::bind");
  }
  static D& get(Slot& slot) { return slot; }
};

template <auto Fn, auto... Options>
struct Binder<Depends<Fn, Options...>> : DependsBinder<Depends<Fn, Options...>, Fn> {};
template <auto Fn, FixedString... Scopes>
struct Binder<Security<Fn, Scopes...>> : DependsBinder<Security<Fn, Scopes...>, Fn> {};

/// fa::BackgroundTasks&: the request's list, run after the response is sent and the teardowns are done.
template <>
struct Binder<BackgroundTasks> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::framework;
  static constexpr std::size_t body_count = 0;
  static constexpr bool needs_scope = true;
  using Slot = BackgroundTasks*;
  static void bind(BindContext& ctx, Slot& slot) {
    if (!ctx.scope) throw std::logic_error("fastapi: fa::BackgroundTasks& bound without a request scope");
    slot = &ctx.scope->background();
  }
  static BackgroundTasks& get(Slot& slot) { return *slot; }
};

/// Runs a dependency for its effect (fa::dependency<Fn>(), fa::security<Fn, Scopes...>()): D's use, no slot.
template <class D>
Task<void> run_for_effect(BindContext& ctx) {
  return bind_dependency(ctx, Binder<D>::use, nullptr);
}

/// Calls `fake` in place of a dependency (App::dependency_overrides), through its own DependencyFunction.
template <class G>
class OverrideProvider final : public Provider {
 public:
  explicit OverrideProvider(G fake) : Provider(DependencyCalls<G>::table, &fake_), fake_(std::move(fake)) {}

 private:
  G fake_;
};

}  // namespace detail

/// A dependency run for its effect only, for RouteOptions::dependencies and App::dependencies:
/// `{.dependencies = {fa::dependency<verify_token>(), fa::dependency<verify_key>()}}`.
namespace detail {
/// Describes Fn's parameters in an OpenAPI operation; defined in openapi/operation.hpp.
template <auto Fn, auto... Options>
void describe_dependency(OperationDoc& doc);
}  // namespace detail

template <auto Fn, auto... Options>
Dependency dependency() {
  return Dependency{&detail::run_for_effect<Depends<Fn, Options...>>, detail::dependency_name<Fn>(),
                    &detail::describe_dependency<Fn, Options...>};
}

namespace detail {
/// Describes it in an OpenAPI operation, its scopes in the security requirement; defined in openapi/operation.hpp.
template <auto Fn, FixedString... Scopes>
void describe_security_dependency(OperationDoc& doc);
}  // namespace detail

/// fa::dependency<fn>() with OAuth2 scopes, FastAPI's `dependencies=[Security(verify, scopes=["admin"])]`:
/// `app.delete_("/items/{id}", remove, {.dependencies = {fa::security<current_user, "admin">()}});`
template <auto Fn, FixedString... Scopes>
Dependency security() {
  return Dependency{&detail::run_for_effect<Security<Fn, Scopes...>>, detail::dependency_name<Fn>(),
                    &detail::describe_security_dependency<Fn, Scopes...>};
}

namespace detail {
/// The override for Fn: `fake` must give the same value type (it is read through Depends<Fn>).
template <auto Fn, class G>
std::shared_ptr<Provider> make_override(G&& fake) {
  using H = std::decay_t<G>;
  static_assert(has_callable_traits<H>, "fastapi: an override's parameter types must be spelled out"
                                        " (docs/compile_errors.md#dependencies)");
  static_assert(
      std::is_same_v<typename dependency_traits<H>::value_type, typename dependency_traits<decltype(Fn)>::value_type>,
      "fastapi: a dependency override must give the same type as the dependency it replaces "
      "(T, fa::Task<T> or fa::Yield<T> for the same T) (docs/compile_errors.md#di-override-wrong-type)");
  return std::make_shared<OverrideProvider<H>>(std::forward<G>(fake));
}
}  // namespace detail

}  // namespace fastapi
