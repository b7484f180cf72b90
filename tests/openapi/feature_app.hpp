// tests/openapi/feature_app.hpp: an app that uses every feature the OpenAPI document describes: path, query,
// header and cookie parameters with Rules and defaults, an enum, a list, an alias; JSON bodies (one, embedded,
// a list), a form, OAuth2's password form; response models (inferred and declared), extra responses, tags,
// summary/description, deprecated, a hidden route; every security scheme; dependencies with their own
// parameters (nested, yield, and a router's); framework parameters that are not in the document.
// Read by tests/openapi/test_openapi.cpp (the document's shape), tests/openapi/feature_app.cpp (the program the
// npm validator, the FastAPI twin comparison and the browser test run) and mirrored by tests/openapi/twin_app.py.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/app/router.hpp"
#include "fastapi/di/background.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/state.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/params/file.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/security/api_key.hpp"
#include "fastapi/security/http.hpp"
#include "fastapi/security/oauth2.hpp"

namespace openapi_feature_app {

namespace fa = fastapi;

// ---- models ----

enum class ModelName { alexnet, resnet, lenet };

struct Image {
  std::string url;
  fa::Field<std::string, fa::Rule{.max_length = 100}> name;
};

struct Item {
  fa::Field<std::string, fa::Rule{.min_length = 1, .max_length = 50}> name;
  std::optional<std::string> description;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  std::optional<double> tax;
  fa::Default<std::vector<std::string>> tags;
  std::optional<Image> image;
};

struct ItemOut {
  std::string name;
  double price;
  std::vector<std::string> tags;
};

struct User {
  std::string username;
  std::optional<std::string> full_name;
};

struct Message {
  std::string message;
};

struct Token {
  std::string access_token;
  std::string token_type;
};

/// The body of the custom validation-error handler (an RFC 9457-like problem).
struct ProblemError {
  std::string field;
  std::string message;
};
struct Problem {
  std::string title;
  int status;
  std::vector<ProblemError> errors;
};

struct Settings {
  std::string app_name = "feature app";
};

// The scalar types, sets, tuples and unions (json/chrono, json/uuid, json/choice, json/union).
struct Click {
  fa::Choice<"click"> type;
  fa::Field<int, fa::Rule{.ge = 0}> x;
  fa::Field<int, fa::Rule{.ge = 0}> y;
};
struct Key {
  fa::Choice<"key"> type;
  fa::Field<std::string, fa::Rule{.min_length = 1, .max_length = 16}> key;
};
struct Event {
  fa::UUID id;
  std::chrono::sys_time<std::chrono::microseconds> at;
  std::chrono::year_month_day day;
  std::chrono::hh_mm_ss<std::chrono::seconds> starts;
  std::chrono::seconds every;
  std::set<std::string> tags;
  std::tuple<int, std::string> pair;
  fa::Choice<"asc", "desc"> order;
  fa::Bytes data;
  fa::Discriminator<"type", Click, Key> kind;
  std::variant<int, std::string> ref;
};

// ---- dependencies ----

struct Paging {
  int skip;
  int limit;
};

inline Paging common_parameters(fa::Query<"skip", int, 0> skip,
                                fa::Query<"limit", int, fa::Rule{.le = 100}, 100> limit) {
  return Paging{*skip, *limit};
}

inline std::string verify_token(fa::Header<"x_token", std::string> x_token) {
  if (*x_token != "fake-super-secret-token") throw fa::HTTPException{400, "X-Token header invalid"};
  return *x_token;
}

/// FastAPI's `OAuth2PasswordBearer(tokenUrl="token", scopes={...})`: one scheme for every route below.
using OAuth2Scheme =
    fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."},
                                                                     {"items", "Read items."}}}>;

inline User current_user(OAuth2Scheme token) {
  if (*token != "token-alice")
    throw fa::HTTPException{401, "Invalid authentication credentials", {{"WWW-Authenticate", "Bearer"}}};
  return User{"alice", "Alice Wonderson"};
}

inline User scoped_user(fa::SecurityScopes security_scopes, OAuth2Scheme token) {
  (void)token;
  return User{"alice", security_scopes.scope_str};
}

