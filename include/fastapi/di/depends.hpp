// di/depends.hpp: fa::Depends<fn>: call fn (a plain function, a fa::Task coroutine or a fa::Yield), its own parameters bound like a handler's, recursively, at most once per request; and the awaitable binding of a plan that holds dependencies. Fed by params/binding (the Binder protocol); feeds app/endpoint. Knows nothing of routes or sockets.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
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
  explicit Depends(value_type& value) noexcept : value_(&value) {}

  value_type& operator*() const noexcept { return *value_; }
  value_type* operator->() const noexcept { return value_; }
  operator value_type&() const noexcept { return *value_; }
  value_type& value() const noexcept { return *value_; }

 private:
  template <class, auto>
  friend struct detail::DependsBinder;
  value_type* value_ = nullptr;
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

inline std::size_t error_count(const BindContext& ctx) {
  return ctx.errors.errors().size() + ctx.body_errors.errors().size();
}

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

/// Binds fn's parameters, calls it and keeps its value in the request's scope: a pointer to the value, or
/// nullptr when its parameters failed (it does not run; the errors are in ctx). Yield: set up, pushed on
/// the exit stack. Exceptions (an HTTPException...) propagate. (A class, not a function template: g++'s
/// -Wsubobject-linkage refuses a coroutine function template's frame holding a local lambda's type.)
template <class F>
struct DependencyCall {
  static_assert(has_callable_traits<F>,
                "fastapi: a dependency's parameter types must be spelled out (not a generic lambda)"
                " (docs/compile_errors.md#dependencies)");
  using Traits = callable_traits<F>;
  using Result = typename Traits::result;
  using Plan = typename plan_of<typename Traits::args>::type;
  using Value = typename dependency_traits<F>::value_type;
  static_assert(Plan::checked);

  static Task<void*> run(BindContext& ctx, F& fn, std::string_view name, DependencyScope when);

 private:
  static Result invoke(F& fn, typename Plan::Slots& slots) {
    return invoke_dependency(fn, slots, std::make_index_sequence<Traits::arity>{});
  }
};

template <class F>
Task<void*> DependencyCall<F>::run(BindContext& ctx, F& fn, std::string_view name, DependencyScope when) {
  RequestScope& scope = *ctx.scope;
  typename Plan::Slots slots{};
  if constexpr (Plan::size > 0) {
    std::size_t before = error_count(ctx);
    co_await PlanBinding<Plan>::bind(ctx, slots);
    if (error_count(ctx) != before) co_return nullptr;
  }
  if constexpr (is_yield_v<Result>) {
    Result y = invoke(fn, slots);
    auto h = y.handle();
    co_await ResumeYield{h, &h.promise()};  // setup: runs to co_yield
    if (h.done()) {
      h.promise().rethrow_if_failed();
      throw std::logic_error("fastapi: the yield dependency " + std::string(name) + " finished without co_yield");
    }
    scope.push_exit(y.release(), &h.promise(), name, when);
    co_return static_cast<void*>(h.promise().value);
  } else if constexpr (is_task_v<Result>) {
    if constexpr (std::is_void_v<typename Result::value_type>) {
      co_await invoke(fn, slots);
      co_return scope.no_value();
    } else {
      co_return static_cast<void*>(scope.store<Value>(co_await invoke(fn, slots)));
    }
  } else if constexpr (std::is_void_v<Result>) {
    invoke(fn, slots);
    co_return scope.no_value();
  } else if constexpr (std::is_lvalue_reference_v<Result>) {
    auto& ref = invoke(fn, slots);
    co_return const_cast<void*>(static_cast<const void*>(&ref));
  } else {
    co_return static_cast<void*>(scope.store<Value>(invoke(fn, slots)));
  }
}

