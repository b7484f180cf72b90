// params/binding.hpp: a handler's parameter types -> a compile-time plan (where each value comes from), and per request: fetch, convert, validate, every error collected into one RequestValidationError. Fed by app/endpoint (the handler's signature, the Request); feeds the handler's arguments. Knows nothing of routes, sockets or responses beyond Response&.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/params/bind_context.hpp"
#include "fastapi/params/body.hpp"
#include "fastapi/params/convert.hpp"
#include "fastapi/params/markers.hpp"

// How binding works, in two phases (docs/architecture.md, the request path: "handler arguments gathered"):
//  1. Compile time: BindPlan<Params...> gives each handler parameter its Binder<P> (where the value comes from),
//     refuses a parameter that cannot be bound with a static_assert naming its position, and orders the
//     parameters as FastAPI reports errors: dependencies, path, query, header, cookie, then bodies.
//  2. Per request: every Binder fills its slot or records errors in the BindContext; if any error was
//     recorded the handler does not run and the app answers 422 {"detail":[...]} with all of them.
//
// The per-parameter API, for di/ (fa::Depends binds its function's own parameters the same way, recursively,
// and its errors join the same BindContext):
//
//     detail::BindContext ctx{req, sub_response};
//     auto slot = detail::bind_one<fa::Query<"q", int>>(ctx);     // ParamSlot<Query<...>>, empty on error
//     if (ctx.failed()) throw ctx.take_errors();                     // RequestValidationError -> 422
//     detail::Binder<fa::Query<"q", int>>::get(slot);                // the argument
//
// A new kind of parameter (Depends, State, BackgroundTasks) is a partial specialization of Binder<V> with:
//     static constexpr bool bindable = true;   static constexpr Source source = ...;
//     using Slot = ...;                        static void bind(BindContext&, Slot&);
//     static V& get(Slot&);                    static constexpr std::size_t body_count = ...;  (bodies inside)

