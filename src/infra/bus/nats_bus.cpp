// The NATS bus: core subjects for ephemeral fan-out, JetStream (file storage,
// de-duplication window, durable pull consumers with explicit acks) for streams.
// libnats reconnects by itself; while it is disconnected, calls fail with a 503.
#include "core/errors.h"
#include "core/log.h"
#include "infra/bus/bus.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace tc::infra::bus {
namespace {

[[noreturn]] void fail(const std::string& what, natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  throw errors::unavailable(fmt::format("bus: {} failed: {}{}", what, natsStatus_GetText(s),
                                        jerr ? fmt::format(" (JetStream error {})", static_cast<int>(jerr)) : ""));
}

std::int64_t nanos(Millis m) { return static_cast<std::int64_t>(m.count()) * 1'000'000; }

// Ephemeral subscription: the handler lives until the subscription is gone.
class NatsSubscription final : public Subscription {
 public:
  explicit NatsSubscription(EphemeralHandler h) : handler(std::move(h)) {}
  ~NatsSubscription() override {
    if (sub) {
      natsSubscription_Unsubscribe(sub);
      natsSubscription_Destroy(sub);
    }
  }
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* self = static_cast<NatsSubscription*>(closure);
    std::string subject = natsMsg_GetSubject(msg);
    std::string payload(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    natsMsg_Destroy(msg);
    try {
      self->handler(subject, payload);
    } catch (const std::exception& e) {
      log::error("bus handler failed", {{"subject", subject}, {"error", e.what()}});
    }
  }
  EphemeralHandler handler;
  natsSubscription* sub = nullptr;
};

class NatsDelivery final : public Delivery {
 public:
  NatsDelivery(natsMsg* msg, std::atomic<std::int64_t>& lag) : msg_(msg) {
    message_.subject = natsMsg_GetSubject(msg);
    message_.payload.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    const char* id = nullptr;
    if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id) message_.msg_id = id;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      message_.delivery = meta->NumDelivered;
      lag.store(static_cast<std::int64_t>(meta->NumPending));  // messages behind this one
      jsMsgMetaData_Destroy(meta);
    }
  }
  ~NatsDelivery() override { natsMsg_Destroy(msg_); }
  const Message& message() const override { return message_; }
  void ack() override { natsMsg_Ack(msg_, nullptr); }
  void nak() override { natsMsg_Nak(msg_, nullptr); }

 private:
  natsMsg* msg_;
  Message message_;
};

// A durable pull consumer: one thread fetches batches and hands each message over.
class NatsConsumer final : public Subscription {
 public:
  NatsConsumer(natsSubscription* sub, DurableHandler handler, std::shared_ptr<std::atomic<std::int64_t>> lag)
      : sub_(sub), handler_(std::move(handler)), lag_(std::move(lag)), thread_([this] { run(); }) {}
  ~NatsConsumer() override {
    stop_ = true;
    thread_.join();
    natsSubscription_Destroy(sub_);  // keeps the durable consumer on the server
  }

