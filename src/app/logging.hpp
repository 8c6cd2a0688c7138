// spdlog set-up, and DPDK's own log routed into it so that one stream carries everything.
#pragma once

#include <optional>
#include <string>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::app {

// Level and optional file from the config; stderr always. Returns false with *err on failure.
bool setup_logging(config::LogLevel level, const std::optional<std::string>& file, std::string* err);

// Points rte_log at spdlog (call before rte_eal_init so EAL's messages arrive there too).
void route_dpdk_log();

}  // namespace mcsnoop::app
