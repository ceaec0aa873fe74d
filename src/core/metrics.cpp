#include "core/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace tc::metrics {
namespace {

template <class T>
void atomic_add(std::atomic<T>& a, T v) noexcept {
  T cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string render_labels(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra.empty()) {
    if (!first) out += ",";
    out += extra;
  }
  out += "}";
  return out;
}

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

}  // namespace

void Counter::inc(double v) noexcept { atomic_add(value_, v); }
void Gauge::add(double v) noexcept { atomic_add(value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Series& Registry::series(const std::string& name, Kind kind, const std::string& help, const Labels& labels) {
  auto [fit, inserted] = families_.try_emplace(name, Family{kind, help, {}});
  if (!inserted && fit->second.kind != kind) {
    throw std::logic_error("metric " + name + " registered with two kinds");
  }
  auto key = render_labels(labels);
  auto [sit, created] = fit->second.series.try_emplace(key);
  if (created) sit->second.labels = labels;
  return sit->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, Kind::counter, help, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, Kind::gauge, help, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  auto& s = series(name, Kind::histogram, help, labels);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

void Registry::gauge_fn(const std::string& name, const std::string& help, const Labels& labels,
                        std::function<double()> fn) {
  std::lock_guard lock(mutex_);
  series(name, Kind::gauge, help, labels).fn = std::move(fn);
}

void Registry::counter_fn(const std::string& name, const std::string& help, const Labels& labels,
                          std::function<double()> fn) {
  std::lock_guard lock(mutex_);
  series(name, Kind::counter, help, labels).fn = std::move(fn);
}

std::string Registry::render_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(8192);
  for (const auto& [name, fam] : families_) {
    const char* type = fam.kind == Kind::counter ? "counter" : fam.kind == Kind::gauge ? "gauge" : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, fam.help, name, type);
    for (const auto& [key, s] : fam.series) {
      if (s.histogram) {
        auto cum = s.histogram->cumulative();
        const auto& b = s.histogram->bounds();
        for (std::size_t i = 0; i < b.size(); ++i) {
          out += fmt::format("{}_bucket{} {}\n", name, render_labels(s.labels, "le=\"" + format_value(b[i]) + "\""),
                             cum[i]);
        }
        out += fmt::format("{}_bucket{} {}\n", name, render_labels(s.labels, "le=\"+Inf\""), cum.back());
        out += fmt::format("{}_sum{} {}\n", name, key, format_value(s.histogram->sum()));
        out += fmt::format("{}_count{} {}\n", name, key, s.histogram->count());
      } else {
        double v = s.fn ? s.fn() : s.counter ? s.counter->value() : s.gauge ? s.gauge->value() : 0.0;
        out += fmt::format("{}{} {}\n", name, key, format_value(v));
      }
    }
  }
  return out;
}

}  // namespace tc::metrics
