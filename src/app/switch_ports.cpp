// Port setup of the switch: probe, queues, offloads, start, close.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "mcsnoop/app/switch.hpp"
#include "mcsnoop/config/device_spec.hpp"

namespace mcsnoop::app {

using dataplane::PortInfo;
using dataplane::PortSpec;
using dataplane::SwitchSpec;

namespace {


// "net_pcap0,rx_pcap=a.pcap" -> "net_pcap0"; "0000:03:00.0" stays as it is.
std::string device_name(const std::string& device) { return device.substr(0, device.find(',')); }

std::optional<config::DeviceSpec> device_spec(const std::string& device) {
  auto spec = config::parse_device(device);
  if (auto* s = std::get_if<config::DeviceSpec>(&spec)) return std::move(*s);
  return std::nullopt;
}

bool is_af_packet(const std::string& device) {
  const auto spec = device_spec(device);
  return spec && config::is_af_packet(*spec);
}

// The largest MTU the device accepts, as ethdev validates one (eth_dev_validate_mtu in
// lib/ethdev/rte_ethdev.c): its max_mtu, and its longest frame less the overhead ethdev assumes.
uint32_t device_max_mtu(const rte_eth_dev_info& info) {
  const uint32_t overhead = info.max_mtu != UINT16_MAX && info.max_rx_pktlen > info.max_mtu
                                ? info.max_rx_pktlen - info.max_mtu
                                : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
  return std::min<uint32_t>(info.max_mtu, info.max_rx_pktlen > overhead ? info.max_rx_pktlen - overhead : 0);
}

// The MTU of a Linux interface (SIOCSIFMTU, what net_af_packet's own mtu_set does).
bool set_interface_mtu(const std::string& iface, uint16_t mtu, std::string* why) {
  ifreq ifr{};
  if (iface.size() >= sizeof ifr.ifr_name) {
    *why = "interface name too long";
    return false;
  }
  std::memcpy(ifr.ifr_name, iface.c_str(), iface.size() + 1);
  ifr.ifr_mtu = mtu;
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    *why = std::strerror(errno);
    return false;
  }
  const bool ok = ioctl(s, SIOCSIFMTU, &ifr) == 0;
  if (!ok) *why = std::strerror(errno);
  close(s);
  return ok;
}

// The MTU of an af_packet device's interface (its `iface` argument).
bool set_af_packet_mtu(const config::DeviceSpec& spec, uint16_t mtu, std::string* why) {
  const config::DeviceArg* iface = config::find_arg(spec, "iface");
  if (iface == nullptr || !iface->value) {
    *why = "the device string names no iface";
    return false;
  }
  if (set_interface_mtu(*iface->value, mtu, why)) return true;
  *why = "cannot set the MTU of interface " + *iface->value + " to " + std::to_string(mtu) + ": " + *why +
         " (`ip -d link show " + *iface->value + "` shows its maxmtu)";
  return false;
}

}  // namespace

// The longest frame of a port (its MTU, default 1500, + Ethernet header + two VLAN tags + CRC),
// and for net_af_packet, which copies a whole ring slot into one mbuf, the slot's data.
uint32_t rx_frame_room(const PortSpec& ps) {
  const uint32_t mtu = ps.mtu.value_or(RTE_ETHER_MTU);
  uint32_t room = mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN;
  const auto spec = device_spec(ps.device);
  if (spec && config::is_af_packet(*spec)) {
    const uint32_t slot = config::af_packet_frame_size(*spec);
    if (slot > config::kAfPacketTxOffset) room = std::max(room, slot - config::kAfPacketTxOffset);
  }
  return room;
}

