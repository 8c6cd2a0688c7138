// What the data plane is asked to build: ports, VLANs, lcores and table sizes.
//
// The app derives a SwitchSpec from the validated YAML config; pipeline tests build one by hand.
// Keeping this separate from config::Config lets the data plane be tested without YAML.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcsnoop/core/port_mask.hpp"

namespace mcsnoop::dataplane {

enum class VlanMode : uint8_t { Access, Trunk };

// What a port does with STP BPDUs (01:80:C2:00:00:00) it receives. mcsnoop runs no spanning
// tree: Flood relays them in the VLAN like a bridge with STP off; Drop discards them; Guard
// discards them and shuts the port (it stops forwarding until `port enable`).
enum class BpduMode : uint8_t { Flood, Drop, Guard };

// Storm control limits of one port, packets per second; 0 = off.
struct StormControlSpec {
  uint32_t broadcast = 0;
  uint32_t unknown_unicast = 0;
  uint32_t unregistered_multicast = 0;
  bool any() const { return broadcast != 0 || unknown_unicast != 0 || unregistered_multicast != 0; }
};

struct PortSpec {
  std::string name;
  std::string device;                 // PCI address, vdev spec, or the name of an existing ethdev
  VlanMode mode = VlanMode::Access;
  VlanId access_vlan = 1;             // access ports
  std::vector<VlanId> allowed_vlans;  // trunk ports: carried tagged
  VlanId native_vlan = 0;             // trunk ports: VLAN of untagged frames; 0 = none
  uint32_t punt_rate_pps = 1000;      // IGMP/MLD/PIM/MRD packets per second punted from this port
  // Bit b set: frames to 01:80:C2:00:00:0b (b = 2..15) are relayed; every other reserved
  // address (802.1Q table 8-1) is dropped. Bits 0 (BPDU, see `bpdu`) and 1 (PAUSE) are ignored.
  uint16_t forward_reserved = 0;
  BpduMode bpdu = BpduMode::Flood;
  // Addresses the port may hold in the MAC table; 0 = no per-port limit; unset = a fair share,
  // mac_table_size / number of ports.
  std::optional<uint32_t> max_macs;
  StormControlSpec storm;
  // false: use this port as if its device lacked RTE_ETH_TX_OFFLOAD_MULTI_SEGS (single-segment
  // replication), whatever it offers. For tests of that path; the app leaves it true.
  bool tx_multi_seg = true;
  // L3 MTU the switch sets on the port at start (ports[].mtu); unset = the device keeps its
  // default (DPDK's 1500).
  std::optional<uint16_t> mtu;
};

struct VlanSpec {
  VlanId id = 1;
  bool snoop_igmp = true;             // punt IGMP/PIM/MRD (else flood them like data)
  bool snoop_mld = true;              // punt MLD and IPv6 MRD
};

struct LcoreSpec {
  unsigned control = 0;
  std::vector<unsigned> workers;      // run-to-completion lcores (RX + TX)
  std::vector<unsigned> rx;           // split roles: RX lcores ...
  std::vector<unsigned> tx;           // ... handing bursts to TX lcores
  bool split() const { return !rx.empty(); }
};

struct SwitchSpec {
  std::vector<PortSpec> ports;        // index = PortId
  std::vector<VlanSpec> vlans;
  LcoreSpec lcores;
  uint32_t mac_table_size = 65536;
  std::chrono::milliseconds mac_aging{300'000};
  uint32_t mac_move_limit = 5;        // moves of one address per second above which it is flapping
  uint32_t mft_capacity = 131072;
  uint32_t mbufs = 16383;             // packet pool size (per switch)
};

}  // namespace mcsnoop::dataplane
