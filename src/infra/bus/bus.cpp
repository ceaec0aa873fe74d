#include "infra/bus/bus.h"

namespace tc::infra::bus {

bool subject_matches(std::string_view pattern, std::string_view subject) {
  while (true) {
    auto pdot = pattern.find('.');
    auto sdot = subject.find('.');
    auto ptok = pattern.substr(0, pdot);
    auto stok = subject.substr(0, sdot);
    if (ptok == ">") return !stok.empty();
    if (ptok != "*" && ptok != stok) return false;
    if (stok.empty()) return false;
    if (pdot == std::string_view::npos || sdot == std::string_view::npos) {
      return pdot == std::string_view::npos && sdot == std::string_view::npos;
    }
    pattern = pattern.substr(pdot + 1);
    subject = subject.substr(sdot + 1);
  }
}

std::unique_ptr<Bus> open(const Config& config, metrics::Registry& metrics) {
  const auto& url = config.str("nats.url");
  return url.empty() ? open_memory(metrics) : open_nats(url, metrics);
}

}  // namespace tc::infra::bus
