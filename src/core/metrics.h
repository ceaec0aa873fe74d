// A small Prometheus metrics registry: counters, gauges and histograms with
// labels, plus gauges computed at scrape time. Rendered in the text format 0.0.4.
// Handles returned by the registry stay valid for the registry's lifetime; updates
// are lock-free atomics, label lookup takes a mutex (cache the handle on hot paths).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tc::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double v = 1.0) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double v) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Cumulative counts per bound plus +Inf, the sum and the count.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

// Seconds buckets suited to request latencies (100 µs .. 10 s).
std::vector<double> latency_buckets();

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = latency_buckets());
  // A gauge whose value is read when /metrics is scraped.
  void gauge_fn(const std::string& name, const std::string& help, const Labels& labels, std::function<double()> fn);
  // A counter whose value is read when /metrics is scraped (e.g. CPU seconds).
  void counter_fn(const std::string& name, const std::string& help, const Labels& labels, std::function<double()> fn);

  std::string render_prometheus() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> fn;
  };
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, Series> series;  // key: rendered label set
  };
  Series& series(const std::string& name, Kind kind, const std::string& help, const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace tc::metrics
