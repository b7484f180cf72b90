// examples/tutorial/10_extra_data_types.cpp: UUIDs, datetimes, durations and times as parameters and members
// (docs/tutorial/10_extra_data_types.md).
//   PUT /items/c4a760a8-dbcf-5254-a0d9-6a4474bd1b62
//       {"start_datetime":"2032-04-23T10:00:00Z","end_datetime":"2032-04-23T12:00:00Z","process_after":"PT30M"}
//   -> {"item_id":"c4a760a8-...","start_process":"2032-04-23T10:30:00Z","duration":"PT1H30M",...}
// Run: ./10_extra_data_types [--port 8000]; its test: tests/tutorial/test_10_extra_data_types.cpp
#include <chrono>
#include <optional>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace extra_data_types {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using TimeOfDay = std::chrono::hh_mm_ss<seconds>;

struct Schedule {
  fa::UUID item_id;
  sys_seconds start_datetime;
  sys_seconds end_datetime;
  seconds process_after;
  std::optional<TimeOfDay> repeat_at;
  sys_seconds start_process;
  seconds duration;
};

void build(fa::App& app) {
  app.put("/items/{item_id}",
          [](fa::Path<"item_id", fa::UUID> item_id, fa::Embed<"start_datetime", sys_seconds> start_datetime,
             fa::Embed<"end_datetime", sys_seconds> end_datetime, fa::Embed<"process_after", seconds> process_after,
             fa::Embed<"repeat_at", std::optional<TimeOfDay>> repeat_at) {
            sys_seconds start_process = *start_datetime + *process_after;
            seconds duration = *end_datetime - start_process;
            return Schedule{*item_id,   *start_datetime, *end_datetime, *process_after,
                            *repeat_at, start_process,   duration};
          });
}

}  // namespace extra_data_types

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  extra_data_types::build(app);
  return app.run(argc, argv);
}
#endif
