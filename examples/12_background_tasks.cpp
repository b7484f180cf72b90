// examples/12_background_tasks.cpp: FastAPI's "Background Tasks" tutorial: work that runs after the response
// is sent (an e-mail, a log line), queued by the handler and by a dependency of the same request.
//   POST /send-notification/{email}?q=...   -> {"message":"Notification sent in the background"}
//        then, after the response: "found query: <q>" and "notification for <email>: some notification"
//        are appended to the log file, in that order (the dependency queued first).
// Run: ./12_background_tasks --port 8000 [--log log.txt]
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

/// Where the tasks write (set once at startup; read-only afterwards, so every worker may read it).
struct LogFile {
  std::string path = "log.txt";
};

void write_log(std::string path, std::string message) { std::ofstream(path, std::ios::app) << message << "\n"; }

/// A background task may be a coroutine: it may await without holding the loop.
fa::Task<void> write_notification(std::string path, std::string email, std::string message) {
  co_await fa::sleep(std::chrono::milliseconds(50));  // talking to the mail server...
  write_log(path, "notification for " + email + ": " + message);
}

std::optional<std::string> get_query(fa::Query<"q", std::optional<std::string>> q, fa::BackgroundTasks& tasks,
                                     fa::State<LogFile> log) {
  if (!q) return std::nullopt;  // *q is the std::optional itself: q->value() once it is known to be there
  tasks.add(write_log, log->path, "found query: " + q->value());
  return *q;
}

int main(int argc, char** argv) {
  std::string log_path = "log.txt";
  std::vector<char*> args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--log" && i + 1 < argc) {
      log_path = argv[++i];
    } else {
      args.push_back(argv[i]);
    }
  }

  fa::App app;
  app.state<LogFile>(LogFile{log_path});
  app.post("/send-notification/{email}", [](fa::Path<"email", std::string> email, fa::BackgroundTasks& tasks,
                                            fa::Depends<get_query>, fa::State<LogFile> log) {
    tasks.add(write_notification, log->path, *email, "some notification");
    return fa::Json{{"message", "Notification sent in the background"}};
  });
  return app.run(static_cast<int>(args.size()), args.data());
}
