// replication_bench: what replicating one frame to k ports costs, by reference count against by
// copy, for each frame size, in TSC cycles per input frame.
//
// Each pass takes 32-frame bursts through what the worker and the ports' TX completion do:
// a "received" frame (an mbuf of the packet pool, its bytes written as the RX path would), then
//   refcount: rte_pktmbuf_refcnt_update(m, k - 1) and the same mbuf for each of the k ports;
//   copy:     the mbuf for the first port and, for each other port, an mbuf from the same pool
//             with the frame copied into it (TxStage::emit_same);
// and, per burst, every port's mbufs freed one by one (as net_null's TX and a NIC's TX
// completion do: an atomic decrement for a shared mbuf, the non-atomic fast path otherwise).
// Figures: median and minimum over --reps passes of 2^14 frames (the minimum is the figure to
// quote on a shared machine: some short passes run without being preempted).
//
// Usage: replication_bench [--reps N] [-- EAL args]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

namespace {

constexpr unsigned kBurst = 32;
constexpr unsigned kFrames = 1u << 14;

enum class Mode { Refcount, Copy };

rte_mbuf* received(rte_mempool* pool, uint16_t len, uint8_t fill) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) std::abort();
  auto* p = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, len));
  std::memset(p, fill, len);
  return m;
}

template <Mode kMode>
double pass_cycles_per_frame(rte_mempool* pool, uint16_t len, unsigned k) {
  rte_mbuf* out[8][kBurst];
  const uint64_t start = rte_rdtsc_precise();
  for (unsigned base = 0; base < kFrames; base += kBurst) {
    for (unsigned i = 0; i < kBurst; ++i) {
      rte_mbuf* m = received(pool, len, static_cast<uint8_t>(i));
      if constexpr (kMode == Mode::Refcount) {
        rte_pktmbuf_refcnt_update(m, static_cast<int16_t>(k - 1));
        for (unsigned p = 0; p < k; ++p) out[p][i] = m;
      } else {
        out[0][i] = m;
        const auto* src = rte_pktmbuf_mtod(m, const uint8_t*);
        rte_mbuf* copies[8];
        if (rte_pktmbuf_alloc_bulk(pool, copies, k - 1) != 0) std::abort();
        for (unsigned p = 1; p < k; ++p) {
          rte_mbuf* c = copies[p - 1];
          std::memcpy(rte_pktmbuf_mtod(c, uint8_t*), src, m->data_len);
          c->data_len = m->data_len;
          c->pkt_len = m->pkt_len;
          out[p][i] = c;
        }
      }
    }
    for (unsigned p = 0; p < k; ++p)
      for (unsigned i = 0; i < kBurst; ++i) rte_pktmbuf_free(out[p][i]);
  }
  return static_cast<double>(rte_rdtsc_precise() - start) / kFrames;
}

struct Figure {
  double median = 0;
  double min = 0;
};

Figure summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front()};
}

}  // namespace

int main(int argc, char** argv) {
  unsigned reps = 51;
  int eal_from = argc;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) {
      reps = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--") {
      eal_from = i + 1;
      break;
    } else {
      std::fprintf(stderr, "usage: %s [--reps N] [-- EAL args]\n", argv[0]);
      return 2;
    }
  }
  const std::string prefix = "mcsnoop-replbench-" + std::to_string(getpid());
  std::vector<std::string> args = {argv[0], "--no-huge", "-m", "512", "--no-pci", "--no-shconf", "--file-prefix",
                                   prefix, "-l", "0", "--log-level", "lib.eal:warning"};
  for (int i = eal_from; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> eal_argv;
  for (std::string& s : args) eal_argv.push_back(s.data());
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  // As the switch's packet pool: default data room, a per-lcore cache of 256.
  rte_mempool* pool = rte_pktmbuf_pool_create("replbench", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (pool == nullptr) {
    std::fprintf(stderr, "pool: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  std::printf("# cycles per input frame (TSC %.0f MHz): median (min) over %u passes of %u frames\n",
              rte_get_tsc_hz() / 1e6, reps, kFrames);
  std::printf("%6s %7s %16s %16s %10s\n", "bytes", "fan-out", "refcount", "copy", "copy/ref");
  for (const unsigned k : {2u, 4u}) {
    for (const uint16_t wire : {64, 128, 256, 512, 1518}) {
      const auto len = static_cast<uint16_t>(wire - 4);  // without the FCS
      std::vector<double> r, c;
      for (unsigned rep = 0; rep < reps; ++rep) {  // interleaved, so drift hits both
        r.push_back(pass_cycles_per_frame<Mode::Refcount>(pool, len, k));
        c.push_back(pass_cycles_per_frame<Mode::Copy>(pool, len, k));
      }
      const Figure fr = summarize(r), fc = summarize(c);
      std::printf("%6u %7u %7.1f (%6.1f) %7.1f (%6.1f) %10.2f\n", wire, k, fr.median, fr.min, fc.median, fc.min,
                  fc.min / fr.min);
      std::fflush(stdout);
    }
  }
  rte_mempool_free(pool);
  rte_eal_cleanup();
  return 0;
}
