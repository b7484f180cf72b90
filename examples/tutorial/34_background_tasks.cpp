// examples/tutorial/34_background_tasks.cpp: work that runs after the response is sent
// (docs/tutorial/34_background_tasks.md).
//   POST /send-notification/{email}?q=...  -> {"message":"Message sent"}
//     then, after the response, "found query: <q>" and "message to <email>" are appended to log.txt
// Run: ./34_background_tasks [--port 8000]; its test: tests/tutorial/test_34_background_tasks.cpp
#include <fstream>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace background_tasks {

// Where the tasks write: app state, set before the app serves (the page's test points it at a file of its own).
struct LogFile {
  std::string path = "log.txt";
};

void write_log(const std::string& path, const std::string& message) { std::ofstream(path, std::ios::app) << message; }

std::optional<std::string> get_query(fa::Query<"q", std::optional<std::string>> q,
                                     fa::BackgroundTasks& background_tasks, fa::State<LogFile> log) {
  if (*q) background_tasks.add(write_log, log->path, "found query: " + q->value() + "\n");
  return *q;
}

void build(fa::App& app) {
  app.state<LogFile>();

  app.post("/send-notification/{email}", [](fa::Path<"email", std::string> email, fa::BackgroundTasks& background_tasks,
                                            fa::Depends<get_query>, fa::State<LogFile> log) {
    background_tasks.add(write_log, log->path, "message to " + *email + "\n");
    return fa::Json{{"message", "Message sent"}};
  });
}

}  // namespace background_tasks

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  background_tasks::build(app);
  return app.run(argc, argv);
}
#endif
