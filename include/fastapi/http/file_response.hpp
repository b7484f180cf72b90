// http/file_response.hpp: fa::FileResponse, a file sent as the body: media type from its name, Content-Disposition,
// ETag and Last-Modified as Starlette writes them, 304 for a matching If-None-Match / If-Modified-Since, 206 for a
// Range (one range, or several as multipart/byteranges), 416 when none fits, If-Range, HEAD.
// Fed by handlers (and http/static_files.hpp); feeds the connection a Response whose body is read as it is sent.
// Knows nothing of routes or JSON.
//
// How the bytes are read: the file is opened and fstat'ed when the response is made (on the loop: metadata,
// microseconds on a local disk; opening first and asking the open file its size leaves no window for the file to
// vanish between the two). A file of up to 64 KiB whose bytes are in the page cache is read at once
// (preadv2 with RWF_NOWAIT never blocks), so a small file goes out in one write with its head. Anything else
// streams in 64 KiB chunks, each read with RWF_NOWAIT first and on the blocking pool (fa::to_thread) only when
// the page cache does not hold it: the loop never waits for a disk. Content-Length is always sent.
// On plain TCP and Unix sockets the connection sends such a stream with sendfile(2) instead (FileStreamBody
// tells it apart; http/connection_body.hpp): file_range_cached says when that cannot wait for the disk.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/file_support.hpp"
#include "fastapi/http/mime.hpp"
#include "fastapi/http/range.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"

