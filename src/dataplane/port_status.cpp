// dataplane::PortStatus: the ethdev getters behind the control plane's view of the ports.
#include "mcsnoop/dataplane/port_status.hpp"

#include <rte_ethdev.h>

namespace mcsnoop::dataplane {

static_assert(PortStatus::kDefaultMtu == RTE_ETHER_MTU);

std::optional<LinkStatus> PortStatus::link(PortId p) const {
  rte_eth_link link{};
  if (rte_eth_link_get_nowait(ports_[p].dpdk_port, &link) != 0) return std::nullopt;
  return LinkStatus{.up = link.link_status == RTE_ETH_LINK_UP, .speed_mbps = link.link_speed};
}

std::optional<NicStats> PortStatus::nic_stats(PortId p) const {
  rte_eth_stats st{};
  if (rte_eth_stats_get(ports_[p].dpdk_port, &st) != 0) return std::nullopt;
  return NicStats{.ipackets = st.ipackets,
                  .opackets = st.opackets,
                  .ibytes = st.ibytes,
                  .obytes = st.obytes,
                  .imissed = st.imissed,
                  .ierrors = st.ierrors,
                  .oerrors = st.oerrors,
                  .rx_nombuf = st.rx_nombuf};
}

uint16_t PortStatus::mtu(PortId p) const {
  if (ports_[p].mtu != 0) return ports_[p].mtu;
  uint16_t mtu = kDefaultMtu;
  if (rte_eth_dev_get_mtu(ports_[p].dpdk_port, &mtu) != 0) return kDefaultMtu;
  return mtu;
}

}  // namespace mcsnoop::dataplane
