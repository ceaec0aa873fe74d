#include "core/metrics.h"

#include <gtest/gtest.h>

namespace tc::metrics {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Registry r;
  r.counter("tc_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc();
  r.counter("tc_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc(2);
  r.gauge("tc_open", "Open", {}).set(3);
  r.gauge_fn("tc_fn", "Computed", {{"k", "v\"q"}}, [] { return 1.5; });
  auto& h = r.histogram("tc_latency_seconds", "Latency", {{"route", "/a"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = r.render_prometheus();
  EXPECT_NE(text.find("# TYPE tc_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("tc_requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_open 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_fn{k=\"v\\\"q\"} 1.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tc_latency_seconds_count{route=\"/a\"} 3\n"), std::string::npos) << text;
}

TEST(Metrics, OneNameOneKind) {
  Registry r;
  r.counter("x_total", "x");
  EXPECT_THROW(r.gauge("x_total", "x"), std::logic_error);
}

}  // namespace
}  // namespace tc::metrics
