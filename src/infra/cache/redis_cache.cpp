// The Redis backend (hiredis): a small pool of connections, re-opened after any
// failure, every argument binary-safe through redisCommandArgv.
#include "core/errors.h"
#include "infra/cache/cache.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace tc::infra::cache {
namespace {

// The token bucket runs inside Redis, so concurrent instances share one bucket.
// Time comes from the Redis server (TIME), not from the callers' clocks.
constexpr const char* kTokenBucket = R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local per_ms = limit / window
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or limit
local at = tonumber(state[2]) or now
tokens = math.min(limit, tokens + (now - at) * per_ms)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], window * 2)
return {allowed, retry}
)lua";

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};

RedisUrl parse(const std::string& url) {
  RedisUrl u;
  std::string rest = url.substr(url.find("://") + 3);
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    auto userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    u.password = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (slash + 1 < rest.size()) u.db = std::stoi(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    u.port = std::stoi(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) u.host = rest;
  return u;
}

class RedisCache final : public CacheBackend {
 public:
  RedisCache(std::string url, std::size_t pool_size, metrics::Registry& metrics)
      : url_(std::move(url)),
        where_(parse(url_)),
        pool_size_(pool_size),
        errors_(metrics.counter("tradechat_cache_errors_total", "Cache operations that failed", {{"engine", "redis"}})),
        ops_(metrics.counter("tradechat_cache_operations_total", "Cache operations", {{"engine", "redis"}})) {}

  std::optional<std::string> get(const std::string& key) override {
    auto r = command({"GET", key});
    if (r->type == REDIS_REPLY_NIL) return std::nullopt;
    return std::string(r->str, r->len);
  }
  void set(const std::string& key, const std::string& value, Millis ttl) override {
    if (ttl.count() > 0)
      command({"SET", key, value, "PX", std::to_string(ttl.count())});
    else
      command({"SET", key, value});
  }
  bool del(const std::string& key) override { return command({"DEL", key})->integer > 0; }
  std::int64_t incr(const std::string& key, std::int64_t by, Millis ttl) override {
    // INCRBY and the first PEXPIRE in one round trip, atomically.
    static constexpr const char* script =
        "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
        "if v == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
        "return v";
    return command({"EVAL", script, "1", key, std::to_string(by), std::to_string(ttl.count())})->integer;
  }
  void sadd(const std::string& key, const std::string& member) override { command({"SADD", key, member}); }
  void srem(const std::string& key, const std::string& member) override { command({"SREM", key, member}); }
  std::vector<std::string> smembers(const std::string& key) override {
    auto r = command({"SMEMBERS", key});
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
    std::sort(out.begin(), out.end());
    return out;
  }
  void zadd(const std::string& key, const std::string& member, double score) override {
    command({"ZADD", key, fmt::format("{}", score), member});
  }
  void zrem(const std::string& key, const std::string& member) override { command({"ZREM", key, member}); }
  std::vector<std::pair<std::string, double>> zrange_by_score(const std::string& key, double min, double max) override {
    auto r = command({"ZRANGEBYSCORE", key, fmt::format("{}", min), fmt::format("{}", max), "WITHSCORES"});
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      out.emplace_back(std::string(r->element[i]->str, r->element[i]->len), std::stod(r->element[i + 1]->str));
    }
    return out;
  }
  std::int64_t zremrange_by_score(const std::string& key, double min, double max) override {
    return command({"ZREMRANGEBYSCORE", key, fmt::format("{}", min), fmt::format("{}", max)})->integer;
  }
  RateDecision rate_limit(const std::string& key, std::int64_t limit, Millis window) override {
    auto r = command({"EVAL", kTokenBucket, "1", key, std::to_string(limit), std::to_string(window.count())});
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) throw errors::internal("cache: unexpected rate-limit reply");
    return {r->element[0]->integer == 1, Millis(r->element[1]->integer)};
  }
  void ping() override { command({"PING"}); }
  std::string describe() const override { return "redis:" + Config::mask_url(url_); }

 private:
  Context connect() {
    timeval tv{2, 0};
    Context c(redisConnectWithTimeout(where_.host.c_str(), where_.port, tv));
    if (!c || c->err) {
      throw errors::unavailable(fmt::format("cache: cannot connect to Redis at {}:{}: {}", where_.host, where_.port,
                                            c ? c->errstr : "out of memory"));
    }
    redisSetTimeout(c.get(), tv);
    if (!where_.password.empty()) run(c.get(), {"AUTH", where_.password});
    if (where_.db != 0) run(c.get(), {"SELECT", std::to_string(where_.db)});
    return c;
  }

  static Reply run(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    Reply r(static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
    if (!r) throw errors::unavailable(std::string("cache: Redis connection failed: ") + c->errstr);
    if (r->type == REDIS_REPLY_ERROR) {
      std::string msg(r->str, r->len);
      if (msg.starts_with("WRONGTYPE")) throw errors::conflict("cache: " + args.at(1) + " holds another type");
      throw errors::internal("cache: Redis refused " + args.front() + ": " + msg);
    }
    return r;
  }

  Reply command(const std::vector<std::string>& args) {
    ops_.inc();
    Context c = borrow();
    try {
      Reply r = run(c.get(), args);
      give_back(std::move(c));
      return r;
    } catch (const Error& e) {
      errors_.inc();
      // A broken connection is dropped; a refused command leaves it usable.
      if (e.status() != 503 && !c->err)
        give_back(std::move(c));
      else
        release_slot();
      throw;
    }
  }

  Context borrow() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < pool_size_; });
    if (!idle_.empty()) {
      Context c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    try {
      return connect();
    } catch (...) {
      release_slot();
      throw;
    }
  }
  void give_back(Context c) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
    freed_.notify_one();
  }
  void release_slot() {
    std::lock_guard lock(mutex_);
    --open_;
    freed_.notify_one();
  }

  std::string url_;
  RedisUrl where_;
  std::size_t pool_size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Context> idle_;
  std::size_t open_ = 0;
  metrics::Counter& errors_;
  metrics::Counter& ops_;
};

}  // namespace

std::unique_ptr<CacheBackend> open_redis(const std::string& url, std::size_t pool_size, metrics::Registry& metrics) {
  auto cache = std::make_unique<RedisCache>(url, pool_size, metrics);
  cache->ping();  // fail at start-up, not at first use
  return cache;
}

}  // namespace tc::infra::cache
