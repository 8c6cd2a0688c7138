// The ports' link state, NIC statistics and MTU as their drivers report them: the one place
// outside port set-up (app/switch_ports.cpp) that asks ethdev about a port.
//
// app::Switch owns one over the ports it set up and lends it to the control plane
// (control::SwitchHandles::port_status), so the control plane reads link and counters through
// it and never calls ethdev itself.
//
// Thread safety: immutable after construction; every read is a non-blocking ethdev getter
// (rte_eth_link_get_nowait, rte_eth_stats_get, rte_eth_dev_get_mtu), called from the control
// lcore while the workers run, as ethdev allows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "mcsnoop/core/port_mask.hpp"
#include "mcsnoop/dataplane/port_info.hpp"

namespace mcsnoop::dataplane {

// A port's link as the driver reports it.
struct LinkStatus {
  bool up = false;
  uint32_t speed_mbps = 0;  // RTE_ETH_SPEED_NUM_* (0 when none or unknown)
};

// The NIC's own counters of a port (rte_eth_stats, without the per-queue arrays); every field
// a uint64_t, named as in rte_eth_stats.
struct NicStats {
  uint64_t ipackets = 0, opackets = 0, ibytes = 0, obytes = 0;
  uint64_t imissed = 0, ierrors = 0, oerrors = 0, rx_nombuf = 0;
};

class PortStatus {
 public:
  // The MTU reported when the driver cannot say (RTE_ETHER_MTU).
  static constexpr uint16_t kDefaultMtu = 1500;

  PortStatus() = default;
  // `ports` in PortId order; it must outlive this object and not change.
  explicit PortStatus(std::span<const PortInfo> ports) : ports_(ports) {}

  // The link of `p`; nullopt when the driver failed to report it.
  std::optional<LinkStatus> link(PortId p) const;
  // The NIC's counters of `p`; nullopt when the driver gave none.
  std::optional<NicStats> nic_stats(PortId p) const;
  // The MTU of `p` (L3 bytes): the one the switch set (PortInfo::mtu; for net_af_packet that is
  // the kernel interface's, which ethdev does not track), else the driver's, kDefaultMtu when
  // the driver cannot say.
  uint16_t mtu(PortId p) const;

 private:
  std::span<const PortInfo> ports_;
};

}  // namespace mcsnoop::dataplane
