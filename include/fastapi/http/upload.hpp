// http/upload.hpp: fa::UploadFile, one uploaded file (FastAPI's and Starlette's name): its filename, content
// type, part headers and size, and its bytes spooled in memory up to a threshold, then in an unnamed temporary
// file. Fed by params/form_data.hpp (a multipart file part's bytes as the parser hands them out); feeds the
// handler (`co_await file.read()`, `seek`, `save_to`). Knows nothing of multipart framing, routes or JSON:
// the filename is data, never a path this code opens.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include "fastapi/core/config.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"

namespace fastapi {

class UploadFile;
namespace detail {
/// The whole content of an uploaded file (a fa::File<"f", std::string> parameter): from memory, or read from
/// its temporary file in the calling thread (just written, so from the page cache).
std::string upload_bytes(const UploadFile& file);
}  // namespace detail

/// One uploaded file, as a handler receives it from `fa::File<"file", fa::UploadFile>`:
/// ```
/// app.post("/upload", [](fa::File<"file", fa::UploadFile> file) -> fa::Task<fa::Json> {
///   std::string head = co_await file->read(16);   // the first 16 bytes
///   co_await file->seek(0);
///   co_await file->save_to("/srv/uploads/" + safe_name);  // on the blocking pool, never on the loop
///   co_return fa::Json{{"filename", file->filename}, {"size", file->size}};
/// });
/// ```
/// The bytes stay in memory up to MultipartLimits::spool_max_size (1 MiB, Starlette's SpooledTemporaryFile
/// threshold), then move to a temporary file made with mkstemp in $TMPDIR (else /tmp) and unlinked at once: it
/// has no name on disk while it is used, and closing it (the UploadFile's destructor, when the request ends,
/// also when the handler throws or the client goes away) gives the space back. Its blocks are allocated ahead
/// of the writes with fallocate(2) (as many bytes as were written so far, at most 64 MiB ahead, the size left
/// unchanged): one allocation per stretch instead of the file system's reservation page by page, ~10% of the
/// server's CPU for a large upload on ext4. Reads from the temporary file run on the blocking pool. Move-only.
class UploadFile {
 public:
  std::string filename;                                      ///< as the client sent it: data, never a path
  std::string content_type;                                  ///< the part's Content-Type (text/plain by default)
  std::vector<std::pair<std::string, std::string>> headers;  ///< the part's header lines, in order
  std::size_t size = 0;                                      ///< bytes written so far (the whole file once bound)

  UploadFile() = default;
  explicit UploadFile(std::size_t spool_max_size) : spool_max_(spool_max_size) {}
  UploadFile(UploadFile&& other) noexcept;
  UploadFile& operator=(UploadFile&& other) noexcept;
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  ~UploadFile() { close(); }

  /// Up to `n` bytes from the cursor (all that is left by default), moving the cursor past them.
  Task<std::string> read(std::size_t n = static_cast<std::size_t>(-1));
  /// Moves the cursor to byte `offset` (Starlette's `await file.seek(0)`); past the end reads nothing.
  Task<void> seek(std::size_t offset) {
    pos_ = offset;
    co_return;
  }
  /// The cursor.
  std::size_t tell() const { return pos_; }
  /// Appends bytes at the end (the parser's way in; a handler may use it too). Above the spool threshold the
  /// bytes go to the temporary file, written in the calling thread: as nginx writes a client body to its
  /// temporary file from the event loop, a write to the page cache does not wait on the network or a client.
  /// Throws std::system_error when the temporary file cannot be made or written.
  void write(std::string_view data);
  /// Writes the whole file to `path` (created or truncated, mode 0644) on the blocking pool; the cursor does
  /// not move. `path` is the program's choice: never build it from `filename` unchecked.
  Task<void> save_to(std::string path);
  /// True while the bytes are in memory (no temporary file yet).
  bool in_memory() const { return fd_ < 0; }
  /// Closes the temporary file (the bytes are gone); the destructor does it.
  void close();

 private:
  friend std::string detail::upload_bytes(const UploadFile& file);
  std::size_t read_at(std::size_t offset, char* out, std::size_t n) const;  // blocking when on disk
  void spill();                                                             // memory -> temporary file
  void preallocate(std::size_t end);  // the temporary file's blocks up to past `end` (fallocate, best effort)