 private:
  void run() {
    while (!stop_) {
      natsMsgList list{};
      jsErrCode jerr{};
      natsStatus s = natsSubscription_Fetch(&list, sub_, 64, 250, &jerr);
      if (s == NATS_TIMEOUT) continue;
      if (s != NATS_OK) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // disconnected: libnats reconnects
        continue;
      }
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        list.Msgs[i] = nullptr;  // ownership moves to the Delivery
        try {
          handler_(std::make_unique<NatsDelivery>(m, *lag_));
        } catch (const std::exception& e) {
          log::error("bus consumer failed", {{"error", e.what()}});
        }
      }
      natsMsgList_Destroy(&list);
    }
  }

  natsSubscription* sub_;
  DurableHandler handler_;
  std::shared_ptr<std::atomic<std::int64_t>> lag_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class NatsBus final : public Bus {
 public:
  NatsBus(std::string url, metrics::Registry& metrics)
      : url_(std::move(url)),
        metrics_(metrics),
        published_(metrics.counter("tradechat_bus_published_total", "Messages published", {{"engine", "nats"}})),
        errors_(metrics.counter("tradechat_bus_errors_total", "Bus operations that failed", {{"engine", "nats"}})) {
    natsOptions* opts = nullptr;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, url_.c_str());
    natsOptions_SetMaxReconnect(opts, -1);  // forever: outages end
    natsOptions_SetReconnectWait(opts, 200);
    natsOptions_SetTimeout(opts, 2000);
    natsOptions_SetRetryOnFailedConnect(opts, false, nullptr, nullptr);
    // No client-side queue while reconnecting (0 would mean the 8 MB default): a publish
    // during an outage fails at once instead of being sent later behind the caller's back.
    natsOptions_SetReconnectBufSize(opts, 1);
    natsStatus s = natsConnection_Connect(&nc_, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK) fail("connecting to " + Config::mask_url(url_), s);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 2000;
    s = natsConnection_JetStream(&js_, nc_, &jo);
    if (s != NATS_OK) fail("opening JetStream", s);
  }
  ~NatsBus() override {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
  }

  std::unique_ptr<Subscription> subscribe(const std::string& subject, EphemeralHandler handler) override {
    auto sub = std::make_unique<NatsSubscription>(std::move(handler));
    natsStatus s = natsConnection_Subscribe(&sub->sub, nc_, subject.c_str(), &NatsSubscription::on_message, sub.get());
    if (s != NATS_OK) fail("subscribing to " + subject, s);
    // The subscription must be registered on the server before we report it ready.
    natsConnection_FlushTimeout(nc_, 2000);
    return sub;
  }

  void publish(const std::string& subject, const std::string& payload) override {
    natsStatus s = natsConnection_Publish(nc_, subject.c_str(), payload.data(), static_cast<int>(payload.size()));
    if (s != NATS_OK) {
      errors_.inc();
      fail("publishing to " + subject, s);
    }
    published_.inc();
  }

  void ensure_stream(const StreamConfig& c) override {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {c.subject.c_str()};
    cfg.Name = c.name.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Duplicates = nanos(c.duplicate_window);
    jsStreamInfo* si = nullptr;
    jsErrCode jerr{};
    natsStatus s = js_AddStream(&si, js_, &cfg, nullptr, &jerr);
    if (s != NATS_OK && jerr == JSStreamNameExistErr) s = js_UpdateStream(&si, js_, &cfg, nullptr, &jerr);
    if (si) jsStreamInfo_Destroy(si);
    if (s != NATS_OK) fail("creating stream " + c.name, s, jerr);
    std::lock_guard lock(mutex_);
    streams_[c.name] = c;
  }

  void publish_durable(const std::string& subject, const std::string& msg_id, const std::string& payload) override {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    if (!msg_id.empty()) po.MsgId = msg_id.c_str();
    jsPubAck* ack = nullptr;
    jsErrCode jerr{};
    natsStatus s = js_Publish(&ack, js_, subject.c_str(), payload.data(), static_cast<int>(payload.size()), &po, &jerr);
    if (ack) jsPubAck_Destroy(ack);
    if (s == NATS_TIMEOUT) {
      errors_.inc();
      throw Error(503, "publish-outcome-unknown", "Publish Outcome Unknown",
                  "bus: no acknowledgement from JetStream for " + subject +
                      "; the message may or may not be stored — retry with the same message id");
    }
    if (s != NATS_OK) {
      errors_.inc();
      fail("storing a message on " + subject, s, jerr);
    }
    published_.inc();
  }

  std::unique_ptr<Subscription> consume(const std::string& stream, const std::string& group,
                                        DurableHandler handler) override {
    StreamConfig c;
    {
      std::lock_guard lock(mutex_);
      auto it = streams_.find(stream);
      if (it == streams_.end()) throw errors::unavailable("bus: no stream named " + stream);
      c = it->second;
    }
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = c.name.c_str();
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.AckWait = nanos(c.ack_wait);
    so.Config.MaxDeliver = c.max_deliver;
    natsSubscription* sub = nullptr;
    jsErrCode jerr{};
    natsStatus s = js_PullSubscribe(&sub, js_, c.subject.c_str(), group.c_str(), nullptr, &so, &jerr);
    if (s != NATS_OK) fail("joining consumer group " + group + " of " + stream, s, jerr);
    auto lag = std::make_shared<std::atomic<std::int64_t>>(0);
    metrics_.gauge_fn("tradechat_bus_consumer_lag", "Messages in the stream not yet delivered to the consumer group",
                      {{"engine", "nats"}, {"stream", stream}, {"group", group}},
                      [lag] { return static_cast<double>(lag->load()); });
    return std::make_unique<NatsConsumer>(sub, std::move(handler), lag);
  }

  void ping() override {
    natsStatus s = natsConnection_FlushTimeout(nc_, 1000);
    if (s != NATS_OK) fail("reaching NATS", s);
  }
  std::string describe() const override { return "nats:" + Config::mask_url(url_); }

 private:
  std::string url_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, StreamConfig> streams_;
  metrics::Registry& metrics_;
  metrics::Counter& published_;
  metrics::Counter& errors_;
};

}  // namespace

std::unique_ptr<Bus> open_nats(const std::string& url, metrics::Registry& metrics) {
  return std::make_unique<NatsBus>(url, metrics);
}

}  // namespace tc::infra::bus
