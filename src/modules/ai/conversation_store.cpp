#include "modules/ai/conversation_store.h"

#include "core/errors.h"
#include "core/ids.h"
#include "modules/ai/modes.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>

namespace tc::ai {

namespace json = boost::json;
using infra::store::Connection;
using infra::store::Value;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_time(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

json::object conversation_json(const Conversation& c) {
  return json::object{{"id", c.id},
                      {"mode", c.mode},
                      {"title", c.title},
                      {"channel", ConversationStore::channel_of(c.id)},
                      {"answering", c.running_answer.has_value()},
                      {"created_at", iso_time(c.created_at_ms)},
                      {"updated_at", iso_time(c.updated_at_ms)}};
}

namespace {

// Ids we issue are lowercase hex; anything else cannot name a row.
void check_id(const std::string& id, const char* what) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!ok) throw errors::not_found(fmt::format("no such {}", what));
}

constexpr const char* kConversationColumns =
    "id, user_id, mode, title, epoch, last_offset, running_answer, created_at_ms, updated_at_ms";

Conversation conversation_of(const infra::store::Row& r) {
  return {r.text(0),     r.text(1),    r.text(2),   r.text(3), r.text(4), static_cast<std::uint64_t>(r.integer(5)),
          r.opt_text(6), r.integer(7), r.integer(8)};
}

std::optional<Conversation> find_conversation(Connection& c, const std::string& user_id, const std::string& id) {
  auto r =
      c.execute(std::string("SELECT ") + kConversationColumns + " FROM ai_conversations WHERE id = ?1 AND user_id = ?2",
                std::vector<Value>{id, user_id});
  if (r.rows.empty()) return std::nullopt;
  return conversation_of(r.rows.front());
}

Conversation require_conversation(Connection& c, const std::string& user_id, const std::string& id) {
  auto conv = find_conversation(c, user_id, id);
  if (!conv) throw errors::not_found("no such conversation");
  return std::move(*conv);
}

constexpr const char* kMessageColumns =
    "id, conversation_id, seq, role, content, status, mode, tool_calls, marks, citations, annotations, file_ids, "
    "provider, model, usage, created_at_ms";

json::value parse_or(const std::string& text, json::value fallback) {
  if (text.empty()) return fallback;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? fallback : v;
}

json::object message_of(const infra::store::Row& r) {
  return json::object{{"id", r.text(0)},
                      {"conversation_id", r.text(1)},
                      {"seq", r.integer(2)},
                      {"role", r.text(3)},
                      {"content", r.text(4)},
                      {"status", r.text(5)},
                      {"mode", r.text(6)},
                      {"tool_calls", parse_or(r.text(7), json::array{})},
                      {"marks", parse_or(r.text(8), json::array{})},
                      {"citations", parse_or(r.text(9), json::array{})},
                      {"annotations", parse_or(r.text(10), nullptr)},
                      {"file_ids", parse_or(r.text(11), json::array{})},
                      {"proposals", json::array{}},
                      {"provider", r.text(12)},
                      {"model", r.text(13)},
                      {"usage", parse_or(r.text(14), json::object{})},
                      {"created_at", iso_time(r.integer(15))}};
}

json::object proposal_of(const infra::store::Row& r) {
  // id, message_id, kind, arguments, status, result_id
  json::object p{{"id", r.text(0)},
                 {"kind", r.text(2)},
                 {"arguments", parse_or(r.text(3), json::object{})},
                 {"status", r.text(4) == "confirming" ? std::string("pending") : r.text(4)},
                 {"result_id", r.is_null(5) ? json::value(nullptr) : json::value(r.text(5))}};
  return p;
}

// Adds each message's proposals.
void attach_proposals(Connection& c, const std::string& conversation_id, std::vector<json::object>& messages) {
  auto r = c.execute(
      "SELECT id, message_id, kind, arguments, status, result_id FROM ai_proposals WHERE conversation_id = ?1 "
      "ORDER BY created_at_ms, id",
      std::vector<Value>{conversation_id});
  std::map<std::string, json::array> by_message;
  for (const auto& row : r.rows) by_message[row.text(1)].push_back(proposal_of(row));
  for (auto& m : messages) {
    auto it = by_message.find(std::string(m.at("id").as_string()));
    if (it != by_message.end()) m["proposals"] = it->second;
  }
}

std::optional<json::object> find_message(Connection& c, const std::string& conversation_id, const std::string& id) {
  auto r =
      c.execute(std::string("SELECT ") + kMessageColumns + " FROM ai_messages WHERE conversation_id = ?1 AND id = ?2",
                std::vector<Value>{conversation_id, id});
  if (r.rows.empty()) return std::nullopt;
  std::vector<json::object> one{message_of(r.rows.front())};
  attach_proposals(c, conversation_id, one);
  return std::move(one.front());
}

std::uint64_t parse_number_cursor(const std::optional<std::string>& cursor) {
  if (!cursor) return 0;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), v);
  if (ec != std::errc() || end != cursor->data() + cursor->size() || v == 0 || v > (1ULL << 62)) {
    throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
  }
  return v;
}

