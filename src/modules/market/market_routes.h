// The market module's REST routes (instruments, quotes, candles, indicators,
// analysis); all need a bearer token.
#pragma once

#include "core/blocking_pool.h"
#include "infra/store/store.h"
#include "modules/auth/auth.h"
#include "modules/market/market.h"
#include "net/router.h"

namespace tc::market {

// `store` holds the stored candles (imports, closed live candles); `pool` runs CSV parsing.
void add_routes(http::Router& router, const Market& market, const auth::Authenticator& auth, infra::store::Store& store,
                BlockingPool& pool);

}  // namespace tc::market
