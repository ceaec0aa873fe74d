#include "app/process_metrics.h"

#include "build_info.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace tc::app {
namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    ++n;
  }
  return n;
}

}  // namespace

void register_process_metrics(metrics::Registry& registry) {
  const double start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  registry.counter_fn("process_cpu_seconds_total", "User and system CPU time spent in seconds", {}, cpu_seconds);
  registry.gauge_fn("process_resident_memory_bytes", "Resident memory size in bytes", {}, resident_bytes);
  registry.gauge_fn("process_open_fds", "Open file descriptors", {}, open_fds);
  registry.gauge_fn("process_start_time_seconds", "Start time of the process since the Unix epoch", {},
                    [start] { return start; });
  registry.gauge_fn("tradechat_build_info", "Build information (always 1)",
                    {{"version", build::version}, {"commit", build::commit}}, [] { return 1.0; });
}

}  // namespace tc::app