// Multi-segment frames. TX: the replication path chains a header mbuf to a clone of the
// payload, which a device sends whole only with RTE_ETH_TX_OFFLOAD_MULTI_SEGS (ixgbe's and
// i40e's simple TX paths send the first segment alone). Where it is offered it is requested;
// elsewhere the port gets flat copies (TxTarget::multi_seg).
// RX: the port's MTU is ports[].mtu (rxmode.mtu, see apply_mtu), else DPDK's default of 1500.
// The packet pool's mbufs are sized for the longest frame of the largest MTU (MTU + Ethernet
// header + two VLAN tags + CRC; Switch::create_pools), so every frame a port accepts fits one
// mbuf; longer frames are dropped by the device and counted in its own statistics (ethdev
// ierrors). Where the device offers RX scatter it is enabled as well, so that a frame longer
// than one mbuf that a device does accept still arrives whole, as a chain, which the data path
// handles (headers are in the first segment; control frames are read with rte_pktmbuf_read; the
// TX stage copies chains flat for ports without MULTI_SEGS).
bool Switch::configure_segments(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, PortInfo* pi,
                                std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  pi->tx_multi_seg = ps.tx_multi_seg && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
  if (pi->tx_multi_seg) conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  pi->rx_scatter = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
  if (pi->rx_scatter) conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
  const uint32_t longest = rx_frame_room(ps);
  const uint32_t room = rte_pktmbuf_data_room_size(pkt_pool_) - RTE_PKTMBUF_HEADROOM;
  if (!pi->rx_scatter && longest > room) {
    *err = "ports[" + std::to_string(id) + "].device: '" + ps.device +
           "' offers no RX scatter and its longest frame (" + std::to_string(longest) +
           " bytes) does not fit one mbuf (" + std::to_string(room) + ")";
    return false;
  }
  return true;
}

// ports[].mtu, before rte_eth_dev_configure. Most devices take it as rxmode.mtu (DPDK 22.11:
// ethdev validates it against the device's limits and the PMD sizes its receive path from it).
// net_af_packet cannot: its device info claims a longest frame of 1518 bytes whatever its ring
// holds, so ethdev refuses any MTU above 1500 for it; what bounds its frames is the kernel
// interface's MTU (and the ring's slots, sized for the MTU by config::device_for_mtu), so the
// switch sets that interface's MTU after configuring the port (finish_mtu), as the PMD's own
// mtu_set would. A device that cannot take the MTU fails the start, naming its limit.
bool Switch::apply_mtu(PortId id, const rte_eth_dev_info& info, rte_eth_conf* conf, std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  if (!ps.mtu || is_af_packet(ps.device)) return true;
  const uint32_t max = device_max_mtu(info);
  if (*ps.mtu > max || *ps.mtu < info.min_mtu) {
    *err = "ports[" + std::to_string(id) + "].mtu: " + std::to_string(*ps.mtu) + " is not an MTU device '" +
           ps.device + "' accepts (it takes " + std::to_string(info.min_mtu) + ".." + std::to_string(max) + ")";
    return false;
  }
  conf->rxmode.mtu = *ps.mtu;
  return true;
}

// Before the pools and the probes: a net_af_packet port whose MTU needs larger ring slots than
// the PMD's default gets them in its device string (config::device_for_mtu), so that the
// operator sets `mtu` alone; the packet pool is then sized for those slots.
bool Switch::size_devices_for_mtu(std::string* err) {
  for (PortId id = 0; id < spec_.ports.size(); ++id) {
    PortSpec& ps = spec_.ports[id];
    if (!ps.mtu) continue;
    std::string why;
    auto device = config::device_for_mtu(ps.device, *ps.mtu, static_cast<uint32_t>(getpagesize()), &why);
    if (!device) {
      *err = "ports[" + std::to_string(id) + "].mtu: " + why;
      return false;
    }
    ps.device = std::move(*device);
  }
  return true;
}

