// Packet capture with dpdk-dumpcap: rte_pdump_init() lets a secondary DPDK process (dpdk-dumpcap,
// dpdk-pdump) attach to the switch and mirror any port's RX/TX into a pcapng file. It needs the
// shared configuration of the primary process: with --no-shconf (or --in-memory) the EAL has no
// multi-process channel, capture is impossible, and the log says so.
//
// Thread safety: call from main, after rte_eal_init and before the lcores are launched
// (start) / after they stopped (stop).
#pragma once

#include <string>
#include <vector>

namespace mcsnoop::app {

// Why capture cannot work with these EAL arguments ("--no-shconf"), or empty when it can.
std::string capture_blocker(const std::vector<std::string>& eal_args);

// Initialises rte_pdump when the EAL arguments allow it; logs what an operator needs either way.
// Returns true when capture is available.
bool start_packet_capture(const std::vector<std::string>& eal_args);

// Releases rte_pdump (no-op when start_packet_capture returned false).
void stop_packet_capture();

}  // namespace mcsnoop::app
