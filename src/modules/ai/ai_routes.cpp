#include "modules/ai/ai_routes.h"

#include "core/errors.h"
#include "modules/ai/learn.h"
#include "modules/alerts/alert_service.h"
#include "modules/chat/chat.h"
#include "net/json_fields.h"

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace tc::ai {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

// Learn progress (learn_tools.cpp).
boost::asio::awaitable<json::object> learn_progress_json(ConversationStore& store, std::string user_id);

namespace {

json::object schema(const char* text) { return json::parse(text).as_object(); }

json::value body_of(const http::Request& req) {
  if (req.body.empty()) return json::object{};
  return req.json();
}

const std::string& path_id(const http::Request& req, std::string_view name) {
  const auto& v = req.param(name);
  if (v.empty() || v.size() > 64) throw errors::not_found(fmt::format("no such {}", name));
  return v;
}

Page page_of(const http::Request& req, std::size_t default_limit) {
  Page p;
  p.limit = default_limit;
  if (auto limit = req.query_param("limit")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n < 1 || n > kMaxPage) {
      throw errors::validation(fmt::format("query parameter \"limit\" must be 1 to {}", kMaxPage));
    }
    p.limit = n;
  }
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    if (cursor->size() > 100) throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
    p.cursor = *cursor;
  }
  return p;
}

std::string checked_mode(const std::string& mode) {
  if (!find_mode(mode)) throw errors::validation(fmt::format("field \"mode\" must be one of {}", mode_list()));
  return mode;
}

// Titles and messages: no control characters other than newline and tab.
void check_text(const std::string& text, const char* what) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      throw errors::validation(fmt::format("field \"{}\" contains control characters", what));
    }
  }
}

constexpr const char* kConversationSchema = R"({"type":"object","properties":{"id":{"type":"string"},
  "mode":{"enum":["fast","deep_thinking","trade_buddy","learn","stock_analysis","web_search","search"]},
  "title":{"type":"string"},"channel":{"type":"string","description":"ai:<id>"},
  "answering":{"type":"boolean","description":"an answer is being written"},
  "created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

constexpr const char* kMessageSchema = R"json({"type":"object","properties":{"id":{"type":"string"},
  "conversation_id":{"type":"string"},"seq":{"type":"integer"},"role":{"enum":["user","assistant"]},
  "content":{"type":"string"},"status":{"enum":["complete","streaming","cancelled","failed"]},"mode":{"type":"string"},
  "tool_calls":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"},
    "arguments":{"type":"object"},"result":{}}}},
  "marks":{"type":"array","items":{"type":"object","properties":{"start":{"type":"integer"},"end":{"type":"integer"},
    "text":{"type":"string"}}},"description":"numbers of the reply no source contains, as byte offsets"},
  "citations":{"type":"array","items":{"type":"object","properties":{"title":{"type":"string"},"url":{"type":"string"}}}},
  "annotations":{"type":["object","null"],"description":"chart annotation payload, docs/ai.md"},
  "proposals":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"kind":{"enum":["alert"]},
    "arguments":{"type":"object"},"status":{"enum":["pending","confirmed","declined"]},"result_id":{"type":["string","null"]}}}},
  "file_ids":{"type":"array","items":{"type":"string"}},"provider":{"type":"string"},"model":{"type":"string"},
  "usage":{"type":"object","properties":{"input_tokens":{"type":"integer"},"output_tokens":{"type":"integer"},
    "cost_usd":{"type":"number"}}},"created_at":{"type":"string","format":"date-time"}}})json";

json::object list_of(const char* item) {
  return json::object{{"type", "object"},
                      {"properties",
                       {{"items", {{"type", "array"}, {"items", json::parse(item)}}},
                        {"next_cursor", {{"type", json::array{"string", "null"}}}}}}};
}

const std::vector<std::pair<int, std::string>> kErrors = {{401, "Not signed in"},
                                                          {404, "No such conversation (or another user's)"}};
