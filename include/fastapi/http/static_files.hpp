// http/static_files.hpp: fa::StaticFiles, a Service that serves the files of one directory (Starlette's
// StaticFiles), mounted with `app.mount("/static", fa::StaticFiles{{.directory = "public"}})`. Every answer is a
// FileResponse (so ETag, 304, Range and HEAD come with it), a redirect, or an error as `{"detail": ...}`.
// Fed by a mount (app/mount.hpp) with `req.path` the rest after the prefix; knows nothing of routes or apps.
//
// Path traversal is refused twice. First by the words: the decoded path is split at '/', and a segment that is
// "..", or a path holding a backslash or a NUL byte, is a 404 before any file is touched ("%2e%2e" and "%2f" are
// decoded before this, so they are caught as ".." and '/'). Then by the kernel: the file is opened relative to
// the directory with openat2(RESOLVE_BENEATH), which fails for any path, symlinks included, that would resolve
// outside it; an absolute symlink (which it refuses too) is then judged by Starlette's rule, realpath() inside
// realpath(directory). With `.follow_symlink = true` symlinks may lead
// anywhere, as in Starlette; ".." still never passes.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/file_response.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/service.hpp"

namespace fastapi {

/// StaticFiles' options, Starlette's names and defaults.
struct StaticFilesOptions {
  std::string directory{};      ///< the directory served ("public"), relative to the working directory or absolute
  bool html = false;            ///< HTML mode: index.html for a directory, 404.html for what is missing
  bool check_dir = true;        ///< the directory must exist when StaticFiles is made (ConfigurationError if not)
  bool follow_symlink = false;  ///< symlinks may lead out of the directory
};

/// Serves the files under one directory: `app.mount("/static", fa::StaticFiles{{.directory = "public"}});`.
/// GET and HEAD only (405 otherwise); 404 for anything that is not a regular file inside the directory.
class StaticFiles final : public Service {
 public:
  explicit StaticFiles(StaticFilesOptions options);
  FASTAPI_DETAIL_INLINE Task<Response> handle(Request& req) override;
  /// No file request has a body: the mounting app's default applies (limit 0), never streamed.
  BodyPolicy body_policy(Request&) const override { return {}; }
  const StaticFilesOptions& options() const { return options_; }

  /// The answer for `req`, without the Service's coroutine (StaticFiles never waits before the body).
  Response respond(const Request& req) const;

 private:
  /// Opens `relative` ("css/a.css", "" for the directory itself) inside the directory; -1 (errno set) when it is
  /// missing or would leave the directory.
  int open_inside(const std::string& relative, struct stat& st) const;
  Response file(const Request& req, int fd, const struct stat& st, const std::string& name, int status) const;

  StaticFilesOptions options_;
};

namespace detail {

/// `{"detail": "<phrase>"}` with `status`, as FastAPI's HTTPException handler writes it.
inline Response static_error(int status, std::string_view phrase) {
  return RawJSONResponse(std::string(R"({"detail":")").append(phrase).append("\"}"), status);
}

/// The decoded request path -> the relative path to open, or nullopt when it must be refused: a ".." segment, a
/// backslash, a NUL. Empty and "." segments are dropped ("/a//./b" -> "a/b"; "/" -> "").
inline std::optional<std::string> static_relative_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return std::nullopt;
  std::string out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(i, slash - i);
    i = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") return std::nullopt;
    if (!out.empty()) out.push_back('/');
    out.append(seg);
  }
  return out;
}

/// openat(2) of `relative` under `dirfd` that cannot leave it (openat2 RESOLVE_BENEATH: "..", absolute symlinks
/// and symlinks leading out fail with EXDEV), or a plain openat when `anywhere`. Never blocks on a FIFO.
inline int open_beneath(int dirfd, const char* relative, bool anywhere, const char* directory) {
  constexpr int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (anywhere) return ::openat(dirfd, relative, flags);
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, dirfd, relative, &how, sizeof(how));
  if (fd >= 0 || (errno != ENOSYS && errno != EXDEV)) return static_cast<int>(fd);
