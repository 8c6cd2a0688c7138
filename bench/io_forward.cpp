// io_forward: the I/O ceiling of the box on the benchmark's vdevs, as a program of its own.
//
//   io_forward [--frames N] [--groups G] [common options] [-- EAL arguments]
//
// Source `net_pcap0,rx_pcap=<generated>,infinite_rx=1` (N 64-byte multicast frames over G
// groups, the mcast cases' traffic), sink `net_null0,no-rx=1`; one lcore runs rx_burst on the
// source and tx_burst on the sink, 32 frames a burst, nothing else. switch_bench measures the
// same loop in-process on its own ports, interleaved with the switch; this program is the
// cross-check that the in-process figure is the ceiling of a minimal DPDK program.
//
// Output: "bench io-forward mpps=<median>" and a comment line with every window.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "bench_env.hpp"
#include "io_forward_loop.hpp"
#include "traffic.hpp"

namespace {

using namespace mcsnoop::bench;

// Descriptor counts and pool cache as the switch sets its ports up (dataplane.cpp), so both
// programs hand the PMDs the same resources.
constexpr uint16_t kDescriptors = 1024;
constexpr unsigned kPoolCache = 256;
// infinite_rx keeps every pcap frame in an mbuf of the RX pool for the life of the port; the
// rest covers the frames in flight and the per-lcore caches.
constexpr unsigned kPoolHeadroom = 8192;

bool setup_port(const std::string& device, rte_mempool* pool, uint16_t* port_id, std::string* err) {
  const std::string name = device.substr(0, device.find(','));
  if (rte_dev_probe(device.c_str()) != 0 || rte_eth_dev_get_port_by_name(name.c_str(), port_id) != 0) {
    *err = "cannot probe " + device;
    return false;
  }
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(*port_id, 1, 1, &conf) != 0 ||
      rte_eth_rx_queue_setup(*port_id, 0, kDescriptors, rte_eth_dev_socket_id(*port_id), nullptr, pool) != 0 ||
      rte_eth_tx_queue_setup(*port_id, 0, kDescriptors, rte_eth_dev_socket_id(*port_id), nullptr) != 0 ||
      rte_eth_dev_start(*port_id) != 0) {
    *err = "cannot set up " + device;
    return false;
  }
  return true;
}

int run(int argc, char** argv) {
  CommonOptions opts;
  std::vector<std::string> rest;
  std::string err;
  if (!parse_common(argc, argv, opts, rest, &err)) {
    std::fprintf(stderr, "io_forward: %s\n", err.c_str());
    return 2;
  }
  unsigned frames = 8192, groups = 1000;
  for (size_t i = 0; i < rest.size(); ++i) {
    unsigned* target = rest[i] == "--frames" ? &frames : rest[i] == "--groups" ? &groups : nullptr;
    if (target == nullptr || i + 1 >= rest.size() || !parse_unsigned(rest[i + 1], *target) || *target == 0) {
      std::fprintf(stderr, "usage: io_forward [--frames N] [--groups G] [--windows N] [--window-ms MS]\n"
                           "                  [--warmup-ms MS] [--prefix P] [--workdir DIR] [--huge-dir DIR] [-- EAL args]\n");
      return 2;
    }
    ++i;
  }
  if (groups > frames) groups = frames;

  const std::string pcap = opts.workdir + "/mcsnoop-iofwd-" + std::to_string(getpid()) + ".pcap";
  if (!write_frames(pcap, multicast_stream(groups, frames, 1), &err)) {
    std::fprintf(stderr, "io_forward: %s: %s\n", pcap.c_str(), err.c_str());
    return 1;
  }
  if (!start_eal(argv[0], opts, &err)) {
    std::fprintf(stderr, "io_forward: %s\n", err.c_str());
    std::remove(pcap.c_str());
    return 1;
  }
  int rc = 0;
  rte_mempool* pool = rte_pktmbuf_pool_create("iofwd_pool", frames + kPoolHeadroom, kPoolCache, 0,
                                              RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
  IoForwardTask task;
  if (pool == nullptr ||
      !setup_port("net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1", pool, &task.rx_port, &err) ||
      !setup_port("net_null0,no-rx=1", pool, &task.tx_port, &err)) {
    std::fprintf(stderr, "io_forward: %s\n", pool == nullptr ? "cannot create the mbuf pool" : err.c_str());
    rc = 1;
  } else {
    std::vector<double> mpps;
    for (unsigned w = 0; w < opts.windows && rc == 0; ++w) {
      if (!start_io_forward(task, kForwardingLcore)) {
        std::fprintf(stderr, "io_forward: cannot launch on lcore %u\n", kForwardingLcore);
        rc = 1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(opts.warmup_ms));
      const uint64_t n0 = task.forwarded.load();
      const double t0 = now_seconds();
      std::this_thread::sleep_for(std::chrono::milliseconds(opts.window_ms));
      const uint64_t n1 = task.forwarded.load();
      const double t1 = now_seconds();
      stop_io_forward(task, kForwardingLcore);
      mpps.push_back(static_cast<double>(n1 - n0) / (t1 - t0) / 1e6);
    }
    if (rc == 0) {
      std::printf("# io-forward standalone (net_pcap %u frames -> net_null, 1 lcore, burst %u): windows %s Mpps\n",
                  frames, unsigned{kIoBurst}, figures(mpps, 3).c_str());
      std::printf("bench io-forward mpps=%.3f\n", median(mpps));
    }
  }
  for (uint16_t p : {task.rx_port, task.tx_port}) {
    if (rte_eth_dev_is_valid_port(p)) {
      rte_eth_dev_stop(p);
      rte_eth_dev_close(p);
    }
  }
  rte_mempool_free(pool);
  rte_eal_cleanup();
  std::remove(pcap.c_str());
  return rc;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
