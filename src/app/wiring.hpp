// From the validated configuration to what the data plane and the engine are built from.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcsnoop/config/config.hpp"
#include "mcsnoop/dataplane/spec.hpp"
#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::app {

dataplane::SwitchSpec make_switch_spec(const config::Config& cfg);

// The MFT's capacity for `cfg`: what the engine's table limits (snooping.max_groups and
// max_sources) and the static entries can publish, with a margin, so that the engine refuses
// state before the MFT can (make_switch_spec uses it).
uint32_t mft_capacity(const config::Config& cfg);

// `switch_mac` derives the default MLD querier address (fe80::/64 + modified EUI-64) for VLANs
// whose querier has no address6.
snoop::EngineConfig make_engine_config(const config::Config& cfg, const std::array<uint8_t, 6>& switch_mac);

// The EAL's argv: program name, dpdk.eal_args, the device arguments of eal_device_args (the
// PCI allow list), then the command line's extra arguments.
std::vector<std::string> make_eal_args(const config::Config& cfg, const std::string& argv0,
                                       const std::vector<std::string>& extra);

}  // namespace mcsnoop::app
