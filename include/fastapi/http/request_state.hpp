// http/request_state.hpp: fa::RequestStateMap, `req.state`: typed values one request carries from a middleware
// or a dependency to the handler (a request id, the authenticated user), as Starlette's request.state, keyed by
// type instead of by attribute name. Held by fa::Request; read by di/request_state.hpp's fa::RequestState<T>.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/meta.hpp"

namespace fastapi {

namespace detail {
template <class T>
inline constexpr char request_state_tag = 0;
}  // namespace detail

/// One value per type, for the length of one request. A request that stores nothing costs nothing (no
/// allocation); each stored value is one allocation. Emptied when the connection starts its next request.
///   req.state.set<RequestId>(RequestId{std::string(id)});      // in a middleware
///   const RequestId& id = req.state.get<RequestId>();            // or a parameter fa::RequestState<RequestId>
class RequestStateMap {
 public:
  RequestStateMap() = default;
  RequestStateMap(const RequestStateMap&) = delete;
  RequestStateMap& operator=(const RequestStateMap&) = delete;
  RequestStateMap(RequestStateMap&&) noexcept = default;
  RequestStateMap& operator=(RequestStateMap&&) noexcept = default;
  ~RequestStateMap() { clear(); }

  /// Stores a T made from `args`, replacing the T held, if any; the stored value.
  template <class T, class... A>
  T& set(A&&... args) {
    static_assert(!std::is_reference_v<T> && !std::is_const_v<T>, "fastapi: req.state.set<T>: T is a plain type"
                                                                  " (docs/compile_errors.md#app)");
    Box<T>* made = new Box<T>(std::forward<A>(args)...);
    std::unique_ptr<Holder> box(made);  // one unique_ptr type for every T
    T& value = made->value;
    for (Item& item : items_)
      if (item.key == &detail::request_state_tag<T>) {
        item.box = std::move(box);
        item.value = &value;
        return value;
      }
    items_.push_back(Item{&detail::request_state_tag<T>, &value, std::move(box)});
    return value;
  }
  /// The T held, or nullptr.
  template <class T>
  T* find() const noexcept {
    for (const Item& item : items_)
      if (item.key == &detail::request_state_tag<T>) return static_cast<T*>(item.value);
    return nullptr;
  }
  template <class T>
  bool contains() const noexcept {
    return find<T>() != nullptr;
  }
  /// The T held; none is a mistake in the app (the middleware that sets it is missing or runs later):
  /// fa::ConfigurationError naming the type, answered 500 and logged.
  template <class T>
  T& get() const {
    if (T* value = find<T>()) return *value;
    throw ConfigurationError("fastapi: the request state holds no " + std::string(detail::spelled_type_name<T>()) +
                             ": a middleware or dependency must call req.state.set<" +
                             std::string(detail::spelled_type_name<T>()) + ">(...) before it is read");
  }
  /// Destroys every value, newest first; keeps the list's capacity.
  void clear() noexcept {
    while (!items_.empty()) items_.pop_back();
  }
  bool empty() const noexcept { return items_.empty(); }

 private:
  struct Holder {
    virtual ~Holder() = default;
  };
  template <class T>
  struct Box final : Holder {
    template <class... A>
    explicit Box(A&&... args) : value(make(std::forward<A>(args)...)) {}
    template <class... A>
    static T make(A&&... args) {  // an aggregate from braces: `set<RequestId>("abc")`
      if constexpr (std::is_constructible_v<T, A&&...>) return T(std::forward<A>(args)...);
      else return T{std::forward<A>(args)...};
    }
    T value;
  };
  struct Item {
    const void* key;
    void* value;
    std::unique_ptr<Holder> box;
  };
  std::vector<Item> items_;
};

}  // namespace fastapi
