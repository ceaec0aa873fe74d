// JSON forms of the market types, shared by routes and channels.
#pragma once

#include "modules/market/market.h"

#include <boost/json/object.hpp>

namespace tc::market {

boost::json::object instrument_json(const Instrument& in);
boost::json::object quote_json(const Quote& q);
boost::json::object candle_json(const Candle& c);

}  // namespace tc::market
