#include "modules/alerts/alerts_module.h"

#include "core/errors.h"
#include "modules/alerts/alert_runtime.h"
#include "modules/alerts/alert_service_impl.h"
#include "modules/alerts/alerts_routes.h"
#include "modules/alerts/digest.h"
#include "modules/alerts/email_sender.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/webhook_sender.h"

namespace tc::alerts {
namespace {

class AlertsModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    auto* realtime = ctx.services.find<realtime::Realtime>();
    auto* market = ctx.services.find<market::Market>();
    inbox_ = std::make_unique<Inbox>(ctx.store, realtime);
    ctx.services.provide<Notifier>(inbox_.get());
    runtime_ = std::make_unique<AlertRuntime>(ctx.store, *inbox_, market);
    web_push_settings_ = web_push_settings_from(ctx.config);
    context_ = std::make_unique<AlertsContext>(AlertsContext{.services = ctx.services,
                                                             .store = ctx.store,
                                                             .inbox = *inbox_,
                                                             .runtime = *runtime_,
                                                             .market = market,
                                                             .max_per_user = ctx.config.integer("alerts.max_per_user"),
                                                             .pool = ctx.pool,
                                                             .web_push = &web_push_settings_});
    service_ = std::make_unique<AlertServiceImpl>(*context_);
    ctx.services.provide<AlertService>(service_.get());
    add_alert_routes(ctx.router, *context_);
    add_notification_routes(ctx.router, *context_);
    add_web_push_routes(ctx.router, *context_);
    runtime_->start();
    webhooks_ = std::make_unique<WebhookSender>(ctx.store, ctx.pool, webhook_settings_from(ctx.config));
    webhooks_->start(runtime_->io());
    const auto smtp = infra::mail::settings_from(ctx.config);
    if (!smtp.url.empty()) mailer_ = std::make_unique<infra::mail::Mailer>(smtp, ctx.pool, ctx.metrics);
    emails_ = std::make_unique<EmailSender>(ctx.store, mailer_.get(), ctx.services.find<auth::ContactDirectory>(),
                                            webhook_settings_from(ctx.config));
    emails_->start(runtime_->io());
    pushes_ = std::make_unique<WebPushSender>(ctx.store, ctx.pool, web_push_settings_);
    pushes_->start(runtime_->io());
    digests_ = std::make_unique<DigestScheduler>(ctx.store, now_ms, ctx.config.duration("alerts.digest.poll"));
    digests_->start(runtime_->io());
  }

  void stop() noexcept override {
    if (digests_) digests_->stop();
    if (pushes_) pushes_->stop();
    if (emails_) emails_->stop();
    if (webhooks_) webhooks_->stop();
    if (runtime_) runtime_->stop();
  }

 private:
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<AlertRuntime> runtime_;
  std::unique_ptr<AlertsContext> context_;
  std::unique_ptr<AlertServiceImpl> service_;
  std::unique_ptr<WebhookSender> webhooks_;
  std::unique_ptr<infra::mail::Mailer> mailer_;
  std::unique_ptr<EmailSender> emails_;
  WebPushSettings web_push_settings_;
  std::unique_ptr<WebPushSender> pushes_;
  std::unique_ptr<DigestScheduler> digests_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "alerts.max_per_user",
              .kind = K::integer,
              .default_value = "200",
              .help = "most alert rules one user may have",
              .min = 1,
              .max = 100'000});
  schema.add(
      {.key = "alerts.webhook.allow_private",
       .kind = K::boolean,
       .default_value = "false",
       .help = "let webhooks reach loopback, private, link-local and other non-public addresses (SSRF guard off)"});
  schema.add({.key = "alerts.webhook.max_attempts",
              .kind = K::integer,
              .default_value = "8",
              .help = "attempts before a webhook delivery is dead-lettered",
              .min = 1,
              .max = 50});
  schema.add({.key = "alerts.webhook.retry_base",
              .kind = K::duration,
              .default_value = "1s",
              .help = "first retry delay of a failed webhook; doubles per attempt (capped at 1h)",
              .min = 10,
              .max = 3'600'000});
  schema.add({.key = "alerts.webhook.timeout",
              .kind = K::duration,
              .default_value = "5s",
              .help = "time limit of one webhook request",
              .min = 100,
              .max = 60'000});
  schema.add({.key = "alerts.web_push.vapid_private_key",
              .kind = K::string,
              .default_value = "",
              .help = "VAPID private key: the 32-byte P-256 scalar, base64url; empty = <data.dir>/keys/vapid.key "
                      "(created at first start)",
              .secret = true});
  schema.add({.key = "alerts.web_push.subject",
              .kind = K::string,
              .default_value = "mailto:admin@localhost",
              .help = "the VAPID JWT's sub: a mailto: or https: contact for push services (RFC 8292)"});
  schema.add({.key = "alerts.web_push.allow_private",
              .kind = K::boolean,
              .default_value = "false",
              .help = "let push endpoints be loopback, private, link-local and other non-public addresses (SSRF "
                      "guard off)"});
  schema.add({.key = "alerts.web_push.ca_file",
              .kind = K::string,
              .default_value = "",
              .help = "PEM file of CA certificates trusted for push endpoints; empty = the system's store"});
  schema.add({.key = "alerts.web_push.ttl",
              .kind = K::duration,
              .default_value = "24h",
              .help = "how long a push service keeps an undelivered message (the TTL header)",
              .min = 0,
              .max = 28 * 86'400'000LL});
  schema.add({.key = "alerts.web_push.token_lifetime",
              .kind = K::duration,
              .default_value = "12h",
              .help = "lifetime of a VAPID token (exp); RFC 8292 allows at most 24h",
              .min = 60'000,
              .max = 86'400'000});
  schema.add({.key = "alerts.digest.poll",
              .kind = K::duration,
              .default_value = "30s",
              .help = "how often the daily digest looks for users whose digest time has come",
              .min = 100,
              .max = 3'600'000});
}

app::ModuleSpec spec() {
  return {.name = "alerts",
          .description = "alert rules evaluated on live ticks, notification inbox and delivery (in-app, webhooks)",
          .dependencies = {"auth", "realtime", "market"},
          .create = [] { return std::make_unique<AlertsModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::alerts
