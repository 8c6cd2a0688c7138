#include "mcsnoop/control/control_plane.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include <sys/prctl.h>

#include <rte_mbuf.h>
#include <rte_pause.h>
#include <spdlog/spdlog.h>

#include "mcsnoop/control/query_frame.hpp"
#include "mcsnoop/dataplane/egress_rules.hpp"
#include "mcsnoop/dataplane/learn_event.hpp"
#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "mcsnoop/l2/mac_table.hpp"
#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/net/frame_classify.hpp"

namespace mcsnoop::control {

namespace {

constexpr uint64_t kLinkPollMs = 200;
constexpr uint64_t kHousekeepingMs = 100;
constexpr uint64_t kSocketPollMs = 5;
constexpr uint64_t kTelemetryMs = 1000;  // snapshot published for DPDK telemetry this often
constexpr size_t kMacAgeBudget = 4096;
constexpr unsigned kBurst = dataplane::kBurst;
// Idle policy of run(): keep polling for kSpinAfterWork after the last piece of work (a join
// usually comes with more reports, leaves with queries), then sleep kIdleSleep at a time.
// The sleep bounds how long a report waits in the punt ring on an idle switch (the join
// latency); 1 us of timer slack keeps the kernel from stretching it by its default 50 us.
constexpr auto kSpinAfterWork = std::chrono::microseconds(500);
constexpr auto kIdleSleep = std::chrono::microseconds(20);
constexpr unsigned long kTimerSlackNs = 1000;
// Refused MFT changes are retried this often, at most kMftRetryBudget per tick: a full table
// refuses a new key in a hash lookup, so a tick costs little even with many keys waiting.
constexpr uint64_t kMftRetryMs = 10;
constexpr unsigned kMftRetryBudget = 1024;
// The retry set holds at most this many keys (or the MFT's capacity, if larger): the engine
// never publishes much more than the table holds, so more means something is badly wrong.
constexpr size_t kMftRetryFloor = 4096;
// One log line about refused MFT updates per this interval, with the count since the last.
constexpr uint64_t kMftLogIntervalMs = 10'000;
// Ethernet header of an untagged frame: what a port's MTU does not count.
constexpr uint32_t kEthHeader = 14;

std::vector<std::string> port_names(std::span<const dataplane::PortInfo> ports) {
  std::vector<std::string> out;
  for (const dataplane::PortInfo& pi : ports) out.push_back(pi.name);
  return out;
}

}  // namespace

ControlPlane::ControlPlane(SwitchHandles sw, snoop::EngineConfig engine_config)
    : sw_(std::move(sw)),
      solicit_vlans_(solicit_vlans(engine_config)),
      // No VLAN wants solicitations: nothing is ever scheduled.
      solicitor_(port_count(), std::random_device{}(),
                 solicit_vlans_.empty() ? MrdSolicitTiming{.count = 0} : MrdSolicitTiming{}),
      bridge_(port_names(sw_.ports), sw_.spec.mac_move_limit),
      engine_(std::move(engine_config)) {
  frame_buf_.resize(16384);
  mft_retry_limit_ = std::max<size_t>(kMftRetryFloor, sw_.mft.capacity());
  refresh_frame_limits();
  const uint32_t room = rte_pktmbuf_data_room_size(sw_.packet_pool);
  mbuf_frame_limit_ = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
}

void ControlPlane::refresh_frame_limits() {
  port_frame_limit_.clear();
  for (PortId p = 0; p < port_count(); ++p) port_frame_limit_.push_back(sw_.port_status.mtu(p) + kEthHeader);
}

dataplane::PortCounters ControlPlane::port_counters(PortId p) const {
  dataplane::PortCounters sum = sw_.tx_counters[p];
  for (const LcoreHandle& lc : sw_.lcores) sum += lc.counters[p];
  return sum;
}

size_t ControlPlane::KeyHash::operator()(const mft::Key& k) const {
  return mft::signature_of(mft::hash_key(), k);  // keys come from the wire: keyed
}

ControlPlane::~ControlPlane() {
  server_.close();
  metrics_.close();
}

bool ControlPlane::start(const std::string& socket_path, std::string* err) {
  if (!socket_path.empty() && !server_.open(socket_path, err)) return false;
  register_handlers();
  now_ms_ = sw_.clock.now_ms();
  started_ms_ = now_ms_;
  // Link state first, so the engine knows which ports are up before its startup queries.
  for (PortId p = 0; p < port_count(); ++p) {
    // A link the driver cannot report counts as down.
    const bool up = sw_.port_status.link(p).value_or(dataplane::LinkStatus{}).up;
    sw_.state.port(p).link_up.store(up);
    if (up) solicitor_.trigger(p, now_ms_);
  }
  actions_.clear();
  engine_.start(snoop::Ms(now_ms_), actions_);
  apply(actions_, nullptr);
  sw_.tx.flush();
  started_ = true;
  return true;
}

// The engine's state limits, when they refuse (rate limited in LimitLog).
void ControlPlane::log_limits(uint64_t now_ms) {
  for (const std::string& line :
       limit_log_.check(engine_, port_count(), [this](PortId p) { return port_name(p); }, now_ms)) {
    spdlog::warn("{}", line);
  }
}

std::string ControlPlane::port_name(PortId p) const {
  return p < port_count() ? sw_.ports[p].name : "port" + std::to_string(p);
}

// ---- the loop --------------------------------------------------------------------------------

unsigned ControlPlane::poll_once(uint64_t now_ms) {
  now_ms_ = now_ms;
  unsigned work = drain_punts();
  work += drain_learns();
  work += watch_guard();
  work += check_reload_trigger();
  if (engine_.next_deadline() <= snoop::Ms(now_ms)) {
    actions_.clear();
    engine_.advance(snoop::Ms(now_ms), actions_);
    apply(actions_, nullptr);
    ++work;
  }
  if (now_ms >= solicitor_.next_due()) work += solicit_routers(now_ms);
  if (now_ms >= next_link_poll_) {
    poll_links();
    next_link_poll_ = now_ms + kLinkPollMs;
  }
  if (now_ms >= next_housekeeping_) {
    const auto aging = static_cast<uint64_t>(sw_.spec.mac_aging.count());
    counters_.macs_aged += sw_.macs.age(now_ms, aging, kMacAgeBudget);
    sw_.mft.reclaim();
    log_limits(now_ms);
    log_state_changes(now_ms);
    next_housekeeping_ = now_ms + kHousekeepingMs;
  }
  if (!mft_retry_.empty() && now_ms >= next_mft_retry_) {
    work += retry_mft();
    next_mft_retry_ = now_ms + kMftRetryMs;
  }
  // A large answer in progress goes on every iteration, one slice at a time.
  if (now_ms >= next_socket_poll_ || server_.streaming()) {
    server_.poll();
    metrics_.poll();
    next_socket_poll_ = now_ms + kSocketPollMs;
  }
  if (now_ms >= next_telemetry_) {
    auto snap = std::make_shared<SwitchSnapshot>();
    snapshot(*snap);
    telemetry_.publish(std::move(snap));
    next_telemetry_ = now_ms + kTelemetryMs;
  }
  sw_.tx.flush();
  return work;
}

unsigned ControlPlane::step() {
  const dataplane::TscClock& clock = sw_.clock;
  if (!timer_slack_set_) {
    prctl(PR_SET_TIMERSLACK, kTimerSlackNs, 0, 0, 0);  // this thread only; failure is harmless
    timer_slack_set_ = true;
    last_work_cycles_ = clock.cycles();
    last_step_cycles_ = last_work_cycles_;
  }
  const uint64_t now = clock.cycles();
  control_cycles_.add(last_step_busy_, now - last_step_cycles_);  // the previous iteration
  last_step_cycles_ = now;
  const unsigned work = poll_once(clock.cycles_to_ms(now));
  last_step_busy_ = work != 0;
  if (work != 0) {
    last_work_cycles_ = now;
  } else if (now - last_work_cycles_ < clock.hz() / 1'000'000 * kSpinAfterWork.count()) {
    rte_pause();
  } else {
    std::this_thread::sleep_for(kIdleSleep);
  }
  return work;
}

void ControlPlane::run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) step();
}