#endif
  // No openat2 (Linux before 5.6), or a symlink it refused: it may be absolute and still point inside, which
  // Starlette allows. Starlette's rule then: realpath() of both and a prefix check.
  std::string joined = std::string(directory) + "/" + relative;
  char* real = ::realpath(joined.c_str(), nullptr);
  char* root = ::realpath(directory, nullptr);
  int fd2 = -1;
  if (real && root) {
    std::string_view r(real), d(root);
    bool inside = r == d || (r.starts_with(d) && (d == "/" || r[d.size()] == '/'));
    if (inside) fd2 = ::open(real, flags);
    else errno = EXDEV;
  }
  std::free(real);
  std::free(root);
  return fd2;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE StaticFiles::StaticFiles(StaticFilesOptions options) : options_(std::move(options)) {
  if (options_.directory.empty()) options_.directory = ".";
  struct stat st {};
  if (options_.check_dir && (::stat(options_.directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
    throw ConfigurationError("fastapi: StaticFiles: Directory '" + options_.directory + "' does not exist");
}

FASTAPI_DETAIL_INLINE int StaticFiles::open_inside(const std::string& relative, struct stat& st) const {
  int dirfd = ::open(options_.directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return -1;
  int fd = detail::open_beneath(dirfd, relative.empty() ? "." : relative.c_str(), options_.follow_symlink,
                                options_.directory.c_str());
  int saved = errno;
  ::close(dirfd);
  if (fd >= 0 && ::fstat(fd, &st) != 0) {
    saved = errno;
    ::close(fd);
    fd = -1;
  }
  errno = saved;
  return fd;
}

FASTAPI_DETAIL_INLINE Response StaticFiles::file(const Request& req, int fd, const struct stat& st,
                                                 const std::string& name, int status) const {
  FileResponseOptions o{.status_code = status};
  Response res = detail::file_response_from(fd, st, name, o);
  if (res.prepare) std::exchange(res.prepare, {})(req, res);  // 304, 206, 416 (for a 200 only)
  return res;
}

FASTAPI_DETAIL_INLINE Response StaticFiles::respond(const Request& req) const {
  if (req.method != Method::get && req.method != Method::head) {
    Response r = detail::static_error(405, "Method Not Allowed");
    r.headers.add("allow", "GET, HEAD");
    return r;
  }
  std::optional<std::string> relative = detail::static_relative_path(req.path);
  struct stat st {};
  int fd = relative ? open_inside(*relative, st) : -1;
  if (fd >= 0 && S_ISREG(st.st_mode)) return file(req, fd, st, *relative, 200);
  if (fd >= 0 && S_ISDIR(st.st_mode) && options_.html) {
    ::close(fd);
    std::string index = relative->empty() ? "index.html" : *relative + "/index.html";
    fd = open_inside(index, st);
    if (fd >= 0 && S_ISREG(st.st_mode)) {
      if (!req.path.ends_with('/')) {  // a directory's URL ends in '/', so its page's relative links work
        ::close(fd);
        std::string url = std::string(req.scheme) + "://" + std::string(req.headers.get("host").value_or("localhost"));
        url.append(req.raw_path).push_back('/');
        if (!req.query_string.empty()) url.append("?").append(req.query_string);
        return RedirectResponse(url, 307);
      }
      return file(req, fd, st, index, 200);
    }
  }
  if (fd >= 0) ::close(fd);
  if (options_.html) {
    fd = open_inside("404.html", st);
    if (fd >= 0 && S_ISREG(st.st_mode)) return file(req, fd, st, "404.html", 404);
    if (fd >= 0) ::close(fd);
  }
  return detail::static_error(404, "Not Found");
}

FASTAPI_DETAIL_INLINE Task<Response> StaticFiles::handle(Request& req) { co_return respond(req); }
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