std::string escape_like(const std::string& text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return pattern + "%";
}

}  // namespace

ConversationStore::ConversationStore(infra::store::Store& store, realtime::Realtime* realtime)
    : store_(store), realtime_(realtime) {}

std::mutex& ConversationStore::lock_of(const std::string& conversation_id) {
  return locks_[std::hash<std::string>{}(conversation_id) % locks_.size()];
}

boost::asio::awaitable<json::object> ConversationStore::create(std::string user_id, std::string mode, std::string title,
                                                               std::int64_t max_per_user) {
  Conversation conv{.id = ids::random_hex(12),
                    .user_id = user_id,
                    .mode = mode,
                    .title = title,
                    .epoch = ids::random_hex(8),
                    .created_at_ms = now_ms()};
  conv.updated_at_ms = conv.created_at_ms;
  auto write = [conv, max_per_user](Connection& c) {
    auto n = c.execute("SELECT COUNT(*) FROM ai_conversations WHERE user_id = ?1", std::vector<Value>{conv.user_id});
    if (n.rows.front().integer(0) >= max_per_user) {
      throw errors::conflict(
          fmt::format("you have {} conversations, the most allowed; delete some first", max_per_user));
    }
    c.execute(
        "INSERT INTO ai_conversations (id, user_id, mode, title, epoch, last_offset, running_answer, created_at_ms, "
        "updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, 0, NULL, ?6, ?6)",
        std::vector<Value>{conv.id, conv.user_id, conv.mode, conv.title, conv.epoch, conv.created_at_ms});
  };
  co_await store_.transaction(std::move(write));
  co_return conversation_json(conv);
}