// ---- punted control frames -----------------------------------------------------------------

// A burst of punted frames is decoded first; the engine then takes the decoded messages in one
// receive_burst() (receive() on each in order, with the table lookups of the next ones started
// early); then each frame is finished in arrival order: a decoded one's actions applied (its
// frame forwarded or freed), the others flooded or dropped. MFT changes, queries and frames go
// out in the same order as when each frame was handled on its own.
unsigned ControlPlane::drain_punts() {
  rte_mbuf* pkts[kBurst];
  const unsigned n = rte_ring_sc_dequeue_burst(sw_.punt, reinterpret_cast<void**>(pkts), kBurst, nullptr);
  if (n == 0) return 0;
  net::DecodeResult result[kBurst];
  size_t decoded = 0;
  for (unsigned i = 0; i < n; ++i) {
    net::McastMessage& msg = punt_msgs_[decoded];
    result[i] = decode_punted(pkts[i], msg);
    if (result[i] != net::DecodeResult::Ok) continue;
    const dataplane::MbufMeta& md = dataplane::meta(pkts[i]);
    punt_in_[decoded] = snoop::Received{&msg, md.vlan, md.in_port};
    punt_actions_[decoded].clear();
    ++decoded;
  }
  if (decoded != 0) {
    engine_.receive_burst({punt_in_.data(), decoded}, snoop::Ms(now_ms_), {punt_actions_.data(), decoded});
  }
  for (unsigned i = 0, k = 0; i < n; ++i) {
    if (result[i] == net::DecodeResult::Ok) {
      ++counters_.decoded;
      apply(punt_actions_[k], pkts[i], &punt_msgs_[k]);
      ++k;
    } else {
      finish_undecoded(pkts[i], result[i]);
    }
  }
  counters_.punted_frames += n;
  return n;
}

