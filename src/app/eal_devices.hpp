// Which devices the EAL may claim: mcsnoop puts its PCI ports on the EAL allow list, so that a
// switch with two ports does not take every vfio-bound NIC of the host (the EAL probes all of
// them when it is given no -a).
//
// Rules (docs/operations.md, "PCI devices and the EAL allow list"):
// * The user decides when the EAL arguments (dpdk.eal_args, then those after `--`) already name
//   devices: any of -a/--allow, -b/--block (or the pre-20.11 -w/--pci-whitelist,
//   --pci-blacklist), or --no-pci. Nothing is added then; the log says so.
// * Otherwise `-a DEVICE` for every port whose device is a PCI address (with its device
//   arguments, which the PCI PMD reads from the allow list entry), and `--no-pci` when no port
//   is a PCI device.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::app {

struct EalDeviceArgs {
  std::vector<std::string> args;  // to append to the EAL arguments
  std::string note;               // one log line saying what was added, or why nothing
};

EalDeviceArgs eal_device_args(const config::Config& cfg, const std::vector<std::string>& extra);

}  // namespace mcsnoop::app
