// expect: take the request and the response by reference
// misuse: `fa::BackgroundTasks` taken by value
// fix: take it by reference, it is the request's own list: `[](fa::BackgroundTasks& tasks) { tasks.add(fn); ... }`.
// tests/compile_fail/di_background_tasks_by_value.cpp: must not compile; fa::BackgroundTasks is the request's own
// list: a copy would be run by nobody.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [](fa::BackgroundTasks tasks) {
    tasks.add([] {});
    return "queued";
  });
}