std::vector<std::pair<int, std::string>> with(std::vector<std::pair<int, std::string>> ok) {
  ok.insert(ok.end(), kErrors.begin(), kErrors.end());
  return ok;
}

std::string markdown_export(const Conversation& c, const std::vector<json::object>& messages) {
  std::string md = "# " + c.title + "\n\nMode: " + c.mode + " · created " + iso_time(c.created_at_ms) + "\n";
  for (const auto& m : messages) {
    const bool user = m.at("role").as_string() == "user";
    md += fmt::format("\n## {} · {}\n\n{}\n", user ? "You" : "Assistant", std::string(m.at("created_at").as_string()),
                      std::string(m.at("content").as_string()));
    if (m.at("status").as_string() != "complete")
      md += fmt::format("\n_({})_\n", std::string(m.at("status").as_string()));
    for (const auto& cite : m.at("citations").as_array()) {
      md += fmt::format("\n- [{}]({})", std::string(cite.at("title").as_string()),
                        std::string(cite.at("url").as_string()));
    }
  }
  return md;
}

// The uploaded bytes, name and declared type, from a multipart/form-data body (its
// first part with a filename) or a raw body with its Content-Type and ?filename=.
struct Upload {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

Upload read_upload(const http::Request& req) {
  const auto ct = std::string(req.header("Content-Type").value_or(""));
  Upload u;
  if (ct.starts_with("multipart/form-data")) {
    const auto b = ct.find("boundary=");
    if (b == std::string::npos) throw errors::bad_request("multipart body without a boundary");
    std::string boundary = ct.substr(b + 9);
    if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
    if (boundary.size() > 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
    if (boundary.empty() || boundary.size() > 70) throw errors::bad_request("bad multipart boundary");
    const std::string delim = "--" + boundary;
    std::size_t pos = req.body.find(delim);
    while (pos != std::string::npos) {
      const auto head_start = pos + delim.size() + 2;
      const auto head_end = req.body.find("\r\n\r\n", head_start);
      if (head_end == std::string::npos) break;
      const auto next = req.body.find("\r\n" + delim, head_end + 4);
      if (next == std::string::npos) break;
      const std::string head = req.body.substr(head_start, head_end - head_start);
      const auto fn = head.find("filename=\"");
      if (fn != std::string::npos) {
        const auto fn_end = head.find('"', fn + 10);
        u.filename = head.substr(fn + 10, fn_end == std::string::npos ? 0 : fn_end - fn - 10);
        const auto pct = head.find("Content-Type:");
        if (pct != std::string::npos) {
          auto line_end = head.find("\r\n", pct);
          u.content_type =
              head.substr(pct + 13, line_end == std::string::npos ? std::string::npos : line_end - pct - 13);
          u.content_type.erase(0, u.content_type.find_first_not_of(' '));
        }
        u.bytes = req.body.substr(head_end + 4, next - head_end - 4);
        break;
      }
      pos = next + 2;
    }
    if (u.filename.empty() && u.bytes.empty()) throw errors::validation("the multipart body has no file part");
  } else {
    u.content_type = ct;
    u.bytes = req.body;
    u.filename = req.query_param("filename").value_or("upload");
  }
  if (u.bytes.empty()) throw errors::validation("the file is empty");
  if (u.filename.empty()) u.filename = "upload";
  if (u.filename.size() > 200) throw errors::validation("the file name is longer than 200 bytes");
  check_text(u.filename, "filename");
  if (u.filename.find_first_of("/\\\n\r\t") != std::string::npos) throw errors::validation("bad file name");
  if (u.content_type.size() > 100) throw errors::validation("bad content type");
  // The declared type is recorded; what the bytes are is sniffed.
  const bool pdf = u.bytes.starts_with("%PDF-");
  if (!pdf) {
    for (unsigned char c : u.bytes.substr(0, std::size_t{64} * 1024)) {
      if (c == 0) throw errors::unsupported_media_type("only CSV, text and PDF files are analysed");
    }
  }
  return u;
}

}  // namespace

void add_ai_routes(http::Router& router, std::shared_ptr<AiRoutesContext> ctx) {
  const http::RouteOptions small{.max_body_bytes = 16 * 1024};

  router.add("GET", "/api/v1/ai/modes",
             [ctx](http::Request req) -> Awaitable {
               ctx->auth->require(req);
               json::array items;
               for (const auto& m : modes()) {
                 json::array tools;
                 for (const auto& t : m.tools) {
                   if (ctx->assistant->tools().find(t)) tools.push_back(json::value(t));
                 }
                 items.push_back(json::object{
                     {"id", m.id}, {"name", m.name}, {"description", m.description}, {"tools", std::move(tools)}});
               }
               co_return http::Response::json(
                   json::object{{"items", std::move(items)}, {"offline", !ctx->assistant->router().configured()}});
             },
             {.summary = "The assistant's modes and the tools of each; offline=true when no model is configured",
              .tag = "ai",
              .auth = true,
              .responses = {{200, "Modes"}, {401, "Not signed in"}}});

  router.add(
      "POST", "/api/v1/ai/conversations",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        http::JsonFields f(req.json(), {"mode", "title"});
        auto mode = checked_mode(f.required_string("mode", 1, 32));
        auto title = f.optional_string("title", 1, 200).value_or(find_mode(mode)->name + " conversation");
        check_text(title, "title");
        co_return http::Response::json(
            co_await ctx->store->create(who.user_id, mode, title, ctx->limits.max_conversations), 201);
      },
      {.summary = "Start a conversation in a mode",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["mode"],"properties":{
         "mode":{"enum":["fast","deep_thinking","trade_buddy","learn","stock_analysis","web_search","search"]},
         "title":{"type":"string","minLength":1,"maxLength":200}}})"),
       .responses =
           {{201, "Created"}, {401, "Not signed in"}, {409, "Too many conversations"}, {422, "Invalid fields"}},
       .response_schema = schema(kConversationSchema)},
      small);

  router.add("GET", "/api/v1/ai/conversations",
             [ctx](http::Request req) -> Awaitable {
               auto who = ctx->auth->require(req);
               co_return http::Response::json(co_await ctx->store->list(who.user_id, page_of(req, 50)));
             },
             {.summary = "The caller's conversations, most recently active first",
              .tag = "ai",
              .auth = true,
              .responses = {{200, "Conversations"}, {401, "Not signed in"}, {422, "Bad cursor or limit"}},
              .response_schema = list_of(kConversationSchema),
              .query_params = {"cursor", "limit"}});

  router.add(
      "GET", "/api/v1/ai/conversations/{id}",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        co_return http::Response::json(conversation_json(co_await ctx->store->get(who.user_id, path_id(req, "id"))));
      },
      {.summary = "One conversation",
       .tag = "ai",
       .auth = true,
       .responses = with({{200, "The conversation"}}),
       .response_schema = schema(kConversationSchema)});

  router.add(
      "PATCH", "/api/v1/ai/conversations/{id}",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        http::JsonFields f(req.json(), {"title", "mode"});
        auto title = f.optional_string("title", 1, 200);
        if (title) check_text(*title, "title");
        auto mode = f.optional_string("mode", 1, 32);
        if (mode) checked_mode(*mode);
        if (!title && !mode) throw errors::validation("give \"title\" and/or \"mode\"");
        co_return http::Response::json(co_await ctx->store->update(who.user_id, path_id(req, "id"), title, mode));
      },
      {.summary = "Rename a conversation or switch its mode",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false,"properties":{
         "title":{"type":"string","minLength":1,"maxLength":200},
         "mode":{"enum":["fast","deep_thinking","trade_buddy","learn","stock_analysis","web_search","search"]}}})"),
       .responses = with({{200, "The conversation"}, {422, "Invalid fields"}}),
       .response_schema = schema(kConversationSchema)},
      small);

  router.add("DELETE", "/api/v1/ai/conversations/{id}",
             [ctx](http::Request req) -> Awaitable {
               auto who = ctx->auth->require(req);
               co_await ctx->store->remove(who.user_id, path_id(req, "id"));
               co_return http::Response::empty(204);
             },
             {.summary = "Delete a conversation, its messages and its stream",
              .tag = "ai",
              .auth = true,
              .responses = with({{204, "Deleted"}, {409, "An answer is being written (cancel it first)"}})});

  router.add(
      "GET", "/api/v1/ai/conversations/{id}/export",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        const auto format = req.query_param("format").value_or("markdown");
        if (format != "markdown" && format != "json") {
          throw errors::validation("query parameter \"format\" must be markdown or json");
        }
        auto conv = co_await ctx->store->get(who.user_id, path_id(req, "id"));
        auto messages = co_await ctx->store->all_messages(who.user_id, conv.id);
        http::Response res;
        if (format == "json") {
          json::array items;
          for (auto& m : messages) items.push_back(std::move(m));
          res = http::Response::json(json::object{{"conversation", conversation_json(conv)}, {"messages", items}});
        } else {
          res = http::Response::text(markdown_export(conv, messages), "text/markdown; charset=utf-8");
        }
        res.set_header("Content-Disposition", fmt::format("attachment; filename=\"conversation-{}.{}\"", conv.id,
                                                          format == "json" ? "json" : "md"));
        co_return res;
      },
      {.summary = "Export a conversation as Markdown or JSON",
       .tag = "ai",
       .auth = true,
       .responses = with({{200, "The export (attachment)"}, {422, "Unknown format"}}),
       .query_params = {"format"}});

  router.add(
      "POST", "/api/v1/ai/conversations/{id}/messages",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        auto body = req.json();
        http::JsonFields f(body, {"content", "file_ids"});
        auto content = f.required_string("content", 1, ctx->limits.max_message_bytes);
        check_text(content, "content");
        std::vector<std::string> files;
        if (const auto* v = body.as_object().if_contains("file_ids"); v && !v->is_null()) {
          if (!v->is_array() || v->as_array().size() > 5) {
            throw errors::validation("field \"file_ids\" must be an array of at most 5 file ids");
          }
          for (const auto& id : v->as_array()) {
            if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 64) {
              throw errors::validation("field \"file_ids\" must hold file ids");
            }
            files.emplace_back(id.as_string());
          }
        }
        auto executor = co_await boost::asio::this_coro::executor;
        co_return http::Response::json(
            co_await ctx->assistant->ask(who, path_id(req, "id"), content, std::move(files), executor), 202);
      },
      {.summary = "Ask: stores the message and starts the answer, which streams on ai:<id>",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["content"],"properties":{
         "content":{"type":"string","minLength":1,"maxLength":8000},
         "file_ids":{"type":"array","maxItems":5,"items":{"type":"string"},"description":"ids from POST /ai/files"}}})"),
       .responses = with({{202, "{message, answer_id}: the answer streams on ai:<id>"},
                          {409, "An answer is already being written"},
                          {422, "Invalid fields"},
                          {429, "Too many answers at once"}}),
       .response_schema = schema(R"({"type":"object","properties":{"message":{"type":"object"},
         "answer_id":{"type":"string"}}})")},
      http::RouteOptions{.max_body_bytes = 32 * 1024});

  router.add(
      "GET", "/api/v1/ai/conversations/{id}/messages",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        co_return http::Response::json(
            co_await ctx->store->messages(who.user_id, path_id(req, "id"), page_of(req, 50)));
      },
      {.summary = "Messages, oldest first within the page; the first page is the newest; next_cursor pages to older",
       .tag = "ai",
       .auth = true,
       .responses = with({{200, "Messages"}, {422, "Bad cursor or limit"}}),
       .response_schema = list_of(kMessageSchema),
       .query_params = {"cursor", "limit"}});

  router.add(
      "POST", "/api/v1/ai/conversations/{id}/cancel",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        http::JsonFields f(body_of(req), {});
        auto conv = co_await ctx->store->get(who.user_id, path_id(req, "id"));
        const bool cancelled = ctx->assistant->cancel(who.user_id, conv.id);
        co_return http::Response::json(json::object{{"cancelled", cancelled}}, 202);
      },
      {.summary = "Stop the running answer (the provider connection is closed); cancelled=false when none ran",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false})"),
       .responses = with({{202, "{cancelled}"}})},
      small);

  router.add(
      "POST", "/api/v1/ai/proposals/{id}/confirm",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        http::JsonFields f(body_of(req), {});
        if (!ctx->alerts) throw errors::unavailable("the alerts module does not run in this process");
        auto proposal = co_await ctx->store->claim_proposal(who.user_id, path_id(req, "id"));
        const std::string id(proposal.at("id").as_string());
        json::object alert;
        std::exception_ptr error;
        try {
          alert = co_await ctx->alerts->create_alert(who.user_id, proposal.at("arguments").as_object());
        } catch (...) {
          error = std::current_exception();
        }
        if (error) {
          // Not created: the proposal stays pending (the user may fix the cause and retry).
          co_await ctx->store->settle_proposal(id, "pending", std::nullopt);
          std::rethrow_exception(error);
        }
        co_await ctx->store->settle_proposal(id, "confirmed", std::string(alert.at("id").as_string()));
        co_return http::Response::json(alert, 201);
      },
      {.summary = "Confirm a proposal: the alert is created with exactly the proposed arguments",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false})"),
       .responses = {{201, "The created alert"},
                     {401, "Not signed in"},
                     {404, "No such proposal (or another user's)"},
                     {409, "Already confirmed or declined, or the alert limit is reached"},
                     {422, "The alerts module refused the arguments"}}},
      small);

  router.add(
      "POST", "/api/v1/ai/proposals/{id}/decline",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        http::JsonFields f(body_of(req), {});
        co_return http::Response::json(co_await ctx->store->decline_proposal(who.user_id, path_id(req, "id")));
      },
      {.summary = "Decline a proposal (nothing is created)",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false})"),
       .responses = {{200, "The proposal"},
                     {401, "Not signed in"},
                     {404, "No such proposal (or another user's)"},
                     {409, "Already confirmed or declined"}}},
      small);

  router.add(
      "POST", "/api/v1/ai/files",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        auto u = read_upload(req);
        if (u.bytes.size() > ctx->limits.max_file_bytes) throw errors::payload_too_large("files are at most 5 MiB");
        StoredFile f{.id = {},
                     .user_id = who.user_id,
                     .filename = u.filename,
                     .content_type = u.content_type.empty() ? "application/octet-stream" : u.content_type,
                     .size = static_cast<std::int64_t>(u.bytes.size()),
                     .bytes = std::move(u.bytes)};
        co_return http::Response::json(co_await ctx->store->add_file(std::move(f), ctx->limits.max_files), 201);
      },
      {.summary = "Upload a CSV, text or PDF file for the assistant (multipart, or the raw body with ?filename=)",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","properties":{"file":{"type":"string","format":"binary",
         "description":"CSV, text or PDF; or send the bytes as the raw body with their Content-Type"}}})"),
       .request_content_type = "multipart/form-data",
       .responses = {{201, "{id, filename, content_type, size}"},
                     {401, "Not signed in"},
                     {409, "Too many files"},
                     {413, "Larger than 5 MiB"},
                     {415, "Not a CSV, text or PDF file"},
                     {422, "Empty, or a bad file name"}},
       .query_params = {"filename"}},
      http::RouteOptions{.max_body_bytes = (5 << 20) + 64 * 1024});

  router.add("GET", "/api/v1/ai/learn/progress",
             [ctx](http::Request req) -> Awaitable {
               auto who = ctx->auth->require(req);
               auto progress = co_await learn_progress_json(*ctx->store, who.user_id);
               json::array lessons;
               for (auto& l : progress.at("lessons").as_array()) {
                 auto full = lesson_json(*find_lesson(std::string(l.at("id").as_string())), false);
                 l.as_object()["title"] = full.at("title");
                 lessons.push_back(l);
               }
               progress["lessons"] = std::move(lessons);
               co_return http::Response::json(progress);
             },
             {.summary = "Learn mode: the curriculum's lessons and which exercises the caller solved",
              .tag = "ai",
              .auth = true,
              .responses = {{200, "Progress"}, {401, "Not signed in"}}});

  router.add("GET", "/api/v1/ai/settings",
             [ctx](http::Request req) -> Awaitable {
               auto who = ctx->auth->require(req);
               auto rules = co_await ctx->store->trading_rules(who.user_id);
               co_return http::Response::json(json::object{{"trading_rules", std::move(rules)}});
             },
             {.summary = "The caller's assistant settings (trading rules Trade Buddy reminds them of)",
              .tag = "ai",
              .auth = true,
              .responses = {{200, "{trading_rules}"}, {401, "Not signed in"}}});

  router.add(
      "PUT", "/api/v1/ai/settings",
      [ctx](http::Request req) -> Awaitable {
        auto who = ctx->auth->require(req);
        auto body = req.json();
        http::JsonFields f(body, {"trading_rules"});
        const auto* v = body.as_object().if_contains("trading_rules");
        if (!v || !v->is_array() || v->as_array().size() > ctx->limits.max_rules) {
          throw errors::validation(
              fmt::format("field \"trading_rules\" must be an array of at most {} rules", ctx->limits.max_rules));
        }
        json::array rules;
        for (const auto& r : v->as_array()) {
          if (!r.is_string() || r.as_string().empty() || r.as_string().size() > 300) {
            throw errors::validation("each rule is a string of 1 to 300 bytes");
          }
          check_text(std::string(r.as_string()), "trading_rules");
          rules.push_back(r);
        }
        co_await ctx->store->set_trading_rules(who.user_id, rules);
        co_return http::Response::json(json::object{{"trading_rules", rules}});
      },
      {.summary = "Set the caller's trading rules (at most 20, 300 bytes each)",
       .tag = "ai",
       .auth = true,
       .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["trading_rules"],
         "properties":{"trading_rules":{"type":"array","maxItems":20,"items":{"type":"string","minLength":1,"maxLength":300}}}})"),
       .responses = {{200, "{trading_rules}"}, {401, "Not signed in"}, {422, "Invalid fields"}}},
      small);

  auto room_setting = [ctx](http::Request req) -> Awaitable {
    auto who = ctx->auth->require(req);
    if (!ctx->chat) throw errors::unavailable("the chat module does not run in this process");
    const auto room_id = path_id(req, "id");
    const bool moderator = co_await ctx->chat->can_moderate(who, room_id);  // 404 when not visible
    if (req.method == "PUT") {
      http::JsonFields f(req.json(), {"enabled"});
      auto enabled = f.optional_bool("enabled");
      if (!enabled) throw errors::validation("field \"enabled\" is required (true or false)");
      if (!moderator) throw errors::forbidden("only the room's owner and moderators switch @ai");
      co_await ctx->store->set_room_enabled(room_id, *enabled, who.user_id);
    }
    const bool enabled = co_await ctx->store->room_enabled(room_id);
    co_return http::Response::json(json::object{{"room_id", room_id}, {"enabled", enabled}, {"can_change", moderator}});
  };
  router.add("GET", "/api/v1/rooms/{id}/ai", room_setting,
             {.summary = "Whether @ai answers in this room",
              .tag = "ai",
              .auth = true,
              .responses = {{200, "{room_id, enabled, can_change}"}, {401, "Not signed in"}, {404, "No such room"}}});
  router.add("PUT", "/api/v1/rooms/{id}/ai", room_setting,
             {.summary = "Switch @ai on or off in a room (room owner and moderators)",
              .tag = "ai",
              .auth = true,
              .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["enabled"],
                "properties":{"enabled":{"type":"boolean"}}})"),
              .responses = {{200, "{room_id, enabled, can_change}"},
                            {401, "Not signed in"},
                            {403, "Not a moderator of the room"},
                            {404, "No such room"},
                            {422, "Invalid fields"}}},
             small);
}

}  // namespace tc::ai