inline User active_user(fa::Security<scoped_user, "me"> user) { return *user; }

inline fa::Yield<std::string> get_session(fa::Cookie<"session_id", std::optional<std::string>> session_id) {
  co_yield session_id->value_or("anonymous");
}

inline Problem problem_of(const fa::RequestValidationError& e) {
  Problem p{"Your request parameters didn't validate.", 422, {}};
  for (const auto& error : e.errors()) {
    std::string field;
    for (const fa::Json& part : error.loc)
      field += (field.empty() ? "" : ".") + (part.is_string() ? part.as_string() : part.dump());
    p.errors.push_back({field, error.msg});
  }
  return p;
}

// ---- the app ----

/// The app's options (tests/openapi/feature_app.cpp adds DocsAssets::directory for the offline docs).
inline fa::AppOptions options() {
  fa::AppOptions o{.title = "Feature App",
                   .version = "2.5.0",
                   .description = "Every feature of the OpenAPI document.",
                   .terms_of_service = "https://example.com/terms/",
                   .contact = {.name = "Feature Team", .url = "https://example.com/team", .email = "team@example.com"},
                   .license_info = {.name = "Apache 2.0", .url = "https://www.apache.org/licenses/LICENSE-2.0.html"}};
  o.openapi_tags = {{.name = "items",
                     .description = "Operations with items.",
                     .external_docs = {.description = "Items external docs", .url = "https://example.com/items"}},
                    {.name = "users"}};
  return o;
}

