// di/state.hpp: fa::State<T>, an app-wide object (a connection pool, a client, settings) set once at startup
// with `app.state<T>(...)` and handed to every handler and dependency that asks for it. Fed by App (the
// store) and binding (the parameter); knows nothing of sockets or routes.
#pragma once

#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/params/binding.hpp"

namespace fastapi {

namespace detail {

template <class T>
inline constexpr char state_key_tag = 0;

/// The app's state objects, one per type. Written at startup (before the first request, in the lifespan or
/// on_startup); only read while the app serves, so every worker reads it without a lock.
class StateStore {
 public:
  StateStore() = default;
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;
  ~StateStore();

  /// Makes a T from `args` (replacing the one held, if any); the new object.
  template <class T, class... A>
  T& emplace(A&&... args) {
    Box<T>* made = new Box<T>(std::forward<A>(args)...);
    std::unique_ptr<Holder> box(made);  // one unique_ptr type for every T (not std::make_unique<Box<T>>'s own)
    T& value = made->value;
    put(&state_key_tag<T>, &value, std::move(box));
    return value;
  }
  /// The T held, or nullptr.
  template <class T>
  T* find() const noexcept {
    for (const Item& item : items_)
      if (item.key == &state_key_tag<T>) return static_cast<T*>(item.value);
    return nullptr;
  }
  /// Destroys every object, newest first (a later object may use an earlier one).
  void clear() noexcept {
    while (!items_.empty()) items_.pop_back();
  }

 private:
  struct Holder {
    virtual ~Holder() = default;
  };
  template <class T>
  struct Box final : Holder {
    template <class... A>
    explicit Box(A&&... args) : value(std::forward<A>(args)...) {}
    T value;
  };
  struct Item {
    const void* key;
    void* value;
    std::unique_ptr<Holder> box;
  };
  /// emplace's untyped end: replaces the object of `key`, or adds it (compiled once with separate compilation).
  void put(const void* key, void* value, std::unique_ptr<Holder> box);

  std::vector<Item> items_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE StateStore::~StateStore() { clear(); }

FASTAPI_DETAIL_INLINE void StateStore::put(const void* key, void* value, std::unique_ptr<Holder> box) {
  for (Item& item : items_)
    if (item.key == key) {
      item.box = std::move(box);
      item.value = value;
      return;
    }
  items_.push_back(Item{key, value, std::move(box)});
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// "fastapi: fa::State<Pool> was asked for but the app holds no Pool: call app.state<Pool>(...) at startup".
template <class T>
[[noreturn]] void missing_state() {
  throw ConfigurationError(std::string("fastapi: fa::State<") + std::string(spelled_type_name<T>()) +
                           "> was asked for but the app holds none: call app.state<T>(...) at startup (in the "
                           "lifespan or an on_startup hook)");
}

/// What fa::State<T> and fa::RequestState<T> hand the handler: a reference to an object someone else owns,
/// set when the parameter is bound.
template <class T>
class BoundRef {
 public:
  BoundRef() = default;
  explicit BoundRef(T& value) : value_(&value) {}
  T& operator*() const noexcept { return *value_; }
  T* operator->() const noexcept { return value_; }
  T& get() const noexcept { return *value_; }

 private:
  T* value_ = nullptr;
};

}  // namespace detail

/// An app-wide object as a handler or dependency parameter: `fa::State<Pool> pool` then `pool->acquire()`.
/// It is the same object for every request on every worker thread: a T used by concurrent requests must be
/// safe to share between threads (a pool with its own mutex, an atomic counter, a read-only settings struct).
template <class T>
class State : public detail::BoundRef<T> {
 public:
  using detail::BoundRef<T>::BoundRef;
};

namespace detail {

/// fa::State<T>: found in the app's store (BindContext::states); absent -> ConfigurationError (a 500, logged).
template <class T>
struct Binder<State<T>> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::depends;
  static constexpr std::size_t body_count = 0;
  using Slot = State<T>;
  static void bind(BindContext& ctx, Slot& slot) {
    T* value = ctx.states ? ctx.states->template find<T>() : nullptr;
    if (!value) missing_state<T>();
    slot = State<T>(*value);
  }
  static State<T>& get(Slot& slot) { return slot; }
};

}  // namespace detail
}  // namespace fastapi
