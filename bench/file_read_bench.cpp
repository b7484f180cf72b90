// bench/file_read_bench.cpp: what FileResponse's read path costs per 64 KiB chunk of a file in the page cache:
// preadv2(RWF_NOWAIT) on the calling thread (what the loop does) against a hand-off to another thread and back
// around a pread (the least a blocking-pool hop costs, the fallback when the page cache misses).
//   g++ -O2 -std=c++20 bench/file_read_bench.cpp -o build/file_read_bench -pthread && build/file_read_bench FILE
// FILE: 1 MiB or more, read once before (so it is cached).
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
int main(int, char** v) {
  int fd = open(v[1], O_RDONLY);
  std::string b(65536, '\0');
  iovec io{b.data(), b.size()};
  auto t0 = std::chrono::steady_clock::now();
  long n = 0;
  for (int i = 0; i < 20000; i++) {
    n += preadv2(fd, &io, 1, (i % 16) * 65536, RWF_NOWAIT);
  }
  auto t1 = std::chrono::steady_clock::now();
  // a hand-off to another thread and back per chunk (what a pool hop costs at least)
  std::mutex m;
  std::condition_variable cv;
  int state = 0;
  bool stop = false;
  std::thread w([&] {
    std::unique_lock l(m);
    while (true) {
      cv.wait(l, [&] { return state == 1 || stop; });
      if (stop) return;
      pread(fd, b.data(), b.size(), 0);
      state = 2;
      cv.notify_all();
    }
  });
  auto t2 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; i++) {
    std::unique_lock l(m);
    state = 1;
    cv.notify_all();
    cv.wait(l, [&] { return state == 2; });
  }
  auto t3 = std::chrono::steady_clock::now();
  {
    std::lock_guard l(m);
    stop = true;
  }
  cv.notify_all();
  w.join();
  printf("preadv2 RWF_NOWAIT 64KiB cached: %.2f us/chunk (%ld bytes)\nthread hand-off + pread 64KiB: %.2f us/chunk\n",
         std::chrono::duration<double, std::micro>(t1 - t0).count() / 20000, n,
         std::chrono::duration<double, std::micro>(t3 - t2).count() / 20000);
}
