// expect: take the request and the response by reference
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
