// examples/21_files.cpp: files in and out (issue 19). Its contract (the suite and other tools test against it):
//   GET /static/...          StaticFiles over the directory named by $STATIC_DIR (default ./static): ETag, 304,
//                            Range, HEAD; anything outside the directory is 404
//   GET /download/{name}     $STATIC_DIR/name as an attachment with that filename; a name that would leave the
//                            directory (or is not a file) is 404
//   POST /files, /files/many uploads: see the uploads block (issue 19 section 1)
// Run: STATIC_DIR=./public ./21_files --port 8000
//      curl -O -J http://127.0.0.1:8000/download/report.pdf      curl -r 0-99 http://127.0.0.1:8000/static/a.txt
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "fastapi.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app{{.title = "Files", .version = "1.0"}};

  // ---- downloads (issue 19 section 2) ----
  const char* env = std::getenv("STATIC_DIR");
  const std::string static_dir = env && *env ? env : "./static";
  // check_dir = false: the example starts even where ./static does not exist (every file is then a 404).
  app.mount("/static", fa::StaticFiles{{.directory = static_dir, .check_dir = false}});

  app.get("/download/{name}", [static_dir](fa::Path<"name", std::string> name) {
    // The name is one path segment (the router never gives {name} a '/', "%2F" included); what remains that
    // could leave the directory is "..", a backslash, a NUL, or a symlink: the real path must be inside.
    namespace fs = std::filesystem;
    std::string_view n = *name;
    bool refused = n == "." || n == ".." || n.find('\\') != n.npos || n.find('\0') != n.npos;
    std::error_code ec1, ec2;
    const std::string root = fs::canonical(static_dir, ec1).string() + "/";
    const fs::path real = fs::canonical(static_dir + "/" + *name, ec2);
    if (refused || ec1 || ec2 || !real.string().starts_with(root) || !fs::is_regular_file(real, ec1))
      throw fa::HTTPException(404, "Not Found");
    return fa::FileResponse(real.string(), {.filename = *name});
  });
  // ---- end of downloads ----

  return app.run(argc, argv);
}
