#include "modules/ai/room_ai.h"

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "modules/ai/ai.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>

#include <cctype>

namespace tc::ai {

namespace json = boost::json;
using namespace boost::asio::experimental::awaitable_operators;

namespace {
constexpr std::size_t kMaxReplyBytes = 3900;  // chat's limit is 4000
constexpr std::size_t kContextMessages = 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The question without the @ai mention (and the mode word).
std::string question_of(std::string_view text) {
  std::string out;
  auto low = lower(text);
  std::size_t i = 0;
  while (i < text.size()) {
    if (low.compare(i, 3, "@ai") == 0 &&
        (i + 3 >= text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 3])))) {
      i += 3;
      continue;
    }
    out += text[i++];
  }
  out.erase(0, out.find_first_not_of(" ,:"));
  return out;
}
}  // namespace

RoomAi::RoomAi(std::shared_ptr<Assistant> assistant, chat::RoomAssist& chat, realtime::Realtime* realtime)
    : assistant_(std::move(assistant)), chat_(chat), realtime_(realtime) {}

RoomAi::~RoomAi() { stop(); }

bool RoomAi::mentions_ai(std::string_view text) {
  const auto low = lower(text);
  for (auto pos = low.find("@ai"); pos != std::string::npos; pos = low.find("@ai", pos + 1)) {
    const bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(low[pos - 1]));
    const auto end = pos + 3;
    const bool right = end >= low.size() || !(std::isalnum(static_cast<unsigned char>(low[end])) || low[end] == '_');
    if (left && right) return true;
  }
  return false;
}

const Mode* RoomAi::mode_for(std::string_view text) {
  const auto q = lower(question_of(text));
  const auto first = q.substr(0, q.find(' '));
  if (first.starts_with("analy") || first == "report") return find_mode("stock_analysis");
  if (first == "search" || first == "find") return find_mode("search");
  if (first == "think" || first == "explain") return find_mode("deep_thinking");
  if (first == "learn" || first == "teach") return find_mode("learn");
  return find_mode("fast");
}

void RoomAi::start() {
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  chat_.add_message_observer([this](const auth::Principal& author, const json::object& message) {
    if (stopping_ || author.user_id == kBotUserId) return;
    const auto* text = message.if_contains("text");
    if (!text || !text->is_string() || !mentions_ai(text->as_string())) return;
    boost::asio::co_spawn(io_, answer(this, author, message), [](const std::exception_ptr& e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::warn("@ai answer failed", {{"error", ex.what()}});
      }
    });
  });
}

void RoomAi::stop() noexcept {
  if (stopping_.exchange(true)) return;
  assistant_->cancel_all();
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

boost::asio::awaitable<void> RoomAi::answer(RoomAi* self, auth::Principal who, json::object message) {
  const std::string room_id(message.at("room_id").as_string());
  const std::string message_id(message.at("id").as_string());
  if (!co_await self->assistant_->store().room_enabled(room_id)) co_return;
  const std::string key = "room:" + message_id;
  std::shared_ptr<Running> run;
  try {
    run = self->assistant_->reserve(who.user_id, key, self->io_.get_executor());
  } catch (const Error&) {
    co_return;  // the user already has answers running: the mention is not answered
  }
  Job job;
  job.who = who;
  job.mode = mode_for(message.at("text").as_string());
  job.question = question_of(message.at("text").as_string());
  job.in_room = true;
  try {
    // Read as the asking user: chat refuses what they may not read.
    auto recent = co_await self->chat_.recent_messages(who, room_id, kContextMessages);
    std::string context;
    for (const auto& m : recent) {
      const auto& o = m.as_object();
      if (o.at("id").as_string() == message_id) continue;
      context += std::string(o.at("author").as_string()) + ": " + std::string(o.at("text").as_string()) + "\n";
    }
    if (!context.empty()) job.context.push_back(context);
  } catch (const Error&) {
    self->assistant_->release(key);
    co_return;
  }
  const std::string draft = ids::random_hex(12);
  auto* realtime = self->realtime_;
  AnswerStream stream(
      run->strand, draft,
      [realtime, room_id, message_id](std::vector<json::object> events) -> boost::asio::awaitable<void> {
        if (!realtime) co_return;
        for (const auto& e : events) {
          if (e.at("type").as_string() != "token") continue;
          realtime->broadcast("room:" + room_id,
                              json::object{{"type", "ai_token"},
                                           {"message_id", e.at("message_id")},
                                           {"reply_to", message_id},
                                           {"text", e.at("text")},
                                           {"at", e.at("at")}},
                              false);
        }
      });
  Produced produced;
  std::string failure;
  auto work = [&]() -> boost::asio::awaitable<void> {
    try {
      produced = co_await self->assistant_->produce(job, run, &stream);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    stream.close();
  };
  co_await boost::asio::co_spawn(run->strand, work() && stream.flusher(), boost::asio::use_awaitable);
  std::string text = failure.empty() ? produced.text : "I could not answer that: the assistant failed.";
  if (text.empty()) text = "(no answer)";
  if (text.size() > kMaxReplyBytes) {
    text.resize(kMaxReplyBytes);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
    text += "…";
  }
  try {
    co_await self->chat_.post_as_bot(kBotUserId, room_id, text, message_id);
  } catch (const std::exception& e) {
    log::warn("@ai reply could not be posted", {{"room_id", room_id}, {"error", e.what()}});
  }
  self->assistant_->release(key);
}

}  // namespace tc::ai