// Decodes a punted frame from the worker's classification (carried in its MbufMeta): the frame
// is not classified, nor its IP header checked, a second time.
net::DecodeResult ControlPlane::decode_punted(rte_mbuf* m, net::McastMessage& msg) {
  const dataplane::MbufMeta& md = dataplane::meta(m);
  const uint32_t len = std::min<uint32_t>(m->pkt_len, static_cast<uint32_t>(frame_buf_.size()));
  const auto* data = static_cast<const uint8_t*>(rte_pktmbuf_read(m, 0, len, frame_buf_.data()));
  const net::Classification c{static_cast<net::FrameClass>(md.cls), md.l3_offset, md.l4_offset};
  net::DecodeNotes notes;
  return net::decode_classified(data, len, c, msg, &notes);
}

// A punted frame the decoder did not accept: flooded unchanged or dropped, by result.
void ControlPlane::finish_undecoded(rte_mbuf* m, net::DecodeResult r) {
  const dataplane::MbufMeta md = dataplane::meta(m);
  const dataplane::VlanState& vs = sw_.state.vlan(md.vlan);
  const PortMask flood = dataplane::final_egress(vs.members, vs, open_ports(), md.in_port);
  switch (r) {
    case net::DecodeResult::UnknownType:
    case net::DecodeResult::NotControl:
    case net::DecodeResult::QueryBadLength:
    case net::DecodeResult::Fragment:
      // Not something to learn from, but legitimate traffic: flood it in the VLAN unchanged
      // (RFC 4541 2.1.1(3); rfc-checklist E26, E30).
      ++counters_.decode_errors[static_cast<unsigned>(r)];
      ++counters_.flooded_unrecognized;
      sw_.tx.emit(m, md.vlan, md.tagged, flood, vs.untagged);
      return;
    default:
      // Malformed: learn nothing and do not flood (RFC 4541 2.1.1(5)); count it.
      ++counters_.decode_errors[static_cast<unsigned>(r)];
      sw_.tx_counters[md.in_port].count(dataplane::Drop::ControlInvalid);
      rte_pktmbuf_free(m);
      return;
  }
}

