// The shape of every indicator: `update(bar)` commits a closed bar, `peek(bar)`
// shows what a forming bar would give without committing it. An indicator writes
// its logic once, as `template <bool Commit, class Self> static Values step(Self&,
// const Bar&)`; this base instantiates it mutable for update and const for peek,
// so peek cannot change state (the compiler refuses any write).
#pragma once

#include "modules/market/indicators/bar.h"

namespace tc::market::ind {

template <class Derived>
class Streaming {
 public:
  Values update(const Bar& b) noexcept { return Derived::template step<true>(static_cast<Derived&>(*this), b); }
  Values peek(const Bar& b) const noexcept {
    return Derived::template step<false>(static_cast<const Derived&>(*this), b);
  }
};

}  // namespace tc::market::ind