// After rte_eth_dev_configure: the MTU is in force, or the start fails (never another MTU).
bool Switch::finish_mtu(PortId id, std::string* err) {
  const PortSpec& ps = spec_.ports[id];
  if (!ps.mtu) return true;
  const std::string where = "ports[" + std::to_string(id) + "].mtu: ";
  const auto spec = device_spec(ps.device);
  if (spec && config::is_af_packet(*spec)) {
    std::string why;
    if (!set_af_packet_mtu(*spec, *ps.mtu, &why)) {
      *err = where + why;
      return false;
    }
  } else {
    uint16_t now = 0;
    if (rte_eth_dev_get_mtu(ports_[id].dpdk_port, &now) != 0 || now != *ps.mtu) {
      *err = where + "device '" + ps.device + "' did not take MTU " + std::to_string(*ps.mtu) + " (it reports " +
             std::to_string(now) + ")";
      return false;
    }
  }
  ports_[id].mtu = *ps.mtu;
  return true;
}

// One port's MTU while it runs (set_mtus): checked against what start sized for the port, then
// set as at start (the kernel interface for af_packet, ethdev otherwise).
bool Switch::change_mtu(PortId id, std::optional<uint16_t> mtu, std::string* err) {
  PortSpec& ps = spec_.ports[id];
  const uint16_t want = mtu.value_or(RTE_ETHER_MTU);
  const auto text = [](std::optional<uint16_t> v) { return v ? std::to_string(*v) : std::string("unset"); };
  const auto refuse = [&](const std::string& why) {
    if (err) {
      *err = "ports[" + ps.name + "].mtu: " + text(ps.mtu) + " -> " + text(mtu) + " cannot be applied while running (" +
             why + "): restart mcsnoop to apply it; nothing of the file was applied";
    }
    return false;
  };
  const auto spec = device_spec(ps.device);
  if (spec && config::is_af_packet(*spec)) {
    const uint32_t need = config::af_packet_frame_size_for(want);
    const uint32_t have = config::af_packet_frame_size(*spec);
    if (need > have) {
      return refuse("its af_packet ring slots were sized at start for frames of up to " + std::to_string(have) +
                    " bytes; this MTU needs " + std::to_string(need));
    }
    std::string why;
    if (!set_af_packet_mtu(*spec, want, &why)) return refuse(why);
  } else {
    PortSpec probe = ps;
    probe.mtu = want;
    const uint32_t longest = rx_frame_room(probe);
    const uint32_t room = rte_pktmbuf_data_room_size(pkt_pool_) - RTE_PKTMBUF_HEADROOM;
    if (!ports_[id].rx_scatter && longest > room) {
      return refuse("the device has no RX scatter and the packet mbufs were sized at start for frames of up to " +
                    std::to_string(room) + " bytes; this MTU's longest is " + std::to_string(longest));
    }
    const int rc = rte_eth_dev_set_mtu(ports_[id].dpdk_port, want);
    if (rc != 0) return refuse("device '" + ps.device + "' refuses it while started: " + std::strerror(-rc));
  }
  ps.mtu = mtu;
  ports_[id].mtu = mtu.value_or(0);
  return true;
}

bool Switch::set_mtus(const SwitchSpec& next, std::string* err) {
  std::vector<std::pair<PortId, std::optional<uint16_t>>> changed;  // port, MTU before
  for (PortId p = 0; p < spec_.ports.size() && p < next.ports.size(); ++p) {
    const std::optional<uint16_t> before = spec_.ports[p].mtu;
    if (next.ports[p].mtu == before) continue;
    if (!change_mtu(p, next.ports[p].mtu, err)) {
      for (auto it = changed.rbegin(); it != changed.rend(); ++it) change_mtu(it->first, it->second, nullptr);
      return false;
    }
    changed.emplace_back(p, before);
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
  if (!configure_segments(id, info, &conf, &pi, err) || !apply_mtu(id, info, &conf, err)) return false;
  if (rte_eth_dev_configure(port_id, pi.rx_queues, pi.tx_queues, &conf) != 0) {
    *err = where + ": cannot configure " + std::to_string(pi.rx_queues) + " RX / " +
           std::to_string(pi.tx_queues) + " TX queues";
    return false;
  }
  if (!finish_mtu(id, err)) return false;
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