// Carries out what the engine decided. `frame` is the punted frame the actions answer, `msg` its
// decoded message (both null for timer- and start-driven actions); it is forwarded per
// actions.packet or freed.
void ControlPlane::apply(snoop::Actions& a, rte_mbuf* frame, const net::McastMessage* msg) {
  auto& state = sw_.state;
  for (const snoop::FwdUpdate& u : a.fwd) {
    const mft::Key key(u.vlan, u.group, u.source.value_or(net::IpAddr()));
    // Published as the engine decided: the workers keep each frame inside its VLAN
    // (dataplane::final_egress), so a port outside it in a set gets nothing.
    const PortMask ports = u.remove ? PortMask() : u.ports;
    // A newer change supersedes a refused one still waiting for its retry.
    if (!mft_retry_.empty()) mft_retry_.erase(key);
    if (!publish(key, ports, u.remove)) remember_refused(key, ports, u.remove);
  }
  for (const snoop::UnregisteredUpdate& u : a.unregistered)
    state.set_unregistered(u.vlan, u.family, u.ports);
  for (const snoop::QueryToSend& q : a.queries) send_query(q);

  if (frame != nullptr) {
    const dataplane::MbufMeta md = dataplane::meta(frame);
    if (a.packet.kind == snoop::PacketDisposition::Kind::Forward) {
      const dataplane::VlanState& vs = state.vlan(md.vlan);
      const PortMask egress = dataplane::final_egress(a.packet.egress, vs, open_ports(), md.in_port);
      if (msg != nullptr) count_tx(egress, snoop::msg_counter(*msg));
      sw_.tx.emit(frame, md.vlan, md.tagged, egress, vs.untagged);
    } else {
      rte_pktmbuf_free(frame);
    }
  }
}

// ---- MFT updates and their retries ----------------------------------------------------------

bool ControlPlane::publish(const mft::Key& key, PortMask ports, bool remove) {
  mft::Table& mft = sw_.mft;
  bool ok;
  if (remove) {
    // erase() is false both for an absent key (nothing to do) and for a refusal.
    ok = mft.erase(key) || mft.lookup(key) == nullptr;
  } else {
    ok = mft.set(key, ports);
  }
  if (ok && !key.is_any_source()) {
    const net::Family fam = key.group.family();
    sw_.state.set_has_source_entries(key.vlan, fam, mft.source_keys(key.vlan, fam) != 0);
  }
  return ok;
}

void ControlPlane::remember_refused(const mft::Key& key, PortMask ports, bool remove) {
  ++counters_.mft_refused;
  if (mft_retry_.size() < mft_retry_limit_) {
    if (mft_retry_.insert_or_assign(key, PendingFwd{ports, remove}).second) mft_retry_order_.push_back(key);
  } else {
    ++counters_.mft_retry_dropped;
  }
  if (now_ms_ >= mft_log_at_) {
    const mft::Table& mft = sw_.mft;
    spdlog::warn("MFT refused {} update(s) in the last {} s (vlan {} group {}): {} of {} entries in use, "
                 "{} waiting for a retry, {} not retried (retry set full)",
                 counters_.mft_refused - mft_refused_logged_, kMftLogIntervalMs / 1000, key.vlan,
                 key.group.to_string(), mft.size(), mft.capacity(), mft_retry_.size(),
                 counters_.mft_retry_dropped);
    mft_refused_logged_ = counters_.mft_refused;
    mft_log_at_ = now_ms_ + kMftLogIntervalMs;
  }
}

