// Reading a port's `device` string: a PCI address or a DPDK vdev spec, with its devargs.
//
// The loader uses it to refuse two ports that would open the same device or the same host
// resource (a Linux interface behind net_af_packet/net_pcap/net_tap, a pcap file), which DPDK
// would otherwise report late and obscurely, or not at all.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcsnoop::config::detail {

struct DeviceSpec {
  enum class Kind { Pci, Vdev };
  Kind kind = Kind::Vdev;
  std::string name;  // normalised PCI address (0000:03:00.0) or the vdev name (net_pcap0)
  // Host resources the device holds exclusively, spelled for people ("PCI device 0000:03:00.0",
  // "vdev net_pcap0", "interface sw-h1", "pcap file /tmp/in.pcap"): no two ports may share one.
  std::vector<std::string> claims;
};

// The spec, or a sentence saying what is wrong with `text`.
std::variant<DeviceSpec, std::string> parse_device(std::string_view text);

}  // namespace mcsnoop::config::detail
