// What the switch learned about each port when it set the port up (ethdev id, queues,
// offloads, MAC address, MTU). Written once before any lcore starts; read-only afterwards, so
// any thread may read it, except `mtu`, which a live reload changes on the control lcore and
// only the control lcore reads (dataplane::PortStatus).
#pragma once

#include <cstdint>
#include <string>

namespace mcsnoop::dataplane {

struct PortInfo {
  std::string name;
  uint16_t dpdk_port;
  uint16_t rx_queues;
  uint16_t tx_queues;
  bool control_queue;        // false: the control lcore transmits through worker 0
  bool tx_multi_seg;         // TX offload MULTI_SEGS enabled: chained mbufs may be sent
  bool rx_scatter;           // RX offload SCATTER enabled: a long frame may arrive chained
  uint16_t mtu;              // the MTU the switch set (ports[].mtu); 0 = the device's own
  uint8_t mac[6];
};

}  // namespace mcsnoop::dataplane
