// The realtime namespaces the market module owns: `market:<SYMBOL>` (ticks) and
// `candles:<SYMBOL>:<tf>` (forming and closed candles). Anyone signed in may
// subscribe to a known symbol and timeframe; only the server publishes.
#pragma once

#include "modules/market/market.h"
#include "modules/realtime/realtime.h"

namespace tc::market {

class MarketChannels final : public realtime::ChannelOwner {
 public:
  explicit MarketChannels(const Market& market) : market_(market) {}
  boost::asio::awaitable<realtime::SubscribeGrant> authorize_subscribe(realtime::Principal who,
                                                                       std::string channel) override;
  boost::asio::awaitable<boost::json::value> accept_publication(realtime::Principal who, std::string channel,
                                                                boost::json::value data) override;

  // Throws tc::Error 404 unless `channel` names a known symbol (and timeframe).
  void check_channel(std::string_view channel) const;

 private:
  const Market& market_;
};

}  // namespace tc::market
