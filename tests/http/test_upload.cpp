// tests/http/test_upload.cpp: fa::UploadFile (http/upload.hpp) on its own: bytes kept in memory up to the
// spool threshold, then in an unnamed temporary file in $TMPDIR; read(n), seek, tell, save_to; moves; and no
// file or descriptor left behind once it is destroyed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "fastapi/http/upload.hpp"
#include "support/run_task.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_upload_file {

namespace fa = fastapi;
namespace fs = std::filesystem;
using fa::test_support::run_task;

namespace {

/// A fresh directory made TMPDIR for the scope, removed afterwards.
struct TmpDir {
  fs::path path;
  std::string old;
  bool had_old = false;
  TmpDir() {
    path = fs::temp_directory_path() / ("fastapi-upload-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    if (const char* o = std::getenv("TMPDIR")) old = o, had_old = true;
    ::setenv("TMPDIR", path.c_str(), 1);
  }
  ~TmpDir() {
    if (had_old) ::setenv("TMPDIR", old.c_str(), 1);
    else ::unsetenv("TMPDIR");
    fs::remove_all(path);
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {})); }
  /// Descriptors of this process open on a file of this directory (deleted ones included).
  std::size_t open_descriptors() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      fs::path target = fs::read_symlink(e.path(), ec);
      if (!ec && target.string().rfind(path.string(), 0) == 0) ++n;
    }
    return n;
  }
  /// The status of this process's one descriptor open on a file of this directory (fstat through /proc).
  struct stat spool_stat() const {
    struct stat st {};
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      fs::path target = fs::read_symlink(e.path(), ec);
      if (!ec && target.string().rfind(path.string(), 0) == 0) REQUIRE(::stat(e.path().c_str(), &st) == 0);
    }
    return st;
  }
};

fa::Task<std::string> read_n(fa::UploadFile& f, std::size_t n) { co_return co_await f.read(n); }
fa::Task<std::string> read_all(fa::UploadFile& f) { co_return co_await f.read(); }
fa::Task<int> seek_to(fa::UploadFile& f, std::size_t at) {
  co_await f.seek(at);
  co_return 0;
}
fa::Task<int> save(fa::UploadFile& f, std::string path) {
  co_await f.save_to(std::move(path));
  co_return 0;
}

}  // namespace

TEST_CASE("UploadFile: small files stay in memory; read(n), seek and tell move a cursor") {
  TmpDir tmp;
  fa::UploadFile f(16);
  f.write("hello ");
  f.write("world");
  CHECK(f.in_memory());
  CHECK(f.size == 11);
  CHECK(tmp.entries() == 0);
  CHECK(run_task(read_n(f, 5)) == "hello");
  CHECK(f.tell() == 5);
  CHECK(run_task(read_all(f)) == " world");
  CHECK(run_task(read_all(f)).empty());  // at the end
  run_task(seek_to(f, 6));
  CHECK(run_task(read_n(f, 100)) == "world");
  run_task(seek_to(f, 1000));  // past the end reads nothing
  CHECK(run_task(read_all(f)).empty());
}

TEST_CASE("UploadFile: above the threshold the bytes move to an unnamed temporary file in $TMPDIR") {
  TmpDir tmp;
  std::string expected;
  {
    fa::UploadFile f(1024);
    for (int i = 0; i < 100; ++i) {
      std::string chunk(100, static_cast<char>('a' + i % 26));
      f.write(chunk);
      expected += chunk;
    }
    CHECK_FALSE(f.in_memory());
    CHECK(f.size == 10000);
    CHECK(tmp.entries() == 0);           // unlinked at once: never a name on disk
    CHECK(tmp.open_descriptors() == 1);  // but open
    CHECK(run_task(read_n(f, 1500)) == expected.substr(0, 1500));
    CHECK(run_task(read_all(f)) == expected.substr(1500));
    run_task(seek_to(f, 9990));
    CHECK(run_task(read_all(f)) == expected.substr(9990));

    fs::path out = tmp.path / "saved.bin";
    run_task(save(f, out.string()));
    std::ifstream in(out, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == expected);
    fs::remove(out);
  }
  CHECK(tmp.open_descriptors() == 0);  // closed with the object: the space is back
  CHECK(tmp.entries() == 0);
}

TEST_CASE("UploadFile: the default threshold is Starlette's 1 MiB; save_to writes a file kept in memory too") {
  TmpDir tmp;
  fa::UploadFile f;
  f.write(std::string(1 << 20, 'x'));
  CHECK(f.in_memory());
  f.write("y");
  CHECK_FALSE(f.in_memory());
  fa::UploadFile small;
  small.write("abc");
  fs::path out = tmp.path / "small.txt";
  run_task(save(small, out.string()));
  std::ifstream in(out);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "abc");
  CHECK(small.tell() == 0);  // saving does not move the cursor
}

TEST_CASE("UploadFile: moves carry the temporary file; a vector of them closes every one") {
  TmpDir tmp;
  {
    std::vector<fa::UploadFile> files;
    for (int i = 0; i < 3; ++i) {
      fa::UploadFile f(4);
      f.filename = "f" + std::to_string(i);
      f.write("0123456789");
      files.push_back(std::move(f));
    }
    CHECK(tmp.open_descriptors() == 3);
    fa::UploadFile moved = std::move(files[1]);
    CHECK(moved.filename == "f1");
    CHECK(run_task(read_all(moved)) == "0123456789");
    moved = std::move(files[2]);  // the old one is closed
    CHECK(tmp.open_descriptors() == 2);
  }
  CHECK(tmp.open_descriptors() == 0);
}

TEST_CASE("UploadFile: save_to a path that cannot be opened fails with std::system_error") {
  fa::UploadFile f;
  f.write("x");
  CHECK_THROWS_AS(run_task(save(f, "/nonexistent-dir/x/y")), std::system_error);
}

TEST_CASE("UploadFile: a large file's blocks are allocated ahead of the writes, its size stays what was written") {
  TmpDir tmp;
  fa::UploadFile f(1024);
  std::string expected;
  for (int i = 0; i < 48; ++i) {  // 3 MiB in 64 KiB writes, as a streamed upload arrives
    std::string chunk(64 * 1024, static_cast<char>('a' + i % 26));
    f.write(chunk);
    expected += chunk;
  }
  struct stat st = tmp.spool_stat();
  CHECK(static_cast<std::size_t>(st.st_size) == expected.size());  // fallocate(FALLOC_FL_KEEP_SIZE)
  // Blocks for the bytes written at least; where the file system allocates ahead (ext4, xfs, tmpfs), beyond.
  CHECK(static_cast<std::size_t>(st.st_blocks) * 512 >= expected.size());
  CHECK(run_task(read_all(f)) == expected);  // nothing past what was written is read back
  fs::path out = tmp.path / "saved.bin";
  run_task(save(f, out.string()));
  CHECK(fs::file_size(out) == expected.size());
  fs::remove(out);
}

}  // namespace test_upload_file
