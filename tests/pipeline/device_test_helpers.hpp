// Helpers shared by the pipeline tests that read the switch the way operators do (`show ports`,
// the /metrics page) and that run it on real virtual PMDs (device strings) rather than the
// harness's ring pairs: a port's entry in a view, a metric's sample, a recognisable broadcast
// frame, and a network namespace of the test's own holding a veth pair.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mcsnoop::testing {

// The entry of port `name` in a `show ports` answer (a failure, and null, when there is none).
inline const nlohmann::json& port_of(const nlohmann::json& ports, const std::string& name) {
  for (const nlohmann::json& p : ports)
    if (p["name"] == name) return p;
  static const nlohmann::json kNone;
  ADD_FAILURE() << "no port " << name;
  return kNone;
}

// The value of `family{port="port"}` (or of `family` alone when `port` is empty) on the metrics
// page; -1 when there is no such sample.
inline double metric(const std::string& page, const std::string& family, const std::string& port = "") {
  const std::string key = port.empty() ? family + " " : family + "{port=\"" + port + "\"} ";
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(key)) return std::stod(line.substr(key.size()));
  return -1;
}

// A broadcast frame of `len` bytes (local experimental EtherType 0x88b5) from 02:00:00:00:00:`src`,
// its payload a byte pattern so that a frame cut or spliced anywhere differs.
inline std::vector<uint8_t> broadcast_of(size_t len, uint8_t src) {
  std::vector<uint8_t> f(len, 0);
  std::fill_n(f.begin(), 6, 0xff);
  f[6] = 0x02;
  f[11] = src;
  f[12] = 0x88;
  f[13] = 0xb5;
  for (size_t i = 14; i < len; ++i) f[i] = static_cast<uint8_t>(i * 7 + src);
  return f;
}

// Moves the test thread into a new network namespace holding a veth pair nicA <-> nicB, both up
// with IPv6 off (no router solicitations or MLD reports from the kernel on the wire), and back
// to its own namespace on destruction (the pair goes with the namespace once the devices on it
// are closed). Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN); skip_reason() says why it is not there.
// DPDK's PMDs open their sockets from the thread that probes them: the test thread.
class VethNamespace {
 public:
  VethNamespace() {
    home_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_ < 0 || unshare(CLONE_NEWNET) != 0) {
      reason_ = std::string("no network namespace of its own: ") + std::strerror(errno);
      return;
    }
    std::ofstream("/proc/sys/net/ipv6/conf/default/disable_ipv6") << "1";
    std::ofstream("/proc/sys/net/ipv6/conf/all/disable_ipv6") << "1";
    if (std::system("ip link add nicA type veth peer name nicB && ip link set nicA up && ip link set nicB up") != 0)
      reason_ = "cannot create the veth pair nicA/nicB (iproute2)";
  }
  ~VethNamespace() {
    if (home_ >= 0) {
      if (setns(home_, CLONE_NEWNET) != 0) ADD_FAILURE() << "cannot return to the test's network namespace";
      close(home_);
    }
  }
  VethNamespace(const VethNamespace&) = delete;
  VethNamespace& operator=(const VethNamespace&) = delete;
  const std::string& skip_reason() const { return reason_; }

 private:
  int home_ = -1;
  std::string reason_;
};

}  // namespace mcsnoop::testing
