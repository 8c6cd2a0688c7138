// dpdk-dumpcap support (capture.hpp).
#include "capture.hpp"

#include <rte_errno.h>
#include <rte_pdump.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace mcsnoop::app {
namespace {

bool g_started = false;  // main thread only

std::string file_prefix(const std::vector<std::string>& eal_args) {
  for (size_t i = 0; i < eal_args.size(); ++i) {
    if (eal_args[i] == "--file-prefix" && i + 1 < eal_args.size()) return eal_args[i + 1];
    if (eal_args[i].starts_with("--file-prefix=")) return eal_args[i].substr(14);
  }
  return "rte";  // the EAL's default
}

}  // namespace

std::string capture_blocker(const std::vector<std::string>& eal_args) {
  for (const char* opt : {"--no-shconf", "--in-memory"}) {
    if (std::find(eal_args.begin(), eal_args.end(), opt) != eal_args.end()) return opt;
  }
  return {};
}

bool start_packet_capture(const std::vector<std::string>& eal_args) {
  if (const std::string why = capture_blocker(eal_args); !why.empty()) {
    spdlog::info("packet capture (dpdk-dumpcap) unavailable: {} in the EAL arguments leaves no "
                 "multi-process channel; remove it to capture (docs/operations.md)", why);
    return false;
  }
  if (rte_pdump_init() != 0) {
    spdlog::warn("packet capture (dpdk-dumpcap) unavailable: rte_pdump_init failed: {}", rte_strerror(rte_errno));
    return false;
  }
  g_started = true;
  spdlog::info("packet capture available: dpdk-dumpcap --file-prefix {} -D lists the devices, "
               "-i DEVICE -w FILE.pcapng captures one",
               file_prefix(eal_args));
  return true;
}

void stop_packet_capture() {
  if (!g_started) return;
  rte_pdump_uninit();
  g_started = false;
}

}  // namespace mcsnoop::app