/// Adds every route. `problem_details`: the validation errors are answered as a Problem, and documented so.
inline void add_routes(fa::App& app, bool problem_details = false) {
  app.state<Settings>();
  if (problem_details) {
    app.exception_handler<fa::RequestValidationError>(
        [](fa::Request&, const fa::RequestValidationError& e) {
          return fa::JSONResponse(fa::to_json(problem_of(e)), 422);
        },
        fa::response_model<Problem>);
  }

  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });

  app.get("/items/{item_id}",
          [](fa::Path<"item_id", int, fa::Rule{.title = "The ID of the item", .ge = 1}> item_id,
             fa::Query<"q", std::optional<std::string>, fa::Rule{.max_length = 50}> q,
             fa::Query<"short", bool, false> brief) {
            fa::Json out{{"item_id", *item_id}, {"short", *brief}};
            if (q) out["q"] = *q;
            return out;
          },
          {.tags = {"items"}});

  app.get("/models/{model_name}",
          [](fa::Path<"model_name", ModelName> model_name) {
            return fa::Json{{"model_name", fa::to_json(*model_name)}};
          },
          {.name = "get_model"});

  app.get("/items/",
          [](fa::Depends<common_parameters> paging, fa::Query<"tag", std::optional<std::vector<std::string>>> tag,
             fa::Query<"item_query", std::optional<std::string>, fa::Rule{.alias = "item-query", .pattern = "^[a-z]+$"}>
                 item_query,
             fa::Query<"size", double, fa::Rule{.gt = 0, .lt = 10.5}, fa::Literal{1.5}> size) {
            std::vector<ItemOut> out;
            for (int i = paging->skip; i < paging->skip + 2 && i < paging->limit; ++i)
              out.push_back(ItemOut{"item" + std::to_string(i), *size, tag->value_or(std::vector<std::string>{})});
            (void)item_query;
            return out;
          },
          {.tags = {"items"}, .name = "list_items"});

  app.post("/items/",
           [](Item item) {
             return ItemOut{*item.name, *item.price, *item.tags};
           },
           {.status_code = 201,
            .tags = {"items"},
            .summary = "Create an item",
            .description = "Create an item with all the information: name, description, price, tax and tags."});

  app.put("/items/{item_id}",
          [](fa::Path<"item_id", int> item_id, fa::Embed<"item", Item> item, fa::Embed<"user", User> user,
             fa::Embed<"importance", int> importance) {
            return fa::Json{
                {"item_id", *item_id}, {"name", *item->name}, {"user", user->username}, {"importance", *importance}};
          },
          {.tags = {"items"}});

  app.delete_("/items/{item_id}", [](fa::Path<"item_id", int> item_id) { (void)item_id; },
              {.status_code = 204, .tags = {"items"}, .deprecated = true});

  app.get("/items/{item_id}/owner",
          [](fa::Path<"item_id", int> item_id) {
            if (*item_id != 1) throw fa::HTTPException{404, "Item not found"};
            return fa::Json{{"username", "alice"}, {"full_name", "Alice Wonderson"}, {"password", "never shown"}};
          },
          {.tags = {"items"},
           .response_model = fa::response_model<User>,
           .responses = {{404, {.description = "Item not found", .model = fa::response_model<Message>}}, {403, {}}}});

  app.get("/headers", [](fa::Header<"user_agent", std::optional<std::string>> user_agent,
                         fa::Header<"x_count", int, fa::Rule{.ge = 0}, 0> x_count,
                         fa::Cookie<"ads_id", std::optional<std::string>> ads_id) {
    return fa::Json{{"user_agent", user_agent ? fa::Json(*user_agent) : fa::Json()},
                    {"x_count", *x_count},
                    {"ads_id", ads_id ? fa::Json(*ads_id) : fa::Json()}};
  });

  app.post("/login", [](fa::Form<"username", std::string> username,
                        fa::Form<"password", std::string, fa::Rule{.min_length = 8}> password) {
    (void)password;
    return Message{"Welcome " + *username};
  });

  app.post("/upload",
           [](fa::File<"file", fa::UploadFile> file, fa::File<"attachments", std::vector<fa::UploadFile>> attachments,
              fa::File<"thumbnail", std::optional<std::string>> thumbnail, fa::Form<"note", std::string> note) {
             (void)attachments, (void)thumbnail;
             return Message{file->filename + ": " + *note};
           },
           {.name = "upload_file"});

  app.post("/token",
           [](fa::OAuth2PasswordRequestForm form) {
             if (form.username != "alice" || form.password != "wonderland")
               throw fa::HTTPException{400, "Incorrect username or password"};
             return Token{"token-alice", "bearer"};
           },
           {.name = "login_for_access_token"});

  fa::APIRouter users{{.prefix = "/users", .tags = {"users"}, .responses = {{404, {.description = "Not found"}}}}};
  users.get("/me", [](fa::Depends<current_user> user) { return *user; }, {.name = "read_current_user"});
  users.get("/me/items", [](fa::Security<active_user, "items"> user) { return *user; }, {.name = "read_own_items"});
  users.get("/{username}",
            [](fa::Path<"username", std::string> username, fa::Depends<get_session> session) {
              return fa::Json{{"username", *username}, {"full_name", *session}};
            },
            {.response_model = fa::response_model<User>});
  app.include_router(users);

  fa::APIRouter secure{{.prefix = "/secure", .tags = {"security"}, .dependencies = {fa::dependency<verify_token>()}}};
  secure.get("/bearer", [](fa::HTTPBearer<> credentials) { return fa::Json{{"token", credentials->credentials}}; });
  secure.get("/basic", [](fa::HTTPBasic<> credentials) { return fa::Json{{"username", credentials->username}}; });
  secure.get("/key", [](fa::APIKeyHeader<"X-API-Key"> key) { return fa::Json{{"key", *key}}; });
  secure.get("/query-key", [](fa::APIKeyQuery<"api_key"> key) { return fa::Json{{"key", *key}}; });
  secure.get("/cookie-key", [](fa::APIKeyCookie<"session"> key) { return fa::Json{{"key", *key}}; });
  app.include_router(secure);

  app.api_route("/ping", {fa::Method::get, fa::Method::post}, [] { return std::string("pong"); });

  app.get("/framework", [](fa::Request& request, fa::BackgroundTasks& tasks, fa::State<Settings> settings) {
    (void)tasks;
    return fa::Json{{"path", request.path}, {"app_name", settings->app_name}};
  });

  app.post("/events", [](Event event, fa::Query<"since", std::optional<std::chrono::year_month_day>> since,
                         fa::Header<"x_request_id", std::optional<fa::UUID>> x_request_id) {
    (void)since, (void)x_request_id;
    return event;
  });

  app.get("/internal/metrics", [] { return fa::Json{{"requests", 0}}; }, {.include_in_schema = false});
}

}  // namespace openapi_feature_app
