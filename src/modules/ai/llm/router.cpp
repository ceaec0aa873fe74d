// The router: for a request's mode, tries the chain of provider/model entries in
// order. Per entry: skipped while its circuit is open or a 429's Retry-After runs;
// a transient failure (connection, timeout, 5xx, a stream cut, an overload event)
// is retried on the same provider up to ai.retries times with jittered
// exponential backoff; any failure before the first streamed event moves on to the
// next entry. Once an event has reached the caller the answer cannot be retried
// elsewhere without repeating text, so a failure then ends the request with 502
// "ai-interrupted". Budgets and the per-user concurrency cap are checked first.
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/metrics.h"
#include "modules/ai/llm/circuit_breaker.h"
#include "modules/ai/llm/llm_router.h"
#include "modules/ai/llm/provider_call.h"
#include "modules/ai/llm/user_budget.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace tc::ai::llm {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

class OfflineRouter final : public Router {
 public:
  bool configured() const override { return false; }
  asio::awaitable<Completion> complete(Request, EventSink) override {
    throw Error(503, "ai-unavailable", "No language model is configured", "ai.providers is empty");
    co_return Completion{};
  }
};

struct ProviderMetrics {
  metrics::Counter* input_tokens = nullptr;
  metrics::Counter* output_tokens = nullptr;
  metrics::Counter* cost = nullptr;
  metrics::Histogram* first_token = nullptr;
  metrics::Histogram* duration = nullptr;
};

std::string outcome_name(const AttemptFailure& f) {
  using K = AttemptFailure::Kind;
  switch (f.kind()) {
    case K::connect: return "connect_error";
    case K::timeout: return "timeout";
    case K::status: return f.status() == 429 ? "rate_limited" : f.status() >= 500 ? "server_error" : "client_error";
    case K::stream_cut: return "stream_cut";
    case K::provider: return "provider_error";
    case K::cancelled: return "cancelled";
  }
  return "error";
}

class ChainRouter final : public Router, public std::enable_shared_from_this<ChainRouter> {
 public:
  ChainRouter(RouterSettings settings, metrics::Registry* registry, SteadyNow now)
      : settings_(std::move(settings)),
        registry_(registry),
        now_(now ? std::move(now) : SteadyNow([] { return Clock::now(); })),
        budget_({settings_.requests_per_hour, settings_.tokens_per_day, settings_.max_concurrent_per_user}),
        rng_(std::random_device{}()) {
    for (const auto& e : settings_.endpoints) {
      breakers_.push_back(std::make_unique<CircuitBreaker>(settings_.breaker_failures, settings_.breaker_cooldown));
      ProviderMetrics m;
      if (registry_) {
        const metrics::Labels p{{"provider", e.name}};
        m.input_tokens = &registry_->counter("tradechat_ai_tokens_total", "Model tokens by provider and direction",
                                             {{"provider", e.name}, {"direction", "input"}});
        m.output_tokens = &registry_->counter("tradechat_ai_tokens_total", "Model tokens by provider and direction",
                                              {{"provider", e.name}, {"direction", "output"}});
        m.cost = &registry_->counter("tradechat_ai_cost_usd_total", "Model cost in USD from configured prices", p);
        m.first_token = &registry_->histogram("tradechat_ai_first_token_seconds",
                                              "Time from sending a model request to its first streamed event", p);
        m.duration = &registry_->histogram("tradechat_ai_request_duration_seconds",
                                           "Time of a whole model request (one attempt)", p);
      }
      metrics_.push_back(m);
    }
  }

  bool configured() const override { return true; }

  std::string state_of(const std::string& provider) const {
    for (std::size_t i = 0; i < settings_.endpoints.size(); ++i) {
      if (settings_.endpoints[i].name != provider) continue;
      switch (breakers_[i]->state(now_())) {
        case CircuitBreaker::State::closed: return "closed";
        case CircuitBreaker::State::open: return "open";
        case CircuitBreaker::State::half_open: return "half_open";
      }
    }
    return "unknown";
  }

  asio::awaitable<Completion> complete(Request request, EventSink on_event) override {
    auto self = shared_from_this();  // alive for the whole request
    // Total and partial cancellation too, not only terminal: stopping an answer is
    // always safe here (the connection is simply closed).
    // Whatever type the caller emits reaches the provider's socket as terminal
    // cancellation (Beast's reads honour only terminal), and a cancelled co_await
    // reports through the operation's error rather than throwing on its own.
    auto as_terminal = [](asio::cancellation_type t) {
      return t == asio::cancellation_type::none ? t : asio::cancellation_type::terminal;
    };
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation(), as_terminal);
    co_await asio::this_coro::throw_if_cancelled(false);
    auto lease = budget_.acquire(request.user_id, now_());
    const auto& chains = settings_.chains;
    auto chain_it = chains.find(request.mode);
    if (chain_it == chains.end()) chain_it = chains.find("default");
    const std::vector<ChainEntry> chain = chain_it->second;

