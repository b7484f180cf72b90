// app/mount.hpp: the endpoint of a mount (Starlette's Mount): every request under a path prefix is handed to
// another fa::Service (a sub-application, fa::StaticFiles) with the prefix moved from `req.path` to
// `req.root_path`, and put back when the Service has answered. The mounted Service does not know it is mounted;
// the app that mounts it does not look inside it. Fed by App::mount (registration) and the router's match
// (serving); feeds the mounted Service. Knows nothing of what the Service does.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/app/endpoint.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/service.hpp"

namespace fastapi::detail {

/// The route of a mount at `prefix`: "/static" (or "/static/") -> "/static/{path:path}", "" or "/" ->
/// "/{path:path}". A prefix must start with '/' (Starlette asserts the same); ConfigurationError otherwise.
inline std::string mount_route(std::string_view prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (!prefix.empty() && prefix.front() != '/')
    throw ConfigurationError("fastapi: mount \"" + std::string(prefix) + "\": a mount prefix starts with '/'");
  if (prefix.find('{') != std::string_view::npos || prefix.find('}') != std::string_view::npos)
    throw ConfigurationError("fastapi: mount \"" + std::string(prefix) + "\": a mount prefix has no {parameters}");
  return std::string(prefix) + "/{path:path}";
}

/// One mount: its route matched, it hands the request to `service` with the prefix moved to root_path.
class MountEndpoint final : public Endpoint {
 public:
  MountEndpoint(std::string prefix, Service& service, std::shared_ptr<Service> owned)
      : Endpoint("MOUNT " + (prefix.empty() ? std::string("/") : prefix), RouteOptions{.include_in_schema = false}),
        prefix_size_(prefix.size()), service_(service), owned_(std::move(owned)) {}

  FASTAPI_DETAIL_INLINE Task<Response> call(Request& req) override;
  /// The mounted Service reads the whole path itself.
  bool takes_request() const override { return true; }
  FASTAPI_DETAIL_INLINE BodyPolicy body_policy(Request& req) const override;

 private:
  /// What the request looked like before the mount rewrote it.
  struct Saved {
    std::string_view path, root_path;
    PathParams params;
  };
  /// `req.path` "/static/css/a.css" -> "/css/a.css", `req.root_path` "" -> "/static" (after any outer prefix).
  Saved enter(Request& req) const;
  static void leave(Request& req, const Saved& saved) {
    req.path = saved.path;
    req.root_path = saved.root_path;
    req.path_params = saved.params;
  }

  std::size_t prefix_size_;
  Service& service_;
  std::shared_ptr<Service> owned_;  ///< the Service when the mount owns it (app.mount("/s", fa::StaticFiles{...}))
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE MountEndpoint::Saved MountEndpoint::enter(Request& req) const {
  Saved saved{req.path, req.root_path, req.path_params};
  std::string_view prefix = req.path.substr(0, prefix_size_);
  if (req.root_path.empty()) {
    req.root_path = prefix;
  } else if (req.root_path.data() + req.root_path.size() == prefix.data()) {  // an outer mount's: they touch
    req.root_path = std::string_view(req.root_path.data(), req.root_path.size() + prefix.size());
  } else {
    std::string joined = std::string(req.root_path).append(prefix);
    req.root_path = req.arena ? req.arena->copy(joined) : prefix;
  }
  req.path = req.path.substr(prefix_size_);  // the route matched "<prefix>/...": the rest starts with '/'
  req.path_params.clear();
  return saved;
}

FASTAPI_DETAIL_INLINE Task<Response> MountEndpoint::call(Request& req) {
  const Saved saved = enter(req);
  struct Leave {  // also when the Service throws (a sub-app's middleware may rethrow)
    Request& req;
    const Saved& saved;
    ~Leave() { leave(req, saved); }
  } guard{req, saved};
  co_return co_await service_.handle(req);
}

FASTAPI_DETAIL_INLINE BodyPolicy MountEndpoint::body_policy(Request& req) const {
  const Saved saved = enter(req);
  BodyPolicy policy = service_.body_policy(req);
  leave(req, saved);
  return policy;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
