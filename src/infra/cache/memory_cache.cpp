// The in-process backend: one mutex, lazy expiry, and a bound on the number of
// keys (the oldest-expiring keys go first when it is reached).
#include "core/errors.h"
#include "infra/cache/cache.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <variant>

namespace tc::infra::cache {
namespace {

using Clock = std::chrono::steady_clock;

struct Bucket {
  double tokens;
  Clock::time_point at;
};

struct Entry {
  std::variant<std::string, std::int64_t, std::set<std::string>, std::map<std::string, double>, Bucket> value;
  std::optional<Clock::time_point> expires;
};

class MemoryCache final : public CacheBackend {
 public:
  explicit MemoryCache(std::size_t max_keys) : max_keys_(max_keys) {}

  std::optional<std::string> get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto* e = find(key);
    if (!e) return std::nullopt;
    if (auto* s = std::get_if<std::string>(&e->value)) return *s;
    if (auto* n = std::get_if<std::int64_t>(&e->value)) return std::to_string(*n);
    throw errors::conflict("cache: " + key + " does not hold a string");
  }
  void set(const std::string& key, const std::string& value, Millis ttl) override {
    std::lock_guard lock(mutex_);
    put(key, Entry{value, expiry(ttl)});
  }
  bool del(const std::string& key) override {
    std::lock_guard lock(mutex_);
    return entries_.erase(key) > 0;
  }
  std::int64_t incr(const std::string& key, std::int64_t by, Millis ttl) override {
    std::lock_guard lock(mutex_);
    auto* e = find(key);
    if (!e) {
      put(key, Entry{by, expiry(ttl)});
      return by;
    }
    auto* n = std::get_if<std::int64_t>(&e->value);
    if (!n) throw errors::conflict("cache: " + key + " does not hold a counter");
    return *n += by;
  }
  void sadd(const std::string& key, const std::string& member) override {
    std::lock_guard lock(mutex_);
    as<std::set<std::string>>(key).insert(member);
  }
  void srem(const std::string& key, const std::string& member) override {
    std::lock_guard lock(mutex_);
    as<std::set<std::string>>(key).erase(member);
  }
  std::vector<std::string> smembers(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto& s = as<std::set<std::string>>(key);
    return {s.begin(), s.end()};
  }
  void zadd(const std::string& key, const std::string& member, double score) override {
    std::lock_guard lock(mutex_);
    as<std::map<std::string, double>>(key)[member] = score;
  }
  void zrem(const std::string& key, const std::string& member) override {
    std::lock_guard lock(mutex_);
    as<std::map<std::string, double>>(key).erase(member);
  }
  std::vector<std::pair<std::string, double>> zrange_by_score(const std::string& key, double min, double max) override {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [m, s] : as<std::map<std::string, double>>(key)) {
      if (s >= min && s <= max) out.emplace_back(m, s);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
    return out;
  }
  std::int64_t zremrange_by_score(const std::string& key, double min, double max) override {
    std::lock_guard lock(mutex_);
    auto& z = as<std::map<std::string, double>>(key);
    return static_cast<std::int64_t>(
        std::erase_if(z, [&](const auto& kv) { return kv.second >= min && kv.second <= max; }));
  }
  RateDecision rate_limit(const std::string& key, std::int64_t limit, Millis window) override {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    const double per_ms = static_cast<double>(limit) / static_cast<double>(std::max<std::int64_t>(window.count(), 1));
    auto* e = find(key);
    if (!e || !std::holds_alternative<Bucket>(e->value)) {
      put(key, Entry{Bucket{static_cast<double>(limit), now}, now + window * 2});
      e = find(key);
    }
    auto& b = std::get<Bucket>(e->value);
    double elapsed = std::chrono::duration<double, std::milli>(now - b.at).count();
    b.tokens = std::min(static_cast<double>(limit), b.tokens + elapsed * per_ms);
    b.at = now;
    e->expires = now + window * 2;
    if (b.tokens >= 1.0) {
      b.tokens -= 1.0;
      return {true, Millis(0)};
    }
    return {false, Millis(static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / per_ms)))};
  }
  void ping() override {}
  std::string describe() const override { return "in-process"; }

 private:
  static std::optional<Clock::time_point> expiry(Millis ttl) {
    if (ttl.count() <= 0) return std::nullopt;
    return Clock::now() + ttl;
  }
  Entry* find(const std::string& key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second.expires && *it->second.expires <= Clock::now()) {
      entries_.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  template <class T>
  T& as(const std::string& key) {
    auto* e = find(key);
    if (!e) {
      put(key, Entry{T{}, std::nullopt});
      e = find(key);
    }
    auto* v = std::get_if<T>(&e->value);
    if (!v) throw errors::conflict("cache: " + key + " holds another type");
    return *v;
  }
  void put(const std::string& key, Entry e) {
    if (entries_.size() >= max_keys_ && !entries_.count(key)) evict();
    entries_[key] = std::move(e);
  }
  // Expired keys first, then the one closest to expiry, then any.
  void evict() {
    const auto now = Clock::now();
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.expires && *kv.second.expires <= now; });
    if (entries_.size() < max_keys_) return;
    auto victim = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.expires && (!victim->second.expires || *it->second.expires < *victim->second.expires)) victim = it;
    }
    entries_.erase(victim);
  }

  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace

std::unique_ptr<CacheBackend> open_memory(std::size_t max_keys) { return std::make_unique<MemoryCache>(max_keys); }

}  // namespace tc::infra::cache