boost::asio::awaitable<json::object> ConversationStore::list(std::string user_id, Page page) {
  // Cursor "<updated_at_ms>.<id>" of the last item of the previous page.
  std::int64_t before_ms = 0;
  std::string before_id;
  if (page.cursor) {
    const auto dot = page.cursor->find('.');
    std::int64_t ms = 0;
    const char* first = page.cursor->data();
    auto [end, ec] = std::from_chars(first, first + (dot == std::string::npos ? 0 : dot), ms);
    if (dot == std::string::npos || ec != std::errc() || end != first + dot || ms < 0) {
      throw errors::validation("query parameter \"cursor\" is not a cursor from this list");
    }
    before_ms = ms;
    before_id = page.cursor->substr(dot + 1);
    check_id(before_id, "cursor");
  }
  const bool first_page = !page.cursor;
  auto read = [user_id, before_ms, before_id, first_page, limit = page.limit](Connection& c) {
    const std::string order = " ORDER BY updated_at_ms DESC, id DESC LIMIT ";
    auto r =
        first_page
            ? c.execute(std::string("SELECT ") + kConversationColumns + " FROM ai_conversations WHERE user_id = ?1" +
                            order + "?2",
                        std::vector<Value>{user_id, static_cast<std::int64_t>(limit + 1)})
            : c.execute(std::string("SELECT ") + kConversationColumns +
                            " FROM ai_conversations WHERE user_id = ?1 AND (updated_at_ms < ?2 OR (updated_at_ms = "
                            "?2 AND id < ?3))" +
                            order + "?4",
                        std::vector<Value>{user_id, before_ms, before_id, static_cast<std::int64_t>(limit + 1)});
    const bool more = r.rows.size() > limit;
    if (more) r.rows.pop_back();
    json::array items;
    std::string last;
    for (const auto& row : r.rows) {
      auto conv = conversation_of(row);
      last = fmt::format("{}.{}", conv.updated_at_ms, conv.id);
      items.push_back(conversation_json(conv));
    }
    return json::object{{"items", std::move(items)}, {"next_cursor", more ? json::value(last) : json::value(nullptr)}};
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<Conversation> ConversationStore::get(std::string user_id, std::string id) {
  check_id(id, "conversation");
  auto read = [user_id, id](Connection& c) { return require_conversation(c, user_id, id); };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<json::object> ConversationStore::update(std::string user_id, std::string id,
                                                               std::optional<std::string> title,
                                                               std::optional<std::string> mode) {
  check_id(id, "conversation");
  auto write = [user_id, id, title, mode](Connection& c) {
    auto conv = require_conversation(c, user_id, id);
    if (title) conv.title = *title;
    if (mode) conv.mode = *mode;
    conv.updated_at_ms = now_ms();
    c.execute("UPDATE ai_conversations SET title = ?2, mode = ?3, updated_at_ms = ?4 WHERE id = ?1",
              std::vector<Value>{conv.id, conv.title, conv.mode, conv.updated_at_ms});
    return conversation_json(conv);
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<void> ConversationStore::remove(std::string user_id, std::string id) {
  check_id(id, "conversation");
  auto write = [user_id, id](Connection& c) {
    auto conv = require_conversation(c, user_id, id);
    if (conv.running_answer) throw errors::conflict("an answer is being written; cancel it first");
    c.execute("DELETE FROM ai_proposals WHERE conversation_id = ?1", std::vector<Value>{id});
    c.execute("DELETE FROM ai_messages WHERE conversation_id = ?1", std::vector<Value>{id});
    c.execute("DELETE FROM ai_stream WHERE conversation_id = ?1", std::vector<Value>{id});
    c.execute("DELETE FROM ai_conversations WHERE id = ?1", std::vector<Value>{id});
  };
  co_await store_.transaction(std::move(write));
  if (realtime_) realtime_->unsubscribe_user(channel_of(id), user_id);
}

boost::asio::awaitable<StartedAnswer> ConversationStore::start_answer(std::string user_id, std::string conversation_id,
                                                                      std::string content,
                                                                      std::vector<std::string> file_ids,
                                                                      std::size_t max_messages) {
  check_id(conversation_id, "conversation");
  for (const auto& f : file_ids) check_id(f, "file");
  auto write = [user_id, conversation_id, content, file_ids, max_messages](Connection& c) {
    StartedAnswer out;
    out.conversation = require_conversation(c, user_id, conversation_id);
    auto& conv = out.conversation;
    if (conv.running_answer) throw errors::conflict("an answer is already being written in this conversation");
    json::array files;
    for (const auto& f : file_ids) {
      auto r = c.execute("SELECT 1 FROM ai_files WHERE id = ?1 AND user_id = ?2", std::vector<Value>{f, user_id});
      if (r.rows.empty()) throw errors::not_found("no such file");
      files.push_back(json::value(f));
    }
    auto top = c.execute("SELECT COALESCE(MAX(seq), 0) FROM ai_messages WHERE conversation_id = ?1",
                         std::vector<Value>{conversation_id});
    const std::int64_t seq = top.rows.front().integer(0);
    if (static_cast<std::size_t>(seq) + 2 > max_messages) {
      throw errors::conflict(fmt::format("a conversation holds at most {} messages; start a new one", max_messages));
    }
    const auto now = now_ms();
    const std::string user_msg = ids::random_hex(12);
    out.answer_id = ids::random_hex(12);
    const std::string files_text = json::serialize(files);
    const std::string empty_usage = R"({"input_tokens":0,"output_tokens":0,"cost_usd":0})";
    const std::string insert =
        "INSERT INTO ai_messages (id, conversation_id, seq, role, content, status, mode, tool_calls, marks, citations, "
        "annotations, file_ids, provider, model, usage, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '[]', '[]', "
        "'[]', 'null', ?8, '', '', ?9, ?10)";
    c.execute(insert, std::vector<Value>{user_msg, conversation_id, seq + 1, std::string("user"), content,
                                         std::string("complete"), conv.mode, files_text, empty_usage, now});
    c.execute(insert,
              std::vector<Value>{out.answer_id, conversation_id, seq + 2, std::string("assistant"), std::string(),
                                 std::string("streaming"), conv.mode, std::string("[]"), empty_usage, now});
    c.execute("UPDATE ai_conversations SET running_answer = ?2, updated_at_ms = ?3 WHERE id = ?1",
              std::vector<Value>{conversation_id, out.answer_id, now});
    conv.running_answer = out.answer_id;
    conv.updated_at_ms = now;
    out.user_message = *find_message(c, conversation_id, user_msg);
    return out;
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<json::object> ConversationStore::finish_answer(std::string conversation_id,
                                                                      std::string answer_id, std::string user_id,
                                                                      FinishedAnswer a) {
  auto write = [conversation_id, answer_id, user_id, a = std::move(a)](Connection& c) {
    const auto now = now_ms();
    c.execute(
        "UPDATE ai_messages SET content = ?3, status = ?4, tool_calls = ?5, marks = ?6, citations = ?7, "
        "annotations = ?8, provider = ?9, model = ?10, usage = ?11 WHERE conversation_id = ?1 AND id = ?2",
        std::vector<Value>{conversation_id, answer_id, a.content, a.status, json::serialize(a.tool_calls),
                           json::serialize(a.marks), json::serialize(a.citations), json::serialize(a.annotations),
                           a.provider, a.model, json::serialize(a.usage)});
    for (const auto& p : a.proposals) {
      c.execute(
          "INSERT INTO ai_proposals (id, user_id, conversation_id, message_id, kind, arguments, status, result_id, "
          "created_at_ms, decided_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', NULL, ?7, NULL)",
          std::vector<Value>{ids::random_hex(12), user_id, conversation_id, answer_id,
                             std::string(p.at("kind").as_string()), json::serialize(p.at("arguments")), now});
    }
    c.execute("UPDATE ai_conversations SET running_answer = NULL, updated_at_ms = ?2 WHERE id = ?1",
              std::vector<Value>{conversation_id, now});
    return *find_message(c, conversation_id, answer_id);
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<json::object> ConversationStore::messages(std::string user_id, std::string conversation_id,
                                                                 Page page) {
  check_id(conversation_id, "conversation");
  const std::uint64_t before = parse_number_cursor(page.cursor);
  auto read = [user_id, conversation_id, before, limit = page.limit](Connection& c) {
    require_conversation(c, user_id, conversation_id);
    auto r = c.execute(std::string("SELECT ") + kMessageColumns +
                           " FROM ai_messages WHERE conversation_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
                       std::vector<Value>{conversation_id, before ? static_cast<std::int64_t>(before) : INT64_MAX,
                                          static_cast<std::int64_t>(limit + 1)});
    const bool more = r.rows.size() > limit;
    if (more) r.rows.pop_back();
    std::reverse(r.rows.begin(), r.rows.end());
    std::vector<json::object> items;
    items.reserve(items.size() + r.rows.size());
    for (const auto& row : r.rows) items.push_back(message_of(row));
    attach_proposals(c, conversation_id, items);
    json::value next = nullptr;
    if (more && !items.empty()) next = json::value(std::to_string(items.front().at("seq").as_int64()));
    json::array arr;
    for (auto& m : items) arr.push_back(std::move(m));
    return json::object{{"items", std::move(arr)}, {"next_cursor", next}};
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<std::vector<json::object>> ConversationStore::all_messages(std::string user_id,
                                                                                  std::string conversation_id) {
  check_id(conversation_id, "conversation");
  auto read = [user_id, conversation_id](Connection& c) {
    require_conversation(c, user_id, conversation_id);
    auto r = c.execute(std::string("SELECT ") + kMessageColumns +
                           " FROM ai_messages WHERE conversation_id = ?1 ORDER BY seq LIMIT 10000",
                       std::vector<Value>{conversation_id});
    std::vector<json::object> items;
    items.reserve(items.size() + r.rows.size());
    for (const auto& row : r.rows) items.push_back(message_of(row));
    attach_proposals(c, conversation_id, items);
    return items;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<std::vector<Turn>> ConversationStore::recent_turns(std::string conversation_id, std::size_t n) {
  auto read = [conversation_id, n](Connection& c) {
    auto r = c.execute(
        "SELECT role, content FROM ai_messages WHERE conversation_id = ?1 AND status = 'complete' ORDER BY seq DESC "
        "LIMIT ?2",
        std::vector<Value>{conversation_id, static_cast<std::int64_t>(n)});
    std::vector<Turn> out;
    out.reserve(out.size() + r.rows.size());
    for (const auto& row : r.rows) out.push_back({row.text(0), row.text(1)});
    std::reverse(out.begin(), out.end());
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

void ConversationStore::fail_abandoned_answers() {
  auto work = [](Connection& c) {
    c.execute("UPDATE ai_messages SET status = 'failed' WHERE status = 'streaming'", std::vector<Value>{});
    c.execute("UPDATE ai_conversations SET running_answer = NULL WHERE running_answer IS NOT NULL",
              std::vector<Value>{});
  };
  store_.run_transaction(work);
}

boost::asio::awaitable<void> ConversationStore::append_stream(std::string conversation_id,
                                                              std::vector<json::object> events) {
  if (events.empty()) co_return;
  auto write = [this, conversation_id, events = std::move(events)](Connection& c) {
    std::lock_guard order(lock_of(conversation_id));
    std::vector<std::pair<std::uint64_t, const json::object*>> published;
    c.begin();
    try {
      auto top =
          c.execute("UPDATE ai_conversations SET last_offset = last_offset + ?2 WHERE id = ?1 RETURNING last_offset",
                    std::vector<Value>{conversation_id, static_cast<std::int64_t>(events.size())});
      if (top.rows.empty()) throw errors::not_found("no such conversation");
      const auto last = static_cast<std::uint64_t>(top.rows.front().integer(0));
      auto offset = last - events.size();
      const auto now = now_ms();
      for (const auto& e : events) {
        ++offset;
        c.execute("INSERT INTO ai_stream (conversation_id, stream_offset, data, time_ms) VALUES (?1, ?2, ?3, ?4)",
                  std::vector<Value>{conversation_id, static_cast<std::int64_t>(offset), json::serialize(e), now});
        published.emplace_back(offset, &e);
      }
      c.commit();
    } catch (...) {
      c.rollback();
      throw;
    }
    if (realtime_) {
      for (const auto& [offset, e] : published) {
        realtime_->publish_at(channel_of(conversation_id), offset, *e, json::object{});
      }
    }
  };
  co_await store_.with_connection(std::move(write));
}

void ConversationStore::publish_live(const std::string& conversation_id, const json::object& event) {
  if (realtime_) realtime_->broadcast(channel_of(conversation_id), event, false);
}

boost::asio::awaitable<realtime::StreamPosition> ConversationStore::stream_position(std::string user_id,
                                                                                    std::string conversation_id) {
  auto conv = co_await get(std::move(user_id), std::move(conversation_id));
  co_return realtime::StreamPosition{conv.epoch, conv.last_offset};
}

boost::asio::awaitable<std::vector<realtime::StoredPublication>> ConversationStore::read_stream(
    std::string conversation_id, realtime::StreamQuery q) {
  auto read = [conversation_id, q](Connection& c) {
    const auto limit = static_cast<std::int64_t>(q.limit);
    infra::store::Result r;
    const std::string cols = "SELECT stream_offset, data, time_ms FROM ai_stream WHERE conversation_id = ?1";
    if (!q.reverse) {
      r = c.execute(cols + " AND stream_offset > ?2 ORDER BY stream_offset LIMIT ?3",
                    std::vector<Value>{conversation_id, static_cast<std::int64_t>(q.since.value_or(0)), limit});
    } else {
      r = c.execute(
          cols + " AND stream_offset < ?2 ORDER BY stream_offset DESC LIMIT ?3",
          std::vector<Value>{conversation_id, q.since ? static_cast<std::int64_t>(*q.since) : INT64_MAX, limit});
    }
    std::vector<realtime::StoredPublication> out;
    out.reserve(r.rows.size());
    for (const auto& row : r.rows) {
      out.push_back({static_cast<std::uint64_t>(row.integer(0)), row.text(1), std::string(), row.integer(2)});
    }
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<json::object> ConversationStore::claim_proposal(std::string user_id, std::string proposal_id) {
  check_id(proposal_id, "proposal");
  auto write = [user_id, proposal_id](Connection& c) {
    auto r = c.execute(
        "SELECT id, message_id, kind, arguments, status, result_id FROM ai_proposals WHERE id = ?1 AND user_id = ?2",
        std::vector<Value>{proposal_id, user_id});
    if (r.rows.empty()) throw errors::not_found("no such proposal");
    if (r.rows.front().text(4) != "pending") {
      throw errors::conflict("the proposal was already " + r.rows.front().text(4));
    }
    c.execute("UPDATE ai_proposals SET status = 'confirming' WHERE id = ?1 AND status = 'pending'",
              std::vector<Value>{proposal_id});
    return proposal_of(r.rows.front());
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<void> ConversationStore::settle_proposal(std::string proposal_id, std::string status,
                                                                std::optional<std::string> result_id) {
  auto write = [proposal_id, status, result_id](Connection& c) {
    c.execute("UPDATE ai_proposals SET status = ?2, result_id = ?3, decided_at_ms = ?4 WHERE id = ?1",
              std::vector<Value>{proposal_id, status, result_id ? Value(*result_id) : Value(nullptr),
                                 status == "pending" ? Value(nullptr) : Value(now_ms())});
  };
  co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<json::object> ConversationStore::decline_proposal(std::string user_id, std::string proposal_id) {
  check_id(proposal_id, "proposal");
  auto write = [user_id, proposal_id](Connection& c) {
    auto r = c.execute(
        "SELECT id, message_id, kind, arguments, status, result_id FROM ai_proposals WHERE id = ?1 AND user_id = ?2",
        std::vector<Value>{proposal_id, user_id});
    if (r.rows.empty()) throw errors::not_found("no such proposal");
    if (r.rows.front().text(4) != "pending") {
      throw errors::conflict("the proposal was already " + r.rows.front().text(4));
    }
    c.execute("UPDATE ai_proposals SET status = 'declined', decided_at_ms = ?2 WHERE id = ?1",
              std::vector<Value>{proposal_id, now_ms()});
    auto p = proposal_of(r.rows.front());
    p["status"] = "declined";
    return p;
  };
  co_return co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<json::object> ConversationStore::add_file(StoredFile f, std::int64_t max_files_per_user) {
  f.id = ids::random_hex(12);
  auto write = [f, max_files_per_user](Connection& c) {
    auto n = c.execute("SELECT COUNT(*) FROM ai_files WHERE user_id = ?1", std::vector<Value>{f.user_id});
    if (n.rows.front().integer(0) >= max_files_per_user) {
      throw errors::conflict(fmt::format("you have {} uploaded files, the most allowed", max_files_per_user));
    }
    c.execute(
        "INSERT INTO ai_files (id, user_id, filename, content_type, size, bytes, created_at_ms) VALUES (?1, ?2, ?3, "
        "?4, ?5, ?6, ?7)",
        std::vector<Value>{f.id, f.user_id, f.filename, f.content_type, f.size, infra::store::Blob{f.bytes}, now_ms()});
  };
  co_await store_.transaction(std::move(write));
  co_return json::object{{"id", f.id}, {"filename", f.filename}, {"content_type", f.content_type}, {"size", f.size}};
}

boost::asio::awaitable<StoredFile> ConversationStore::file(std::string user_id, std::string file_id) {
  check_id(file_id, "file");
  auto read = [user_id, file_id](Connection& c) {
    auto r = c.execute(
        "SELECT id, user_id, filename, content_type, size, bytes FROM ai_files WHERE id = ?1 AND user_id = ?2",
        std::vector<Value>{file_id, user_id});
    if (r.rows.empty()) throw errors::not_found("no such file");
    const auto& row = r.rows.front();
    return StoredFile{row.text(0), row.text(1), row.text(2), row.text(3), row.integer(4), row.blob(5)};
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<void> ConversationStore::record_exercise(std::string user_id, std::string lesson_id,
                                                                std::string exercise_id, bool correct) {
  auto write = [user_id, lesson_id, exercise_id, correct](Connection& c) {
    auto r = c.execute(
        "SELECT correct, attempts FROM ai_learn_progress WHERE user_id = ?1 AND lesson_id = ?2 AND exercise_id = ?3",
        std::vector<Value>{user_id, lesson_id, exercise_id});
    const std::int64_t now = now_ms();
    if (r.rows.empty()) {
      c.execute(
          "INSERT INTO ai_learn_progress (user_id, lesson_id, exercise_id, correct, attempts, answered_at_ms) VALUES "
          "(?1, ?2, ?3, ?4, 1, ?5)",
          std::vector<Value>{user_id, lesson_id, exercise_id, static_cast<std::int64_t>(correct ? 1 : 0), now});
    } else {
      // Once solved stays solved.
      const std::int64_t solved = (r.rows.front().integer(0) != 0 || correct) ? 1 : 0;
      c.execute(
          "UPDATE ai_learn_progress SET correct = ?4, attempts = attempts + 1, answered_at_ms = ?5 WHERE user_id = ?1 "
          "AND lesson_id = ?2 AND exercise_id = ?3",
          std::vector<Value>{user_id, lesson_id, exercise_id, solved, now});
    }
  };
  co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<std::vector<std::tuple<std::string, std::string, bool, std::int64_t>>>
ConversationStore::learn_progress(std::string user_id) {
  auto read = [user_id](Connection& c) {
    auto r = c.execute(
        "SELECT lesson_id, exercise_id, correct, attempts FROM ai_learn_progress WHERE user_id = ?1 ORDER BY "
        "lesson_id, "
        "exercise_id",
        std::vector<Value>{user_id});
    std::vector<std::tuple<std::string, std::string, bool, std::int64_t>> out;
    out.reserve(out.size() + r.rows.size());
    for (const auto& row : r.rows) out.emplace_back(row.text(0), row.text(1), row.integer(2) != 0, row.integer(3));
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<json::array> ConversationStore::trading_rules(std::string user_id) {
  auto read = [user_id](Connection& c) {
    auto r = c.execute("SELECT trading_rules FROM ai_user_settings WHERE user_id = ?1", std::vector<Value>{user_id});
    if (r.rows.empty()) return json::array{};
    auto v = parse_or(r.rows.front().text(0), json::array{});
    return v.is_array() ? v.as_array() : json::array{};
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<void> ConversationStore::set_trading_rules(std::string user_id, json::array rules) {
  auto write = [user_id, text = json::serialize(rules)](Connection& c) {
    c.execute(
        "INSERT INTO ai_user_settings (user_id, trading_rules, updated_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT "
        "(user_id) DO UPDATE SET trading_rules = excluded.trading_rules, updated_at_ms = excluded.updated_at_ms",
        std::vector<Value>{user_id, text, now_ms()});
  };
  co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<bool> ConversationStore::room_enabled(std::string room_id) {
  auto read = [room_id](Connection& c) {
    auto r = c.execute("SELECT enabled FROM ai_room_settings WHERE room_id = ?1", std::vector<Value>{room_id});
    return !r.rows.empty() && r.rows.front().integer(0) != 0;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<void> ConversationStore::set_room_enabled(std::string room_id, bool enabled, std::string by) {
  auto write = [room_id, enabled, by](Connection& c) {
    c.execute(
        "INSERT INTO ai_room_settings (room_id, enabled, updated_by, updated_at_ms) VALUES (?1, ?2, ?3, ?4) ON "
        "CONFLICT (room_id) DO UPDATE SET enabled = excluded.enabled, updated_by = excluded.updated_by, "
        "updated_at_ms = excluded.updated_at_ms",
        std::vector<Value>{room_id, static_cast<std::int64_t>(enabled ? 1 : 0), by, now_ms()});
  };
  co_await store_.transaction(std::move(write));
}

boost::asio::awaitable<std::vector<std::int64_t>> ConversationStore::own_message_times(std::string user_id,
                                                                                       std::int64_t since_ms) {
  auto read = [user_id, since_ms](Connection& c) {
    auto r = c.execute(
        "SELECT m.created_at_ms FROM ai_messages m JOIN ai_conversations v ON v.id = m.conversation_id WHERE "
        "v.user_id = ?1 AND m.role = 'user' AND m.created_at_ms >= ?2 ORDER BY m.created_at_ms LIMIT 5000",
        std::vector<Value>{user_id, since_ms});
    std::vector<std::int64_t> out;
    out.reserve(out.size() + r.rows.size());
    for (const auto& row : r.rows) out.push_back(row.integer(0));
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

boost::asio::awaitable<json::array> ConversationStore::search(std::string user_id, std::string text,
                                                              std::size_t limit) {
  auto read = [user_id, pattern = escape_like(text), limit](Connection& c) {
    auto r = c.execute(
        "SELECT v.id, v.title, m.id, m.role, m.content, m.created_at_ms FROM ai_messages m JOIN ai_conversations v ON "
        "v.id = m.conversation_id WHERE v.user_id = ?1 AND m.status = 'complete' AND (LOWER(m.content) LIKE ?2 ESCAPE "
        "'\\' OR LOWER(v.title) LIKE ?2 ESCAPE '\\') ORDER BY m.created_at_ms DESC LIMIT ?3",
        std::vector<Value>{user_id, pattern, static_cast<std::int64_t>(limit)});
    json::array out;
    for (const auto& row : r.rows) {
      out.push_back(json::object{{"kind", "conversation"},
                                 {"conversation_id", row.text(0)},
                                 {"title", row.text(1)},
                                 {"message_id", row.text(2)},
                                 {"role", row.text(3)},
                                 {"text", row.text(4).substr(0, 300)},
                                 {"created_at", iso_time(row.integer(5))}});
    }
    return out;
  };
  co_return co_await store_.with_connection(std::move(read));
}

}  // namespace tc::ai