unsigned ControlPlane::retry_mft() {
  unsigned applied = 0;
  for (unsigned budget = kMftRetryBudget; budget != 0 && !mft_retry_order_.empty(); --budget) {
    const mft::Key key = mft_retry_order_.front();
    mft_retry_order_.pop_front();
    const auto it = mft_retry_.find(key);
    if (it == mft_retry_.end()) continue;  // superseded by a later change that went in
    if (publish(key, it->second.ports, it->second.remove)) {
      mft_retry_.erase(it);
      ++counters_.mft_retried;
      ++applied;
    } else {
      mft_retry_order_.push_back(key);
    }
  }
  // Keys superseded while waiting leave stale places behind; drop them once they dominate.
  if (mft_retry_order_.size() > 2 * mft_retry_.size() + kMftRetryBudget) {
    std::erase_if(mft_retry_order_, [this](const mft::Key& k) { return !mft_retry_.contains(k); });
  }
  return applied;
}

// ---- frames the control plane originates ------------------------------------------------------

uint32_t ControlPlane::frame_limit(PortMask egress) const {
  uint32_t limit = mbuf_frame_limit_;
  egress.for_each([&](PortId p) {
    if (p < port_frame_limit_.size()) limit = std::min(limit, port_frame_limit_[p]);
  });
  return limit;
}

void ControlPlane::send_query(const snoop::QueryToSend& q) {
  const dataplane::VlanState& vs = sw_.state.vlan(q.vlan);
  const PortMask egress = dataplane::final_egress(q.egress, vs, open_ports());
  if (egress.empty()) return;
  // The source MAC is the first egress port's own address, as a router's would be.
  const auto first = static_cast<PortId>(std::countr_zero(egress.bits()));
  const uint8_t* mac = sw_.ports[first].mac;
  const uint32_t limit = frame_limit(egress);
  const size_t per_frame = query_sources_per_frame(q, limit);
  if (per_frame == 0) {
    ++counters_.frames_oversize;
    return;
  }
  // A source list longer than one frame holds goes out in several queries (RFC 3376 4.1.8):
  // every source is asked about, as the engine expects after lowering their timers.
  const size_t total = q.sources.size();
  size_t done = 0;
  unsigned frames = 0;
  do {
    const size_t count = std::min(per_frame, total - done);
    const bool sent = transmit(q.vlan, egress, [&](std::span<uint8_t> room) {
      return build_query_frame_into(room, q, done, count, mac);
    });
    if (!sent) return;
    count_tx(unshut(egress), snoop::query_counter(q.family, q.version));
    ++frames;
    done += count;
  } while (done < total);
  ++counters_.queries_built;
  counters_.query_frames_split += frames - 1;
}

std::span<uint8_t> ControlPlane::frame_room(PortMask egress, rte_mbuf*& m) {
  m = rte_pktmbuf_alloc(sw_.packet_pool);
  if (m == nullptr) {
    ++counters_.frames_lost_no_mbuf;
    return {};
  }
  // Bounded by the egress MTU (a larger frame would be dropped by the NIC, or sent oversized by
  // a virtual device) and by the mbuf, whose length rte_pktmbuf_append takes in 16 bits.
  const uint32_t room = std::min<uint32_t>(frame_limit(egress), rte_pktmbuf_tailroom(m));
  return {rte_pktmbuf_mtod(m, uint8_t*), room};
}

bool ControlPlane::send_built(rte_mbuf* m, uint32_t len, VlanId vlan, PortMask egress) {
  if (len == 0 || rte_pktmbuf_append(m, static_cast<uint16_t>(len)) == nullptr) {
    rte_pktmbuf_free(m);
    ++counters_.frames_oversize;
    return false;
  }
  sw_.tx.emit(m, vlan, /*tagged=*/false, unshut(egress), sw_.state.vlan(vlan).untagged);
  return true;
}

