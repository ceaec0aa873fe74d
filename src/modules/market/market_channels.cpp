#include "modules/market/market_channels.h"

#include "core/errors.h"

namespace tc::market {

void MarketChannels::check_channel(std::string_view channel) const {
  const auto colon = channel.find(':');
  const auto ns = channel.substr(0, colon);
  auto rest = colon == std::string_view::npos ? std::string_view{} : channel.substr(colon + 1);
  std::string_view tf;
  if (ns == "candles") {
    const auto second = rest.rfind(':');
    if (second == std::string_view::npos) throw errors::not_found("candles channels are candles:<SYMBOL>:<timeframe>");
    tf = rest.substr(second + 1);
    rest = rest.substr(0, second);
    if (!parse_timeframe(tf)) throw errors::not_found("unknown timeframe; allowed: 1m, 5m, 15m, 1h, 4h, 1d");
  }
  // Channel names are exact: the symbol in upper case, as the instruments list it.
  const auto* in = rest.size() <= 32 ? market_.find(rest) : nullptr;
  if (!in || in->symbol != rest) throw errors::not_found("unknown instrument");
}

boost::asio::awaitable<realtime::SubscribeGrant> MarketChannels::authorize_subscribe(realtime::Principal,
                                                                                     std::string channel) {
  check_channel(channel);
  co_return realtime::SubscribeGrant{};
}

boost::asio::awaitable<boost::json::value> MarketChannels::accept_publication(realtime::Principal, std::string,
                                                                              boost::json::value) {
  throw errors::forbidden("market channels are published by the server only");
  co_return boost::json::value{};
}

}  // namespace tc::market