    std::vector<std::string> failures;
    std::optional<Clock::time_point> earliest;  // when some provider may be asked again
    for (const auto& entry : chain) {
      const Endpoint& endpoint = settings_.endpoints[entry.endpoint];
      const ModelSpec& model = endpoint.models[entry.model];
      CircuitBreaker& breaker = *breakers_[entry.endpoint];
      for (int attempt = 0; attempt <= settings_.retries; ++attempt) {
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
          throw Error(499, "cancelled", "Cancelled", "the answer was stopped");
        }
        const auto start = now_();
        if (!breaker.allow(start)) {
          const auto at = breaker.available_at(start);
          earliest = earliest ? std::min(*earliest, at) : at;
          failures.push_back(endpoint.name + ": skipped (circuit open or asked to retry later)");
          count(endpoint.name, "skipped");
          break;
        }
        auto streamed = std::make_shared<bool>(false);
        auto pm = metrics_[entry.endpoint];
        auto now_fn = now_;
        EventSink sink = [streamed, pm, start, now_fn, &on_event](const StreamEvent& ev) {
          if (!*streamed) {
            *streamed = true;
            if (pm.first_token) pm.first_token->observe(std::chrono::duration<double>(now_fn() - start).count());
          }
          on_event(ev);
        };
        std::optional<AttemptFailure> failure;
        try {
          Completion c = co_await call_provider(endpoint, model, request, sink, limits());
          breaker.success();
          record_success(entry.endpoint, request.user_id, c, start);
          co_return c;
        } catch (const AttemptFailure& f) {
          failure = f;
        }
        const AttemptFailure& f = *failure;
        count(endpoint.name, outcome_name(f));
        if (f.kind() == AttemptFailure::Kind::cancelled) {
          breaker.abandon();
          throw Error(499, "cancelled", "Cancelled", "the answer was stopped");
        }
        if (f.provider_fault())
          breaker.failure(now_());
        else
          breaker.success();  // it answered: the provider is healthy, the request was not
        if (f.status() == 429) {
          const auto wait = f.retry_after().value_or(std::chrono::milliseconds(1000));
          breaker.block_until(now_() + wait);
          const auto at = now_() + wait;
          earliest = earliest ? std::min(*earliest, at) : at;
        }
        log::warn("ai: model request failed", {{"provider", endpoint.name},
                                               {"model", model.name},
                                               {"outcome", outcome_name(f)},
                                               {"detail", f.what()},
                                               {"streamed", *streamed}});
        if (*streamed) {
          throw Error(502, "ai-interrupted", "The answer was interrupted",
                      std::string(f.what()) + " (after part of the answer was streamed)");
        }
        failures.push_back(f.what());
        if (!f.transient() || attempt == settings_.retries) break;
        co_await backoff(attempt);
      }
    }
    std::string detail;
    for (const auto& f : failures) detail += (detail.empty() ? "" : "; ") + f;
    Error err(503, "ai-unavailable", "No language model answered", detail.empty() ? "the chain is empty" : detail);
    if (earliest) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*earliest - now_()).count();
      err.extra()["retry_after"] = std::max<std::int64_t>(1, (ms + 999) / 1000);
    }
    throw err;
  }

 private:
  CallLimits limits() const {
    return {settings_.connect_timeout, settings_.read_timeout, settings_.max_response_bytes};
  }

  asio::awaitable<void> backoff(int attempt) {
    const auto base = settings_.retry_base.count();
    if (base <= 0) co_return;
    double factor = 0;
    {
      std::lock_guard lock(rng_mutex_);
      factor = std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
    }
    const auto ms =
        std::min<std::int64_t>(static_cast<std::int64_t>(static_cast<double>(base << attempt) * factor), 10'000);
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      throw Error(499, "cancelled", "Cancelled", "the answer was stopped");
    }
  }

  void count(const std::string& provider, const std::string& outcome) {
    if (!registry_) return;
    registry_
        ->counter("tradechat_ai_requests_total", "Model requests by provider and outcome",
                  {{"provider", provider}, {"outcome", outcome}})
        .inc();
  }

  void record_success(std::size_t index, const std::string& user, const Completion& c, Clock::time_point start) {
    budget_.add_tokens(user, c.usage.input_tokens + c.usage.output_tokens, now_());
    count(settings_.endpoints[index].name, "ok");
    const auto& m = metrics_[index];
    if (!m.input_tokens) return;
    m.input_tokens->inc(static_cast<double>(c.usage.input_tokens));
    m.output_tokens->inc(static_cast<double>(c.usage.output_tokens));
    m.cost->inc(c.usage.cost_usd);
    m.duration->observe(std::chrono::duration<double>(now_() - start).count());
  }

  RouterSettings settings_;
  metrics::Registry* registry_;
  SteadyNow now_;
  UserBudget budget_;
  std::vector<std::unique_ptr<CircuitBreaker>> breakers_;
  std::vector<ProviderMetrics> metrics_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

}  // namespace

std::shared_ptr<Router> make_router(RouterSettings settings, metrics::Registry* metrics, SteadyNow now) {
  if (settings.endpoints.empty()) return std::make_shared<OfflineRouter>();
  return std::make_shared<ChainRouter>(std::move(settings), metrics, std::move(now));
}

std::shared_ptr<Router> make_router(const Config& config) { return make_router(load_router_settings(config), nullptr); }

std::shared_ptr<Router> make_router(const Config& config, metrics::Registry& metrics) {
  return make_router(load_router_settings(config), &metrics);
}

std::string circuit_state(const Router& router, const std::string& provider) {
  const auto* chain = dynamic_cast<const ChainRouter*>(&router);
  return chain ? chain->state_of(provider) : "unknown";
}

}  // namespace tc::ai::llm
