// examples/21_files.cpp: files in and out (FastAPI's "Request Files" tutorial, and more; issue 19). Its contract
// (the suite and other tools test against it):
//   POST /files              multipart: form field `note`, file field `file`
//                            -> {"filename": ..., "content_type": ..., "size": N, "sha256": "<hex>", "note": ...}
//   POST /files/many         multipart: repeated `files` fields -> [{"filename": ..., "size": N, "sha256": "<hex>"}, ...]
//   GET /static/...          StaticFiles over the directory named by $STATIC_DIR (default ./static): ETag, 304,
//                            Range, HEAD; anything outside the directory is 404
//   GET /download/{name}     $STATIC_DIR/name as an attachment with that filename; a name that would leave the
//                            directory (or is not a file) is 404
// Try it:  curl -F note=hello -F file=@photo.jpg http://127.0.0.1:8000/files
//          curl -F files=@a.txt -F files=@b.txt http://127.0.0.1:8000/files/many
//          curl -O -J http://127.0.0.1:8000/download/report.pdf      curl -r 0-99 http://127.0.0.1:8000/static/a.txt
// Run: STATIC_DIR=./public ./21_files [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

// ---- uploads ----------------------------------------------------------------------------------------------
// Files are read in 64 KiB pieces, so a large upload (kept in a temporary file past 1 MiB) is never one string.

/// The SHA-256 of an uploaded file, read from its start (hex).
fa::Task<std::string> sha256_of(fa::UploadFile& file) {
  fa::Sha256 digest;
  co_await file.seek(0);
  for (;;) {
    std::string chunk = co_await file.read(64 * 1024);
    if (chunk.empty()) break;
    digest.update(chunk);
  }
  co_return fa::to_hex(digest.finish());
}

/// Uploads up to 64 MiB per request (the app's default body limit is 1 MiB).
constexpr std::size_t upload_limit = 64u << 20;

void add_upload_routes(fa::App& app) {
  app.post("/files",
           [](fa::File<"file", fa::UploadFile> file, fa::Form<"note", std::string> note) -> fa::Task<fa::Json> {
             std::string sha256 = co_await sha256_of(*file);
             co_return fa::Json{{"filename", file->filename},
                                {"content_type", file->content_type},
                                {"size", file->size},
                                {"sha256", sha256},
                                {"note", *note}};
           },
           {.summary = "Upload one file with a note", .max_body_size = upload_limit});

  app.post("/files/many",
           [](fa::File<"files", std::vector<fa::UploadFile>> files) -> fa::Task<fa::Json> {
             fa::Json out = fa::Json::array({});
             for (fa::UploadFile& f : *files) {
               std::string sha256 = co_await sha256_of(f);
               out.push_back(fa::Json{{"filename", f.filename}, {"size", f.size}, {"sha256", sha256}});
             }
             co_return out;
           },
           {.summary = "Upload several files", .max_body_size = upload_limit});
}
// ---- end of uploads ---------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  fa::App app{{.title = "Files", .version = "1.0"}};
  add_upload_routes(app);

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