void ControlPlane::count_tx(PortMask egress, uint64_t snoop::MsgCounters::*counter) {
  egress.for_each([&](PortId p) { ++(tx_msgs_[p].*counter); });
}

const snoop::MsgCounters& ControlPlane::tx_messages(PortId port) const {
  static const snoop::MsgCounters kNone{};
  return port < kMaxPorts ? tx_msgs_[port] : kNone;
}

// ---- learning, links -----------------------------------------------------------------------

unsigned ControlPlane::drain_learns() {
  dataplane::LearnEvent ev[kBurst];
  const unsigned n = rte_ring_sc_dequeue_burst_elem(sw_.learn, ev, sizeof(ev[0]), kBurst, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    const l2::MacKey key = l2::MacKey::from_bytes(ev[i].mac, ev[i].vlan);
    switch (sw_.macs.learn(key, ev[i].port, now_ms_)) {
      case l2::LearnResult::New: ++counters_.macs_learned; break;
      case l2::LearnResult::Moved:
        ++counters_.macs_moved;
        bridge_.on_move(key, ev[i].port, now_ms_);
        break;
      case l2::LearnResult::Refreshed: break;
      case l2::LearnResult::TableFull: ++counters_.mac_table_full; break;
      case l2::LearnResult::PortLimit:
        bridge_.on_port_limit(key, ev[i].port, sw_.macs.port_limit(ev[i].port), now_ms_);
        break;
    }
    // The table shows it now (or refused it): the workers' stand-in record can go.
    sw_.pending.retire(key.word(), ev[i].pending);
  }
  counters_.learn_events += n;
  return n;
}

unsigned ControlPlane::watch_guard() {
  const PortMask fresh = bridge_.newly_shut(sw_.state.shut_ports());
  if (fresh.empty()) return 0;
  fresh.for_each([&](PortId p) { sw_.macs.flush_port(p); });
  sw_.state.bump_mac_flush_epoch();
  return fresh.count();
}

nlohmann::json ControlPlane::enable_port(const nlohmann::json& request) {
  const auto it = request.find("port");
  if (it == request.end() || !it->is_string()) throw std::runtime_error("port enable: needs \"port\": NAME");
  const std::string name = it->get<std::string>();
  for (PortId p = 0; p < port_count(); ++p) {
    if (sw_.ports[p].name != name) continue;
    const bool was_shut = sw_.state.enable_port(p);
    bridge_.newly_shut(sw_.state.shut_ports());  // forget it, so a new BPDU is logged again
    if (was_shut) spdlog::info("port {}: re-enabled by the operator (BPDU guard cleared)", name);
    return {{"port", name}, {"was_shut", was_shut}};
  }
  throw std::runtime_error("port enable: no port named '" + name + "'");
}

void ControlPlane::poll_links() {
  for (PortId p = 0; p < port_count(); ++p) {
    const std::optional<dataplane::LinkStatus> link = sw_.port_status.link(p);
    if (!link) continue;
    const bool up = link->up;
    auto& ps = sw_.state.port(p);
    if (ps.link_up.load() == up) continue;
    ps.link_up.store(up);
    ++counters_.link_changes;
    state_log_.link(p, up, link->speed_mbps, [this](PortId q) { return port_name(q); }, now_ms_);
    if (!up) {
      sw_.macs.flush_port(p);
      sw_.state.bump_mac_flush_epoch();
    }
    if (up) {
      solicitor_.trigger(p, now_ms_);  // RFC 4286 5: the interface is re-initialized
    } else {
      solicitor_.cancel(p);
    }
    actions_.clear();
    engine_.set_link(p, up, snoop::Ms(now_ms_), actions_);
    apply(actions_, nullptr);
  }
}

}  // namespace mcsnoop::control
