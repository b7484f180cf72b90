// examples/15_settings.cpp: FastAPI's "Settings and Environment Variables" page with pydantic-settings'
// cli_parse_args: one struct read from the app's own flags and the environment, the server's flags beside them,
// and one --help for both.
//   GET /info           {"app_name":"Items","items_file":"items.txt","page_size":10}
//   GET /items?page=N   the items file's lines, page_size of them per page (page 1 by default);
//                       a file that cannot be read -> 500, and the log names the route, the exception and why
// Run: ./15_settings --port 8000 --items-file ./items.txt --page-size 20     (flags win over the variables)
//      APP_ITEMS_FILE=./items.txt ./15_settings                             (the same, from the environment)
//      ./15_settings --help                                                 (the server's flags and these)
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

struct Settings {
  fa::Default<std::string, fa::Rule{.description = "the name /info shows"}> app_name = "Items";
  fa::Default<std::string, fa::Rule{.description = "a text file, one item per line"}> items_file = "items.txt";
  fa::Default<int, fa::Rule{.description = "items per page", .ge = 1, .le = 100}> page_size = 10;
};

struct Page {
  int page;
  std::vector<std::string> items;
};

/// The file's lines; std::runtime_error when it cannot be opened (the handler lets it become a 500).
std::vector<std::string> read_items(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the items file '" + path + "'");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

int main(int argc, char** argv) {
  // Takes --app-name, --items-file and --page-size out of argv (APP_... variables under them); --help lists them.
  const auto settings = fa::load_settings_or_exit<Settings>(argc, argv, {.env_prefix = "APP_"});
  fa::App app;
  app.state<Settings>(settings);

  app.get("/info", [](fa::State<Settings> s) {
    return fa::Json{{"app_name", *s->app_name}, {"items_file", *s->items_file}, {"page_size", *s->page_size}};
  });
  app.get("/items",
          [](fa::State<Settings> s, fa::Query<"page", std::optional<int>, fa::Rule{.ge = 1}> page) {
            const std::vector<std::string> all = read_items(*s->items_file);
            const int n = page->value_or(1);
            const std::size_t size = static_cast<std::size_t>(*s->page_size);
            const std::size_t from = std::min(all.size(), static_cast<std::size_t>(n - 1) * size);
            const std::size_t to = std::min(all.size(), from + size);
            return Page{n, std::vector<std::string>(all.begin() + static_cast<std::ptrdiff_t>(from),
                                                    all.begin() + static_cast<std::ptrdiff_t>(to))};
          },
          {.blocking = true});  // reads a file: on the blocking pool, not on the event loop

  return app.run(argc, argv);  // the server's flags: --host, --port, --workers, --log-level, ...
}
