// examples/tutorial/36_static_files.cpp: a directory of files under /static (docs/tutorial/36_static_files.md).
// Run it where a directory `static` exists: mkdir static && echo 'Hello, static world' > static/hello.txt
// Run: ./36_static_files [--port 8000]; its test: tests/tutorial/test_36_static_files.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace static_files {

// `directory` is relative to the working directory; the test gives a temporary one.
void build(fa::App& app, const std::string& directory = "static") {
  app.mount("/static", fa::StaticFiles{{.directory = directory}});
  app.get("/", [] { return fa::HTMLResponse(R"(<link rel="stylesheet" href="/static/site.css"><h1>Hello</h1>)"); });
}

}  // namespace static_files

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  static_files::build(app);
  return app.run(argc, argv);
}
#endif
