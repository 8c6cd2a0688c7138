// Port setup of the switch: probe, queues, offloads, start, close.
#include <algorithm>
#include <cstring>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "mcsnoop/app/switch.hpp"

namespace mcsnoop::app {

using dataplane::PortInfo;
using dataplane::PortSpec;

namespace {


// "net_pcap0,rx_pcap=a.pcap" -> "net_pcap0"; "0000:03:00.0" stays as it is.
std::string device_name(const std::string& device) { return device.substr(0, device.find(',')); }

}  // namespace

// Multi-segment frames. TX: the replication path chains a header mbuf to a clone of the
// payload, which a device sends whole only with RTE_ETH_TX_OFFLOAD_MULTI_SEGS (ixgbe's and
// i40e's simple TX paths send the first segment alone). Where it is offered it is requested;
// elsewhere the port gets flat copies (TxTarget::multi_seg).
// RX: rxmode.mtu stays 0, i.e. DPDK's default MTU of 1500, so the longest frame a port accepts
// (1500 + Ethernet header + two VLAN tags + CRC) fits one packet mbuf; longer frames are dropped
// by the device and counted in its own statistics (ethdev ierrors). Where the device offers
// RX scatter it is enabled as well, so that
// should the port accept longer frames (a larger MTU) they still arrive whole, as chains, which
// the data path handles (headers are in the first segment; control frames are read with
// rte_pktmbuf_read; the TX stage copies chains flat for ports without MULTI_SEGS).
bool Switch::configure_segments(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, PortInfo* pi,
                                std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  pi->tx_multi_seg = ps.tx_multi_seg && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
  if (pi->tx_multi_seg) conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  pi->rx_scatter = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
  if (pi->rx_scatter) conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
  const uint32_t longest = RTE_ETHER_MTU + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN;
  const uint32_t room = rte_pktmbuf_data_room_size(pkt_pool_) - RTE_PKTMBUF_HEADROOM;
  if (!pi->rx_scatter && longest > room) {
    *err = "ports[" + std::to_string(id) + "].device: '" + ps.device +
           "' offers no RX scatter and its longest frame (" + std::to_string(longest) +
           " bytes) does not fit one mbuf (" + std::to_string(room) + ")";
    return false;
  }
  return true;
}

bool Switch::setup_port(PortId id, std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  const std::string where = "ports[" + std::to_string(id) + "].device";
  PortInfo& pi = ports_[id];
  pi.name = ps.name;
  const std::string name = device_name(ps.device);
  uint16_t port_id;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0) {
    if (rte_dev_probe(ps.device.c_str()) != 0 || rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0) {
      *err = where + ": cannot probe '" + ps.device + "' (is the driver available and the device present?)";
      return false;
    }
  }
  pi.dpdk_port = port_id;
  state_->port(id).dpdk_port = port_id;

  rte_eth_dev_info info;
  if (rte_eth_dev_info_get(port_id, &info) != 0) {
    *err = where + ": cannot read device info";
    return false;
  }
  const unsigned rx_lcores = this->rx_lcores();
  const unsigned tx_lcores = this->tx_lcores();
  if (info.max_tx_queues < tx_lcores) {
    *err = where + ": '" + ps.device + "' has " + std::to_string(info.max_tx_queues) +
           " TX queues, one per transmitting lcore (" + std::to_string(tx_lcores) + ") is needed";
    return false;
  }
  pi.rx_queues = static_cast<uint16_t>(std::min<unsigned>(rx_lcores, info.max_rx_queues));
  pi.control_queue = info.max_tx_queues > tx_lcores;
  pi.tx_queues = static_cast<uint16_t>(tx_lcores + (pi.control_queue ? 1 : 0));

  rte_eth_conf conf{};
  if (pi.rx_queues > 1) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
  }
  // Where the NIC checks IPv4 header checksums, the worker takes its verdict from the mbuf
  // flags instead of summing every multicast header again (RFC 4541 2.1.2(6) still holds).
  conf.rxmode.offloads |= info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
  if (!configure_segments(id, info, &conf, &pi, err)) return false;
  if (rte_eth_dev_configure(port_id, pi.rx_queues, pi.tx_queues, &conf) != 0) {
    *err = where + ": cannot configure " + std::to_string(pi.rx_queues) + " RX / " +
           std::to_string(pi.tx_queues) + " TX queues";
    return false;
  }
  uint16_t nrx = kRxDesc, ntx = kTxDesc;
  rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrx, &ntx);
  const int socket = rte_eth_dev_socket_id(port_id);
  for (uint16_t q = 0; q < pi.rx_queues; ++q) {
    if (rte_eth_rx_queue_setup(port_id, q, nrx, socket, nullptr, pkt_pool_) != 0) {
      *err = where + ": cannot set up RX queue " + std::to_string(q);
      return false;
    }
  }
  for (uint16_t q = 0; q < pi.tx_queues; ++q) {
    if (rte_eth_tx_queue_setup(port_id, q, ntx, socket, nullptr) != 0) {
      *err = where + ": cannot set up TX queue " + std::to_string(q);
      return false;
    }
  }
  // A switch port must see every frame; devices that cannot do this still work for the MACs
  // they do accept, so failure here is not fatal.
  rte_eth_promiscuous_enable(port_id);
  rte_eth_allmulticast_enable(port_id);
  rte_ether_addr mac{};
  rte_eth_macaddr_get(port_id, &mac);
  std::memcpy(pi.mac, mac.addr_bytes, 6);
  return true;
}

bool Switch::start_ports(std::string* err) {
  for (PortId p = 0; p < ports_.size(); ++p) {
    if (rte_eth_dev_start(ports_[p].dpdk_port) < 0) {
      *err = "ports[" + std::to_string(p) + "].device: cannot start " + spec_.ports[p].device;
      return false;
    }
  }
  ports_started_ = true;
  return true;
}

void Switch::close_ports() {
  if (!ports_started_) return;
  for (const PortInfo& pi : ports_) {
    rte_eth_dev_stop(pi.dpdk_port);
    rte_eth_dev_close(pi.dpdk_port);  // releases mbufs held by RX descriptors
  }
  ports_started_ = false;
}

}  // namespace mcsnoop::app
