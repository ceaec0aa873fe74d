#include "modules/gateway/gateway.h"

#include "core/errors.h"
#include "net/static_files.h"

#include <boost/asio/awaitable.hpp>

namespace tc::modules::gateway {
namespace {

class Gateway final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    static_files_ = std::make_unique<http::StaticFiles>(ctx.config.str("web.dir"), ctx.pool);
    auto serve = [files = static_files_.get()](http::Request req) -> boost::asio::awaitable<http::Response> {
      // Unknown API paths are errors, not client-side routes of the web app.
      if (req.path.starts_with("/api/") || req.path.starts_with("/connection/")) {
        throw errors::not_found("no route for " + req.method + " " + req.path);
      }
      co_return co_await files->serve(std::move(req));
    };
    ctx.router.set_fallback(serve);

    // The realtime module may start after the gateway; look it up per connection.
    ctx.add_websocket("/connection/websocket", [&services = ctx.services](const http::Request& upgrade) {
      auto* realtime = services.find<RealtimeEndpoint>();
      if (!realtime) {
        throw errors::unavailable("the realtime module does not run in this process (see --target)");
      }
      return realtime->accept(upgrade);
    });
  }

 private:
  std::unique_ptr<http::StaticFiles> static_files_;
};

}  // namespace

app::ModuleSpec spec() {
  return {.name = "gateway",
          .description = "HTTP edge: web client at /, the WebSocket endpoint, CORS and limits",
          .dependencies = {},
          .create = [] { return std::make_unique<Gateway>(); }};
}

}  // namespace tc::modules::gateway