namespace fastapi {

/// FileResponse's options, Starlette's names: `fa::FileResponse("report.pdf", {.filename = "Report 2024.pdf"})`.
struct FileResponseOptions {
  std::string media_type{};               ///< "" = from the file name (filename, else path); text/plain if unknown
  std::optional<std::string> filename{};  ///< sends Content-Disposition with this name (RFC 5987 when not ASCII)
  std::string content_disposition_type = "attachment";  ///< or "inline"
  int status_code = 200;
};

/// The file at `path` as the response body, read as it is sent (never whole into memory). A file that does not
/// exist is HTTPException 404 (`{"detail":"Not Found"}`); a directory or an unreadable file is a 500 whose log
/// line says why (Starlette raises RuntimeError for both). Conditional and Range requests are answered once the
/// request is known (Response::prepare): see docs/files.md.
FASTAPI_DETAIL_INLINE Response FileResponse(std::string_view path, FileResponseOptions options = {});

namespace detail {

/// The open file behind a response: closed when the last response or stream holding it is gone.
struct OpenFile {
  int fd = -1;
  explicit OpenFile(int f) : fd(f) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

/// What a file response knows of its file, shared by its `prepare` and its stream.
struct FileState {
  std::shared_ptr<OpenFile> file;  ///< null when the whole file is already in the body
  std::uint64_t size = 0;
  std::time_t mtime = 0;  ///< whole seconds, as Last-Modified says
  std::string etag;       ///< with its quotes
  std::string last_modified;
};

/// One piece of a streamed body: `head` text, then `length` bytes of the file from `offset`.
struct FileSegment {
  std::string head;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// A stream's position in its segments (the stream and its coroutine share it).
struct FileStream {
  std::shared_ptr<OpenFile> file;
  std::vector<FileSegment> segments;
  std::string tail;  ///< after the last segment (the closing boundary)
  std::size_t at = 0;
  std::uint64_t done = 0;  ///< bytes of segments[at] read so far
  bool head_sent = false;
  bool tail_sent = false;
};

inline constexpr std::size_t file_chunk_size = 64 * 1024;

/// A pread's outcome carried back from the blocking pool. At namespace scope, not local to read_file_at: g++ 12
/// cannot mangle a type local to a coroutine when the instantiations that name it (std::construct_at, in
/// to_thread's result) come through a precompiled header (internal compiler error in write_encoding).
struct PreadResult {
  ssize_t got;
  int error;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// Reads up to `n` bytes at `offset`: at once when the page cache has them, else on the blocking pool.
/// Returns 0 at the end of the file; throws std::system_error on a read error.
inline Task<std::size_t> read_file_at(std::shared_ptr<OpenFile> file, char* buf, std::size_t n, std::uint64_t offset) {
#ifdef RWF_NOWAIT
  iovec io{buf, n};
  ssize_t got = ::preadv2(file->fd, &io, 1, static_cast<off_t>(offset), RWF_NOWAIT);
  if (got > 0) co_return static_cast<std::size_t>(got);
  if (got < 0 && errno != EAGAIN && errno != EOPNOTSUPP && errno != ENOSYS)
    throw std::system_error(errno, std::generic_category(), "fastapi: reading a file");
#endif
  int fd = file->fd;
  PreadResult r = co_await to_thread([fd, buf, n, offset] {
    ssize_t got = ::pread(fd, buf, n, static_cast<off_t>(offset));
    return PreadResult{got, got < 0 ? errno : 0};
  });
  if (r.got < 0) throw std::system_error(r.error, std::generic_category(), "fastapi: reading a file");
  co_return static_cast<std::size_t>(r.got);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The next chunk of a file stream (BodyStream's contract: false at the end).
FASTAPI_DETAIL_INLINE Task<bool> next_file_chunk(std::shared_ptr<FileStream> s, std::string& chunk);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<bool> next_file_chunk(std::shared_ptr<FileStream> s, std::string& chunk) {
  while (s->at < s->segments.size()) {
    FileSegment& seg = s->segments[s->at];
    if (!s->head_sent) {
      chunk += seg.head;
      s->head_sent = true;
    }
    if (s->done < seg.length) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(file_chunk_size, seg.length - s->done));
      std::size_t old = chunk.size();
      chunk.resize(old + want);
      std::size_t got = co_await read_file_at(s->file, chunk.data() + old, want, seg.offset + s->done);
      chunk.resize(old + got);
      if (got == 0) throw std::runtime_error("fastapi: a file being sent became shorter than its Content-Length");
      s->done += got;
      co_return true;
    }
    ++s->at;
    s->done = 0;
    s->head_sent = false;
  }
  if (!s->tail_sent) {
    s->tail_sent = true;
    chunk += s->tail;
  }
  co_return !chunk.empty();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The stream of a file body, as a named type: the connection finds it in Response::stream (std::function's
/// target) and sends the file with sendfile(2) when the socket allows. A middleware that wraps the stream (GZip)
/// hides it, and the bytes then go through the stream as usual.
struct FileStreamBody {
  std::shared_ptr<FileStream> stream;
  Task<bool> operator()(std::string& chunk) const { return next_file_chunk(stream, chunk); }
};

/// The most sendfile(2) is asked to move at once: the page-cache check below covers this much, in one call.
inline constexpr std::size_t sendfile_chunk_size = 1024 * 1024;

/// True when the page cache holds every page of [offset, offset + length) of `fd`, so that sendfile(2) on the
/// loop copies without waiting for a disk. cachestat(2) (Linux 6.5) answers in one call; on older kernels,
/// mincore(2) over a mapping of the range. False when it cannot tell (the caller then sends from the pool).
FASTAPI_DETAIL_INLINE bool file_range_cached(int fd, std::uint64_t offset, std::uint64_t length);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool file_range_cached(int fd, std::uint64_t offset, std::uint64_t length) {
  static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t first = offset / page, end = (offset + length + page - 1) / page;
  if (length == 0) return true;
#if defined(__linux__) && (defined(__NR_cachestat) || defined(__x86_64__) || defined(__aarch64__))
#ifdef __NR_cachestat
  constexpr long cachestat_nr = __NR_cachestat;
#else
  constexpr long cachestat_nr = 451;  // the same number on every architecture since Linux 5.1's unification
#endif
  static std::atomic<bool> no_cachestat{false};
  if (!no_cachestat.load(std::memory_order_relaxed)) {
    struct {
      std::uint64_t off, len;
    } range{first * page, (end - first) * page};
    struct {
      std::uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
    } counts{};
    if (::syscall(cachestat_nr, fd, &range, &counts, 0) == 0) return counts.nr_cache >= end - first;
    if (errno != ENOSYS && errno != EPERM) return false;  // EPERM: a seccomp filter that does not know it
    no_cachestat.store(true, std::memory_order_relaxed);
  }
#endif
  constexpr std::size_t most_pages = 1024;
  std::size_t pages = static_cast<std::size_t>(end - first);
  if (pages > most_pages) return false;
  std::size_t bytes = pages * static_cast<std::size_t>(page);
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(first * page));
  if (map == MAP_FAILED) return false;
  unsigned char resident[most_pages];
  bool all = ::mincore(map, bytes, resident) == 0 &&
             std::all_of(resident, resident + pages, [](unsigned char r) { return (r & 1) != 0; });
  ::munmap(map, bytes);
  return all;
}

/// Makes `res` send `segments` (and `tail`) of the file: from the body when it holds the whole file, else as a
/// stream of known size.
inline void send_file_segments(Response& res, const FileState& state, std::string whole,
                               std::vector<FileSegment> segments, std::string tail) {
  std::uint64_t total = tail.size();
  for (const FileSegment& s : segments) total += s.head.size() + s.length;
  if (!state.file) {  // the whole file is in memory: cut the body from it
    std::string body;
    body.reserve(static_cast<std::size_t>(total));
    for (const FileSegment& s : segments)
      body.append(s.head).append(whole, static_cast<std::size_t>(s.offset), static_cast<std::size_t>(s.length));
    body.append(tail);
    res.body = std::move(body);
    res.stream = {};
    res.stream_size.reset();
    return;
  }
  res.body.clear();
  auto stream = std::make_shared<FileStream>();
  stream->file = state.file;
  stream->segments = std::move(segments);
  stream->tail = std::move(tail);
  res.stream = FileStreamBody{std::move(stream)};
  res.stream_size = static_cast<std::size_t>(total);
}

/// Starlette's NotModifiedResponse: 304, no body, only the headers a cache needs.
inline void answer_not_modified(Response& res) {
  Headers kept;
  for (const auto& f : res.headers)
    for (std::string_view name : {"cache-control", "content-location", "etag", "expires", "vary"})
      if (iequals(f.name, name)) kept.add(f.name, f.value);
  res.status = 304;
  res.headers = std::move(kept);
  res.media = Response::Media::none;
  res.body.clear();
  res.stream = {};
  res.stream_size.reset();
}

/// Response::prepare of a file response: conditional requests, then Range (GET only, RFC 9110 section 14.2).
inline void prepare_file_response(const std::shared_ptr<const FileState>& state, const Request& req, Response& res) {
  if (res.status != 200 || (req.method != Method::get && req.method != Method::head)) return;
  const FileState& f = *state;
  if (auto inm = req.headers.get("if-none-match")) {  // wins over If-Modified-Since (RFC 9110 section 13.1.3)
    if (etag_list_matches(*inm, f.etag)) answer_not_modified(res);
    return;
  }
  if (auto ims = req.headers.get("if-modified-since")) {
    if (auto since = parse_http_date(*ims); since && f.mtime <= *since) {
      answer_not_modified(res);
      return;
    }
  }
  auto range = req.headers.get("range");
  if (!range || req.method != Method::get) return;
  if (auto if_range = req.headers.get("if-range")) {
    std::string_view v = *if_range;
    bool is_tag = v.starts_with('"') || v.starts_with("W/");
    bool holds = is_tag ? v == f.etag : parse_http_date(v) == std::optional<std::time_t>(f.mtime);
    if (!holds) return;  // the file changed since the client's copy: all of it, 200
  }
  RangeRequest r = parse_range(*range, f.size);
  using Kind = RangeRequest::Kind;
  if (r.kind == Kind::whole) return;
  if (r.kind == Kind::malformed || r.kind == Kind::unsatisfiable) {
    auto after_send = std::move(res.after_send);
    if (r.kind == Kind::malformed) {
      res = PlainTextResponse("Malformed range header.", 400);
    } else {
      res = Response{.status = 416};
      res.headers.add("content-range", "bytes */" + std::to_string(f.size));
    }
    res.after_send = std::move(after_send);
    return;
  }
  std::string whole = state->file ? std::string() : std::move(res.body);
  std::string size_text = "/" + std::to_string(f.size);
  auto content_range = [&](const ByteRange& b) {
    return "bytes " + std::to_string(b.first) + "-" + std::to_string(b.last) + size_text;
  };
  res.status = 206;
  if (r.ranges.size() == 1) {
    res.headers.set("content-range", content_range(r.ranges[0]));
    send_file_segments(res, f, std::move(whole), {{{}, r.ranges[0].first, r.ranges[0].length()}}, {});
    return;
  }
  // multipart/byteranges (RFC 9110 section 14.6): each part its type and Content-Range, then its bytes.
  std::string boundary = random_boundary();
  std::string type(res.media_type());
  std::vector<FileSegment> parts;
  for (std::size_t i = 0; i < r.ranges.size(); ++i) {
    std::string head = (i ? "\r\n--" : "--") + boundary + "\r\n";
    if (!type.empty()) head += "Content-Type: " + type + "\r\n";
    head += "Content-Range: " + content_range(r.ranges[i]) + "\r\n\r\n";
    parts.push_back({std::move(head), r.ranges[i].first, r.ranges[i].length()});
  }
  res.set_media_type("multipart/byteranges; boundary=" + boundary);
  send_file_segments(res, f, std::move(whole), std::move(parts), "\r\n--" + boundary + "--\r\n");
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// FileResponse from a file already opened (StaticFiles opens it itself): takes `fd`.
FASTAPI_DETAIL_INLINE Response file_response_from(int fd, const struct stat& st, std::string_view name,
                                                  FileResponseOptions& options);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Response file_response_from(int fd, const struct stat& st, std::string_view name,
                                                  FileResponseOptions& options) {
  auto file = std::make_shared<OpenFile>(fd);
  auto state = std::make_shared<FileState>();
  state->size = static_cast<std::uint64_t>(st.st_size);
  state->mtime = st.st_mtim.tv_sec;
  state->etag = starlette_etag(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, state->size);
  state->last_modified = format_http_date(st.st_mtim.tv_sec);

  Response res{.status = options.status_code};
  std::string_view type = options.media_type;
  if (type.empty()) type = guess_media_type(options.filename ? std::string_view(*options.filename) : name);
  res.set_media_type(type.empty() ? std::string_view("text/plain") : type);
  if (options.filename)
    res.headers.add("content-disposition", content_disposition(options.content_disposition_type, *options.filename));
  res.headers.add("accept-ranges", "bytes");
  res.headers.add("last-modified", state->last_modified);
  res.headers.add("etag", state->etag);

  // Small and already in the page cache: read now, sent with the head in one write.
  std::size_t size = static_cast<std::size_t>(state->size);
  bool in_memory = size == 0;
#ifdef RWF_NOWAIT
  if (size > 0 && size <= file_chunk_size) {
    res.body.resize(size);
    iovec io{res.body.data(), size};
    in_memory = ::preadv2(fd, &io, 1, 0, RWF_NOWAIT) == static_cast<ssize_t>(size);
    if (!in_memory) res.body.clear();
  }
#endif
  if (!in_memory) {
    state->file = file;
    auto stream = std::make_shared<FileStream>();
    stream->file = file;
    stream->segments.push_back({{}, 0, state->size});
    res.stream = FileStreamBody{std::move(stream)};
    res.stream_size = size;
  }
  res.prepare = [state = std::shared_ptr<const FileState>(std::move(state))](const Request& req, Response& r) {
    prepare_file_response(state, req, r);
  };
  return res;
}

/// Opens `path` for reading without blocking on a FIFO or a device, and fstat's the open file: the size and
/// type are those of what was opened, whatever happens to the name meanwhile. -1 with errno set on failure.
inline int open_for_response(const char* path, struct stat& st) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Response FileResponse(std::string_view path, FileResponseOptions options) {
  std::string p(path);
  struct stat st {};
  int fd = detail::open_for_response(p.c_str(), st);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw HTTPException(404, "Not Found");
    throw std::runtime_error("File at path " + p + " cannot be read: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error("File at path " + p + " is not a file.");  // Starlette's words
  }
  return detail::file_response_from(fd, st, p, options);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