/// The scopes part of a dependency's cache key, FastAPI's `tuple(sorted(set(scopes)))`: the scopes asked for along
/// the chain (`parent`, then the caller's `caller_own`) and by this use (`own`), sorted, each once, joined by
/// spaces (a scope has none).
inline std::string scopes_cache_key(const std::vector<std::string_view>& parent,
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

/// Runs fa::Depends<Fn, Options...> and fa::Security<Fn, Scopes...> (D): from the cache, an override, or Fn itself.
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

  static Task<void> bind_async(BindContext& ctx, Slot& slot);
  /// A value already in the request's cache: bound without starting a coroutine (true), else false.
  static bool bind_ready(BindContext& ctx, Slot& slot) {
    if constexpr (D::use_cache) {
      if (ctx.scope) {
        void* v = nullptr;
        if constexpr (uses_scopes)
          v = ctx.scope->cached(dependency_key<Fn>(),
                                scopes_cache_key(ctx.oauth_parent_scopes, ctx.oauth_own_scopes, D::own_scopes));
        else v = ctx.scope->cached(dependency_key<Fn>());
        if (v) {
          slot.value_ = static_cast<typename D::value_type*>(v);
          return true;
        }
      }
    }
    return false;
  }
  static void bind(BindContext&, Slot&) {
    throw std::logic_error("fastapi: a plan with fa::Depends is bound with detail::PlanBinding<Plan>::bind");
  }
  static D& get(Slot& slot) { return slot; }
};

template <class D, auto Fn>
Task<void> DependsBinder<D, Fn>::bind_async(BindContext& ctx, Slot& slot) {
  if (!ctx.scope) throw std::logic_error("fastapi: fa::Depends bound without a request scope");
  RequestScope& scope = *ctx.scope;
  constexpr const void* key = dependency_key<Fn>();
  std::string scopes_key;  // "" unless the dependency uses scopes (then computed once, here)
  if constexpr (D::use_cache) {
    if constexpr (uses_scopes)
      scopes_key = scopes_cache_key(ctx.oauth_parent_scopes, ctx.oauth_own_scopes, D::own_scopes);
    if (void* cached = scope.cached(key, scopes_key)) {
      slot.value_ = static_cast<typename D::value_type*>(cached);
      co_return;
    }
  }
  void* v = nullptr;
  {
    OAuthScopeFrame frame(ctx, D::own_scopes);
    const DependencyRegistry* registry = scope.registry();
    if (Provider* p =
            registry && !registry->overrides.empty() ? const_cast<Provider*>(registry->override_for(key)) : nullptr) {
      v = co_await p->provide(ctx, D::scope);
    } else {
      F fn = Fn;
      v = co_await DependencyCall<F>::run(ctx, fn, dependency_name<Fn>(), D::scope);
    }
  }
  if (!v) co_return;
  if constexpr (D::use_cache) scope.remember(key, v, scopes_key);
  slot.value_ = static_cast<typename D::value_type*>(v);
}

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

/// Runs a dependency for its effect (fa::dependency<Fn>()).
template <auto Fn, auto... Options>
Task<void> run_for_effect(BindContext& ctx) {
  Depends<Fn, Options...> slot;
  co_await Binder<Depends<Fn, Options...>>::bind_async(ctx, slot);
}

/// Calls `fake` in place of the dependency Fn (App::dependency_overrides).
template <auto Fn, class G>
class OverrideProvider final : public Provider {
 public:
  explicit OverrideProvider(G fake) : fake_(std::move(fake)) {}
  Task<void*> provide(BindContext& ctx, DependencyScope scope) override {
    return DependencyCall<G>::run(ctx, fake_, dependency_name<Fn>(), scope);
  }

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
  return Dependency{&detail::run_for_effect<Fn, Options...>, detail::dependency_name<Fn>(),
                    &detail::describe_dependency<Fn, Options...>};
}

namespace detail {
/// Runs fa::Security<Fn, Scopes...> for its effect (fa::security<Fn, Scopes...>()).
template <auto Fn, FixedString... Scopes>
Task<void> run_security_for_effect(BindContext& ctx) {
  Security<Fn, Scopes...> slot;
  co_await Binder<Security<Fn, Scopes...>>::bind_async(ctx, slot);
}
/// Describes it in an OpenAPI operation, its scopes in the security requirement; defined in openapi/operation.hpp.
template <auto Fn, FixedString... Scopes>
void describe_security_dependency(OperationDoc& doc);
}  // namespace detail

/// fa::dependency<fn>() with OAuth2 scopes, FastAPI's `dependencies=[Security(verify, scopes=["admin"])]`:
/// `app.delete_("/items/{id}", remove, {.dependencies = {fa::security<current_user, "admin">()}});`
template <auto Fn, FixedString... Scopes>
Dependency security() {
  return Dependency{&detail::run_security_for_effect<Fn, Scopes...>, detail::dependency_name<Fn>(),
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
  return std::make_shared<OverrideProvider<Fn, H>>(std::forward<G>(fake));
}
}  // namespace detail

}  // namespace fastapi