  std::string memory_;
  int fd_ = -1;
  std::size_t reserved_ = 0;  // the temporary file's blocks allocated up to here (preallocate)
  std::size_t pos_ = 0;
  std::size_t spool_max_ = MultipartLimits{}.spool_max_size;
};

namespace detail {
/// Opens an unnamed temporary file in $TMPDIR (else /tmp): mkstemp, then unlink. Throws std::system_error.
int open_spool_file();
/// Writes all of `data` to `fd` (at its offset), retrying short writes and EINTR. Throws std::system_error.
void write_all(int fd, std::string_view data);
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
namespace detail {
FASTAPI_DETAIL_INLINE int open_spool_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = (dir && *dir) ? dir : "/tmp";
  if (path.back() != '/') path += '/';
  path += "fastapi-upload-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "fastapi: cannot create a temporary file");
  ::unlink(path.c_str());  // no name on disk: the space comes back when the descriptor closes, whatever happens
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

FASTAPI_DETAIL_INLINE void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "fastapi: cannot write a temporary file");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

FASTAPI_DETAIL_INLINE std::string upload_bytes(const UploadFile& file) {
  if (file.fd_ < 0) return file.memory_;
  std::string out(file.size, '\0');
  out.resize(file.read_at(0, out.data(), out.size()));
  return out;
}
}  // namespace detail

FASTAPI_DETAIL_INLINE UploadFile::UploadFile(UploadFile&& o) noexcept
    : filename(std::move(o.filename)), content_type(std::move(o.content_type)), headers(std::move(o.headers)),
      size(o.size), memory_(std::move(o.memory_)), fd_(std::exchange(o.fd_, -1)), reserved_(o.reserved_), pos_(o.pos_),
      spool_max_(o.spool_max_) {}

FASTAPI_DETAIL_INLINE UploadFile& UploadFile::operator=(UploadFile&& o) noexcept {
  if (this != &o) {
    close();
    filename = std::move(o.filename);
    content_type = std::move(o.content_type);
    headers = std::move(o.headers);
    size = o.size;
    memory_ = std::move(o.memory_);
    fd_ = std::exchange(o.fd_, -1);
    reserved_ = o.reserved_;
    pos_ = o.pos_;
    spool_max_ = o.spool_max_;
  }
  return *this;
}

FASTAPI_DETAIL_INLINE void UploadFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  reserved_ = 0;
  memory_.clear();
  memory_.shrink_to_fit();
}

FASTAPI_DETAIL_INLINE void UploadFile::spill() {
  fd_ = detail::open_spool_file();
  try {
    detail::write_all(fd_, memory_);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  memory_.clear();
  memory_.shrink_to_fit();
}

FASTAPI_DETAIL_INLINE void UploadFile::write(std::string_view data) {
  if (fd_ < 0 && memory_.size() + data.size() > spool_max_) spill();
  if (fd_ >= 0) {
    preallocate(size + data.size());
    detail::write_all(fd_, data);
  } else {
    memory_.append(data);
  }
  size += data.size();
}

FASTAPI_DETAIL_INLINE void UploadFile::preallocate(std::size_t end) {
#ifdef FALLOC_FL_KEEP_SIZE
  if (end <= reserved_) return;
  constexpr std::size_t most_ahead = std::size_t{64} << 20;  // bounds the space a client can claim unsent
  std::size_t from = std::max(reserved_, size);
  std::size_t to = end + std::min(end, most_ahead);
  if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(from), static_cast<off_t>(to - from)) == 0) {
    reserved_ = to;
  } else {  // not supported by this file system, or no room for the stretch ahead: plain writes from now on
    reserved_ = static_cast<std::size_t>(-1);
  }
#else
  (void)end;
#endif
}

FASTAPI_DETAIL_INLINE std::size_t UploadFile::read_at(std::size_t offset, char* out, std::size_t n) const {
  std::size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "fastapi: cannot read a temporary file");
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

FASTAPI_DETAIL_INLINE Task<std::string> UploadFile::read(std::size_t n) {
  std::size_t start = pos_ < size ? pos_ : size;
  std::size_t count = n < size - start ? n : size - start;
  std::string out;
  if (fd_ < 0) {
    out.assign(memory_, start, count);
  } else if (count > 0) {
    out.resize(count);
    std::size_t got = co_await to_thread([&] { return read_at(start, out.data(), count); });
    out.resize(got);
  }
  pos_ = start + out.size();
  co_return out;
}

FASTAPI_DETAIL_INLINE Task<void> UploadFile::save_to(std::string path) {
  co_await to_thread([&] {
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) throw std::system_error(errno, std::generic_category(), "fastapi: cannot open " + path);
    try {
      if (fd_ < 0) {
        detail::write_all(out, memory_);
      } else {
        std::string buffer(std::size_t{1} << 16, '\0');
        for (std::size_t at = 0; at < size;) {
          std::size_t got = read_at(at, buffer.data(), std::min(buffer.size(), size - at));
          if (got == 0) break;
          detail::write_all(out, std::string_view(buffer.data(), got));
          at += got;
        }
      }
    } catch (...) {
      ::close(out);
      throw;
    }
    if (::close(out) != 0) throw std::system_error(errno, std::generic_category(), "fastapi: cannot write " + path);
  });
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
