#include "modules/ai/answer_watch.h"

#include "core/ids.h"
#include "core/log.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace tc::ai {

namespace json = boost::json;

namespace {

// One question in flight: the timer wakes the asker when an instance answers.
struct PendingQuery {
  explicit PendingQuery(const boost::asio::any_io_executor& ex) : timer(ex) {}
  boost::asio::steady_timer timer;
  bool present = false;  // guarded by State::mutex
};

std::string field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<json::object> parse_object(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

// Shared with the bus handlers, which may still run (on a bus thread) while the
// watch is being destroyed.
struct AnswerWatch::State {
  infra::bus::Bus& bus;
  LocalCount local;
  Released on_released;
  std::string instance = ids::random_hex(8);
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<PendingQuery>> pending;  // nonce → query
  std::vector<std::unique_ptr<infra::bus::Subscription>> subscriptions;

  State(infra::bus::Bus& b, LocalCount l, Released r) : bus(b), local(std::move(l)), on_released(std::move(r)) {}

  void on_released_message(const std::string& payload) const {
    auto o = parse_object(payload);
    if (!o) return;
    const auto user = field(*o, "user_id");
    const auto conv = field(*o, "conversation_id");
    if (user.empty() || conv.empty() || conv.size() > 64) return;
    on_released(user, conv);
  }

  void on_query(const std::string& payload) const {
    auto o = parse_object(payload);
    if (!o) return;
    const auto from = field(*o, "instance");
    const auto conv = field(*o, "conversation_id");
    const auto nonce = field(*o, "nonce");
    // The reply subject is built from the instance id: only hex is accepted.
    if (from.empty() || from == instance || from.size() > 32 ||
        from.find_first_not_of("0123456789abcdef") != std::string::npos || conv.empty())
      return;
    if (local(conv) == 0) return;
    bus.publish(kPresentPrefix + from, json::serialize(json::object{{"nonce", nonce}}));
  }

  void on_present(const std::string& payload) {
    auto o = parse_object(payload);
    if (!o) return;
    std::shared_ptr<PendingQuery> q;
    {
      std::lock_guard lock(mutex);
      auto it = pending.find(field(*o, "nonce"));
      if (it == pending.end() || it->second->present) return;
      it->second->present = true;
      q = it->second;
    }
    boost::asio::post(q->timer.get_executor(), [q] { q->timer.cancel(); });
  }
};

AnswerWatch::AnswerWatch(infra::bus::Bus& bus, LocalCount local, Released on_released)
    : state_(std::make_shared<State>(bus, std::move(local), std::move(on_released))) {
  std::weak_ptr<State> weak = state_;
  auto with_state = [weak](auto method) {
    return [weak, method](const std::string&, const std::string& payload) {
      if (auto s = weak.lock()) {
        try {
          method(*s, payload);
        } catch (const std::exception& e) {
          log::warn("ai watch message failed", {{"error", e.what()}});
        }
      }
    };
  };
  state_->subscriptions.push_back(
      bus.subscribe(kReleased, with_state([](State& s, const std::string& p) { s.on_released_message(p); })));
  state_->subscriptions.push_back(
      bus.subscribe(kQuery, with_state([](State& s, const std::string& p) { s.on_query(p); })));
  state_->subscriptions.push_back(bus.subscribe(kPresentPrefix + state_->instance,
                                                with_state([](State& s, const std::string& p) { s.on_present(p); })));
}

AnswerWatch::~AnswerWatch() { state_->subscriptions.clear(); }

void AnswerWatch::last_local_unsubscribed(const std::string& user_id, const std::string& conversation_id) {
  try {
    state_->bus.publish(
        kReleased, json::serialize(json::object{
                       {"user_id", user_id}, {"conversation_id", conversation_id}, {"instance", state_->instance}}));
  } catch (const std::exception& e) {
    // The answer then runs to its end: wasted, not lost.
    log::warn("ai watch: could not tell the other instances", {{"error", e.what()}});
  }
}

boost::asio::awaitable<bool> AnswerWatch::watched_anywhere(std::string conversation_id,
                                                           std::chrono::milliseconds wait) {
  auto state = state_;
  if (state->local(conversation_id) > 0) co_return true;
  auto query = std::make_shared<PendingQuery>(co_await boost::asio::this_coro::executor);
  query->timer.expires_after(wait);
  const auto nonce = ids::random_hex(8);
  {
    std::lock_guard lock(state->mutex);
    state->pending[nonce] = query;
  }
  try {
    state->bus.publish(kQuery,
                       json::serialize(json::object{
                           {"conversation_id", conversation_id}, {"nonce", nonce}, {"instance", state->instance}}));
  } catch (const std::exception& e) {
    log::warn("ai watch: could not ask the other instances", {{"error", e.what()}});
    std::lock_guard lock(state->mutex);
    state->pending.erase(nonce);
    co_return true;  // unknown: keep the answer
  }
  bool present = false;
  {
    std::lock_guard lock(state->mutex);
    present = query->present;
  }
  if (!present) {
    boost::system::error_code ec;
    co_await query->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  std::lock_guard lock(state->mutex);
  state->pending.erase(nonce);
  // A subscriber may have arrived here while we waited.
  co_return query->present || state->local(conversation_id) > 0;
}

}  // namespace tc::ai
