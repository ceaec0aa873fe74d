// The market module's REST routes (instruments, quotes, candles, indicators,
// analysis); all need a bearer token.
#pragma once

#include "modules/auth/auth.h"
#include "modules/market/market.h"
#include "net/router.h"

namespace tc::market {

void add_routes(http::Router& router, const Market& market, const auth::Authenticator& auth);

}  // namespace tc::market