namespace fastapi {
namespace detail {

// ---- fetching text ------------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// `name=value` of the Cookie header(s), Starlette's cookie_parser: pairs split on ';', trimmed, surrounding
/// double quotes dropped, the last one wins.
inline std::optional<std::string_view> find_cookie(const HeaderViews& headers, std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& field : headers) {
    if (!iequals(field.name, "cookie")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      std::size_t eq = pair.find('=');
      std::string_view key = trim(eq == std::string_view::npos ? std::string_view{} : pair.substr(0, eq));
      std::string_view value = trim(eq == std::string_view::npos ? pair : pair.substr(eq + 1));
      if (key != name) continue;
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      found = value;
    }
  }
  return found;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The text of one parameter, or nullopt when absent. Query and form: the last value (Starlette's
/// multidict); headers: the first; an empty form value counts as absent (FastAPI).
FASTAPI_DETAIL_INLINE std::optional<std::string_view> find_text(BindContext& ctx, Source source, std::string_view name);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::string_view> find_text(BindContext& ctx, Source source,
                                                                std::string_view name) {
  const Request& req = ctx.request;
  switch (source) {
    case Source::path: return req.path_params.get(name);
    case Source::header: return req.headers.get(name);
    case Source::cookie: return find_cookie(req.headers, name);
    case Source::query:
    case Source::form: {
      const QueryParams& params = source == Source::query ? req.query : ctx.form();
      std::optional<std::string_view> last;
      for (const auto& p : params)
        if (p.key == name) last = p.value;
      if (source == Source::form && last && last->empty()) return std::nullopt;
      return last;
    }
    default: return std::nullopt;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Every text of a repeated parameter (`?tag=a&tag=b`, repeated headers, repeated form fields), in order.
FASTAPI_DETAIL_INLINE std::vector<std::string_view> find_all_text(BindContext& ctx, Source source,
                                                                  std::string_view name);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::vector<std::string_view> find_all_text(BindContext& ctx, Source source,
                                                                  std::string_view name) {
  std::vector<std::string_view> out;
  if (source == Source::header) return ctx.request.headers.get_all(name);
  if (source == Source::query || source == Source::form) {
    const QueryParams& params = source == Source::query ? ctx.request.query : ctx.form();
    for (const auto& p : params)
      if (p.key == name) out.push_back(p.value);
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- the binders --------------------------------------------------------------------------------

/// The name a text parameter has on the wire: Rule.alias, else the name (headers: `_` -> `-` unless
/// Rule.convert_underscores is false).
template <class P>
struct WireName {
  static constexpr std::string_view source_name = P::rule.alias.empty() ? P::param_name : P::rule.alias.view();
  static constexpr std::size_t size = source_name.size();
  static constexpr std::array<char, size + 1> storage = [] {
    std::array<char, size + 1> s{};
    for (std::size_t i = 0; i < size; ++i) {
      char c = source_name[i];
      const bool convert = P::param_source == Source::header && P::rule.alias.empty() && P::rule.convert_underscores;
      s[i] = (convert && c == '_') ? '-' : c;
    }
    return s;
  }();
  static constexpr std::string_view value{storage.data(), size};
};

/// Path, Query, Header, Cookie, Form: text -> T with its Rule and default.
template <class P>
struct TextBinder {
  static constexpr bool bindable = true;
  static constexpr Source source = P::param_source;
  static constexpr std::size_t body_count = 0;
  using Slot = ParamSlot<P>;
  using T = typename P::value_type;
  using Item = typename unwrap_optional<T>::type;  // U of std::optional<U>
  static_assert(source != Source::cookie || !is_vector<Item>,
                "fastapi: a cookie has one value; fa::Cookie<\"name\", std::vector<...>> cannot be bound"
                " (docs/compile_errors.md#params-cookie-vector)");
  static_assert(source != Source::path || (!is_vector<Item> && !is_optional<T>),
                "fastapi: a path parameter is always present and single; use fa::Path<\"name\", T> with a plain T"
                " (docs/compile_errors.md#params-optional-path)");

  static void bind(BindContext& ctx, Slot& slot);
  static P& get(Slot& slot) { return *slot; }
};

template <class P>
void TextBinder<P>::bind(BindContext& ctx, Slot& slot) {
  constexpr std::string_view name = WireName<P>::value;
  RequestValidationError& errors = source == Source::form ? ctx.body_errors : ctx.errors;
  if constexpr (is_vector<Item>) {
    using U = typename Item::value_type;
    static_assert(text_convertible<U>, "fastapi: the items of a std::vector parameter must be bool, integers, "
                                       "double, std::string, std::string_view, fa::Email or enums"
                                       " (docs/compile_errors.md#params-unconvertible-type)");
    std::vector<std::string_view> texts = find_all_text(ctx, source, name);
    if (texts.empty()) {
      if constexpr (P::has_default) slot.emplace(P::default_value());
      else if constexpr (is_optional<T>) slot.emplace();
      else add_missing(errors, param_loc(source, name));
      return;
    }
    Item items;
    items.reserve(texts.size());
    bool ok = true;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      U u{};
      if (convert_checked<U, Rule{}>(texts[i], u, errors, source, name, i)) items.push_back(std::move(u));
      else ok = false;
    }
    if (!ok) return;
    if (auto broken = check_value<P::rule>(items)) {
      Json input = Json::array({});
      for (auto t : texts) input.push_back(t);
      add_rule_violation(errors, *broken, param_loc(source, name), std::move(input));
      return;
    }
    slot.emplace(T(std::move(items)));
  } else {
    static_assert(!is_char_type<Item>,
                  "fastapi: a char parameter is ambiguous; use std::string (a text) or int (a number)"
                  " (docs/compile_errors.md#params-char-parameter)");
    static_assert(is_char_type<Item> || text_convertible<T>,
                  "fastapi: a Path/Query/Header/Cookie/Form value must be bool, an integer, float/double, "
                  "std::string, std::string_view, fa::Email, an enum, or std::optional / std::vector of these"
                  " (docs/compile_errors.md#params-unconvertible-type)");
    std::optional<std::string_view> text = find_text(ctx, source, name);
    if (!text) {
      if constexpr (P::has_default) slot.emplace(P::default_value());
      else if constexpr (is_optional<T>) slot.emplace();
      else add_missing(errors, param_loc(source, name));
      return;
    }
    Item value{};
    if (convert_checked<Item, P::rule>(*text, value, errors, source, name)) slot.emplace(T(std::move(value)));
  }
}

/// A parameter whose kind nobody claims: a reflected struct (or std::optional of one) is the JSON body;
/// anything else cannot be bound (HandlerParameter says so with its position).
template <class V>
struct Binder {
  using U = typename unwrap_optional<V>::type;
  static constexpr bool bindable = is_body_struct<U>;
  static constexpr Source source = bindable ? Source::body : Source::none;
  static constexpr std::size_t body_count = bindable ? 1 : 0;
  static constexpr bool named = false;
  using Slot = ParamSlot<V>;
  static void bind(BindContext& ctx, Slot& slot) {
    if constexpr (bindable) {
      if (auto v = read_body<V>(ctx, {}, false)) slot.emplace(std::move(*v));
    } else {
      (void)ctx, (void)slot;
    }
  }
  static V& get(Slot& slot) { return *slot; }
};

template <FixedString N, class T, auto... O>
struct Binder<Path<N, T, O...>> : TextBinder<Path<N, T, O...>> {};
template <FixedString N, class T, auto... O>
struct Binder<Query<N, T, O...>> : TextBinder<Query<N, T, O...>> {};
template <FixedString N, class T, auto... O>
struct Binder<Header<N, T, O...>> : TextBinder<Header<N, T, O...>> {};
template <FixedString N, class T, auto... O>
struct Binder<Cookie<N, T, O...>> : TextBinder<Cookie<N, T, O...>> {};
template <FixedString N, class T, auto... O>
struct Binder<Form<N, T, O...>> : TextBinder<Form<N, T, O...>> {};
template <class T, BodyOption O, bool E>
struct Binder<Body<T, O, E>> : BodyBinder<Body<T, O, E>> {};

/// fa::Request& and fa::Response& (the sub-response whose status and headers join the handler's response).
template <class V>
struct FrameworkBinder {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::framework;
  static constexpr std::size_t body_count = 0;
  static constexpr bool named = false;
  using Slot = V*;
  static void bind(BindContext& ctx, Slot& slot) {
    if constexpr (std::is_same_v<V, Request>) slot = &ctx.request;
    else slot = &ctx.response;
  }
  static V& get(Slot& slot) { return *slot; }
};
template <>
struct Binder<Request> : FrameworkBinder<Request> {};
/// fa::RequestStream&: the body as it arrives. A handler taking it makes its route a streamed one (the body is
/// not read before the handler: BindPlan::streams_body); a dependency taking it reads what the route gives.
template <>
struct Binder<RequestStream> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::framework;
  static constexpr std::size_t body_count = 0;
  static constexpr bool named = false;
  using Slot = RequestStream*;
  static void bind(BindContext& ctx, Slot& slot) { slot = &ctx.request.stream(); }
  static RequestStream& get(Slot& slot) { return *slot; }
};
template <>
struct Binder<Response> : FrameworkBinder<Response> {};

/// Binds one parameter of declared type P: its slot, filled, or empty with errors recorded in ctx.
template <class P>
typename Binder<std::remove_cvref_t<P>>::Slot bind_one(BindContext& ctx) {
  typename Binder<std::remove_cvref_t<P>>::Slot slot{};
  Binder<std::remove_cvref_t<P>>::bind(ctx, slot);
  return slot;
}

// ---- the plan -----------------------------------------------------------------------------------

/// Checks the handler's parameter number Position (from 1); its name shows in the compiler's
/// "in instantiation of HandlerParameter<2, int*>" line, beside the sentence.
template <class T>
struct vector_item_of {
  using type = T;
};
template <class T, class A>
struct vector_item_of<std::vector<T, A>> {
  using type = T;
};

/// False (after json/reflect.hpp's static_assert has said why, in words) when Check: U cannot be reflected.
template <class U, bool Check>
consteval bool reflectable_or_why() {
  if constexpr (Check) {
    (void)checked_field_count<U>();
    return false;
  } else {
    return true;
  }
}

template <std::size_t Position, class P>
struct HandlerParameter {
  using V = std::remove_cvref_t<P>;
  using U = typename unwrap_optional<V>::type;
  using Item = typename vector_item_of<U>::type;
  /// A plain value (`int item_id`, `std::string q`, a vector or optional of one): C++ cannot see its name.
  static constexpr bool plain_value = !Binder<V>::bindable && text_convertible<Item>;
  /// A struct that is not a reflectable aggregate (private members, a constructor, a base, ...).
  static constexpr bool unreflectable_struct =
      !Binder<V>::bindable && !plain_value && std::is_class_v<U> && !is_vector<U>;
  static_assert(!plain_value,
                "fastapi: this handler parameter is a plain value (int, double, bool, std::string, an enum, or a "
                "std::optional/std::vector of one) and C++ cannot see a parameter's name, so say where it comes "
                "from and its name: use fa::Path<\"name\", int> or fa::Query<\"name\", int> (or fa::Header, "
                "fa::Cookie, fa::Form, fa::Body<int>); its position and type are in HandlerParameter<position, type> "
                "above (docs/compile_errors.md#params-plain-int-parameter)");
  static_assert(reflectable_or_why<U, unreflectable_struct>(),
                "fastapi: this handler parameter is a struct that cannot be read as the JSON body (its position and "
                "type are in HandlerParameter<position, type> above); the error beside this one says why it cannot "
                "be reflected (docs/compile_errors.md#params-body-private-members)");
  static_assert(Binder<V>::bindable || plain_value || unreflectable_struct,
                "fastapi: this handler parameter cannot be bound (its position and type are in "
                "HandlerParameter<position, type> above); a parameter must be fa::Path/Query/Header/Cookie/"
                "Form<\"name\", T>, fa::Body<T>, a reflected struct (the JSON body), fa::Depends<fn>, a security "
                "scheme (fa::HTTPBearer<>...), fa::State<T>, fa::Request&, fa::Response&, fa::RequestStream& or "
                "fa::BackgroundTasks& (docs/compile_errors.md#params-unbindable-parameter)");
  static_assert(Binder<V>::source != Source::framework ||
                    (std::is_lvalue_reference_v<P> && !std::is_const_v<std::remove_reference_t<P>>),
                "fastapi: take the request and the response by reference: fa::Request& / fa::Response& (this "
                "handler parameter, see HandlerParameter<position, type> above, is a copy)"
                " (docs/compile_errors.md#params-request-by-value)");
  static constexpr bool ok = true;
};

template <class... Params>
struct BindPlan {
  static constexpr std::size_t size = sizeof...(Params);
  using Slots = std::tuple<typename Binder<std::remove_cvref_t<Params>>::Slot...>;
  static constexpr std::array<Source, size> sources{Binder<std::remove_cvref_t<Params>>::source...};
  static constexpr std::size_t body_count = (std::size_t{0} + ... + Binder<std::remove_cvref_t<Params>>::body_count);
  static constexpr std::size_t named_bodies = (std::size_t{0} + ... + [] {
    using B = Binder<std::remove_cvref_t<Params>>;
    if constexpr (requires { B::named; }) return B::source == Source::body && B::named ? 1u : 0u;
    else return 0u;
  }());
  static constexpr bool has_form = ((Binder<std::remove_cvref_t<Params>>::source == Source::form) || ...);
  static constexpr bool embed_bodies = body_count >= 2;
  static constexpr bool takes_request = (std::is_same_v<std::remove_cvref_t<Params>, Request> || ...);
  static constexpr bool streams_body = (std::is_same_v<std::remove_cvref_t<Params>, RequestStream> || ...);

  static_assert(!embed_bodies || named_bodies == body_count,
                "fastapi: with two or more bodies, each is embedded under its name as in FastAPI: declare them "
                "fa::Embed<\"name\", T>, so the body is {\"name\": ..., \"other\": ...}"
                " (docs/compile_errors.md#params-two-unnamed-bodies)");
  static_assert(!(streams_body && (body_count > 0 || has_form)),
                "fastapi: a handler that takes fa::RequestStream& reads the body itself, as it arrives: it cannot "
                "also take a JSON body (fa::Body, a struct) or form fields (fa::Form)"
                " (docs/compile_errors.md#params-form-and-json-body)");
  static_assert(!(has_form && body_count > 0),
                "fastapi: a handler reads its body either as JSON (fa::Body, a struct) or as form fields "
                "(fa::Form), not both (docs/compile_errors.md#params-form-and-json-body)");

  /// The binding order: FastAPI's order of sources, parameter order within one source.
  static constexpr std::array<std::size_t, size> order = [] {
    std::array<std::size_t, size> o{};
    std::size_t k = 0;
    for (int s = 0; s <= static_cast<int>(Source::none); ++s)
      for (std::size_t i = 0; i < size; ++i)
        if (static_cast<int>(sources[i]) == s) o[k++] = i;
    return o;
  }();

  /// The names of the Path parameters (for the registration check against the route's {names}).
  static constexpr std::size_t path_count =
      (std::size_t{0} + ... + (Binder<std::remove_cvref_t<Params>>::source == Source::path));
  static constexpr std::array<std::string_view, path_count> path_names = [] {
    std::array<std::string_view, path_count> names{};
    std::size_t k = 0;
    auto add = [&]<class P>(P*) {
      if constexpr (Binder<P>::source == Source::path) names[k++] = P::param_name;
    };
    (add(static_cast<std::remove_cvref_t<Params>*>(nullptr)), ...);
    (void)add;
    return names;
  }();

  /// Fills every slot (in `order`) or records errors in ctx.
  static void bind(BindContext& ctx, Slots& slots) {
    ctx.embed_bodies = ctx.embed_bodies || embed_bodies;
    bind_in_order(ctx, slots, std::make_index_sequence<size>{});
  }

  /// Static checks with each parameter's position; instantiated by the endpoint.
  static constexpr bool checked = [] {
    // clang-format off
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (HandlerParameter<I + 1, Params>::ok && ... && true);
    }(std::make_index_sequence<size>{});
    // clang-format on
  }();

 private:
  template <std::size_t... K>
  static void bind_in_order(BindContext& ctx, Slots& slots, std::index_sequence<K...>) {
    (bind_slot<order[K]>(ctx, slots), ...);
  }
  template <std::size_t I>
  static void bind_slot(BindContext& ctx, Slots& slots) {
    using P = std::remove_cvref_t<std::tuple_element_t<I, std::tuple<Params...>>>;
    Binder<P>::bind(ctx, std::get<I>(slots));
  }
};

/// BindPlan of a std::tuple of parameter types (callable_traits' args).
template <class Args>
struct plan_of;
template <class... Params>
struct plan_of<std::tuple<Params...>> {
  using type = BindPlan<Params...>;
};

}  // namespace detail
}  // namespace fastapi
