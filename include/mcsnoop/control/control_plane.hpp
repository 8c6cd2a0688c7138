// The control lcore: the only writer of the MFT, the MAC table and the unregistered sets.
//
// Each poll_once() drains the punt ring (decodes with `net`, runs the `snoop` engine with the
// monotonic clock, forwards the frame where the engine says, applies forwarding changes,
// transmits the queries the engine asks for), applies MAC learning events, runs the engine's
// timers, watches link state, solicits multicast routers (RFC 4286) at start and on link up,
// ages MACs, reclaims retired table entries and serves the control socket. Nothing in it
// blocks: the socket is polled, not waited on.
//
// Thread safety: one ControlPlane per switch; every call from the control lcore only.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcsnoop/control/bridge_monitor.hpp"
#include "mcsnoop/control/counter_baseline.hpp"
#include "mcsnoop/control/limit_log.hpp"
#include "mcsnoop/control/mrd_solicitor.hpp"
#include "mcsnoop/control/state_log.hpp"
#include "mcsnoop/control/switch_handles.hpp"
#include "mcsnoop/control/switch_snapshot.hpp"
#include "mcsnoop/control/telemetry.hpp"
#include "mcsnoop/dataplane/lcore_cycles.hpp"
#include "mcsnoop/mft/key.hpp"
#include "mcsnoop/mgmt/control_server.hpp"
#include "mcsnoop/mgmt/http_server.hpp"
#include "mcsnoop/net/decode.hpp"
#include "mcsnoop/snoop/engine.hpp"

namespace mcsnoop::control {

struct ControlCounters {
  uint64_t punted_frames = 0;
  uint64_t decoded = 0;
  uint64_t flooded_unrecognized = 0;   // unknown IGMP types etc. (RFC 4541 2.1.1(3))
  uint64_t decode_errors[net::kDecodeResultCount] = {};
  uint64_t mft_refused = 0;            // MFT updates refused (table full, bucket full, backlog)
  uint64_t mft_retried = 0;            // refused updates applied later by a retry
  uint64_t mft_retry_dropped = 0;      // refused with the retry set full: not retried (logged)
  uint64_t queries_built = 0;          // queries sent (a split query counts once)
  uint64_t query_frames_split = 0;     // extra frames of queries split at the egress MTU
  uint64_t frames_oversize = 0;        // originated frames refused: larger than an mbuf or the MTU
  uint64_t mrd_solicitations_sent = 0; // RFC 4286 solicitations (one per port, VLAN and family)
  uint64_t frames_lost_no_mbuf = 0;
  uint64_t learn_events = 0;
  uint64_t macs_learned = 0, macs_moved = 0, macs_aged = 0, mac_table_full = 0;
  uint64_t link_changes = 0;
};

class ControlPlane {
 public:
  // `sw`: what the switch hands the control lcore (switch_handles.hpp); it outlives this.
  ControlPlane(SwitchHandles sw, snoop::EngineConfig engine_config);
  ~ControlPlane();

  // Opens the control socket (empty path: no socket) and starts the engine: initial
  // unregistered sets, static entries and startup queries go out at once.
  bool start(const std::string& socket_path, std::string* err);

  // One pass of the loop at time `now_ms` (the data plane clock's milliseconds).
  // Returns how much work was done (0 = idle).
  unsigned poll_once(uint64_t now_ms);
  // One iteration of the control loop: poll_once() on the data plane clock, then the idle
  // policy when there was nothing to do: poll on for 500 us after the last work, then sleep
  // 20 us at a time (1 us timer slack). Returns poll_once()'s work count. For callers that
  // interleave their own work with the loop (benchmarks); run() is step() until stopped.
  // Call from the control lcore's thread only: the first call sets that thread's timer slack.
  unsigned step();
  // Loops until `stop` is set, sleeping briefly when idle so a shared core is not starved.
  void run(const std::atomic<bool>& stop);

  // JSON views served on the socket (the contract's `show` commands).
  nlohmann::json show_ports() const;
  nlohmann::json show_stats() const;
  // `show groups` with the request's filters (vlan, group, port) and `detail`, in one piece;
  // the control socket streams the same answer in slices (groups_stream()).
  nlohmann::json show_groups(const nlohmann::json& request = nlohmann::json::object()) const;
  // The `show groups` answer as a stream of slices (sorted by VLAN, group, source), each a
  // bounded amount of work, so the control loop goes on between them. Throws
  // std::runtime_error for a bad filter.
  std::unique_ptr<mgmt::ControlServer::ArrayStream> groups_stream(const nlohmann::json& request) const;
  nlohmann::json show_routers() const;
  nlohmann::json show_querier() const;
  // ---- views helper (show_views.cpp, clear.cpp; docs/control-socket.md has the JSON) ----
  nlohmann::json show_vlans() const;
  nlohmann::json show_mac(const nlohmann::json& request) const;   // filters: vlan, port
  nlohmann::json show_version() const;
  nlohmann::json clear_groups(const nlohmann::json& request);     // filters: vlan, port
  nlohmann::json clear_counters();
  // What `show version` reports; main() sets it before start().
  void set_run_info(std::string version, std::string config_path);
  // Resolves a port name of a request; throws std::runtime_error naming it when unknown.
  PortId port_by_name(const std::string& name) const;
  std::string port_name(PortId p) const;
  // `explain` {"port", "dst", "src"?, "vlan"?}: the data plane's decision for such a frame now,
  // with a reason per port (explain.cpp; docs/control-socket.md). Throws for a bad request.
  nlohmann::json explain(const nlohmann::json& request) const;
  // `port enable` {"port": NAME}: reopens a port BPDU guard shut. Throws for an unknown port.
  nlohmann::json enable_port(const nlohmann::json& request);

  const snoop::Engine& engine() const { return engine_; }
  const ControlCounters& counters() const { return counters_; }
  // IGMP/MLD/PIM/MRD messages sent out of `port` by type and version: our queries and MRD
  // solicitations, and the control frames forwarded (all zero for an unknown port). The
  // received ones are engine().rx_messages(port).
  const snoop::MsgCounters& tx_messages(PortId port) const;
  const BridgeMonitor& bridge() const { return bridge_; }
  // MFT updates refused and waiting for their retry (at most mft_retry_limit()).
  size_t mft_retry_pending() const { return mft_retry_.size(); }
  size_t mft_retry_limit() const { return mft_retry_limit_; }
  mgmt::ControlServer& server() { return server_; }

  // Metrics and telemetry (metrics_export.cpp, switch_snapshot.cpp, telemetry.hpp).
  // Opens the Prometheus endpoint (GET /metrics) on a numeric host and port; it is served
  // from poll_once() like the control socket. False with a reason in *err.
  bool open_metrics(const std::string& host, uint16_t port, std::string* err);
  mgmt::HttpServer& metrics_server() { return metrics_; }
  // Copies what the metrics report out of the switch (engine, tables, counters, NIC stats).
  void snapshot(SwitchSnapshot& out) const;
  // The metrics page in the Prometheus text format, from a fresh snapshot.
  std::string render_metrics();

  // ---- live reload (reload.cpp) ------------------------------------------------------------
  // Takes over the run-time settings of a reloaded configuration without losing state: the
  // engine's (Engine::reconfigure; its forwarding changes and queries are applied at once), the
  // switch's (SwitchHandles::reconfigure), the ports' MTUs (SwitchHandles::set_mtus), the MAC
  // move limit and the MRD solicitation VLANs. Returns false with *err and changes nothing when
  // a device cannot take its new MTU while running, or when `engine` has other ports, VLANs or
  // VLAN members than the running switch (the caller refuses those as restart-required first).
  bool reconfigure(const snoop::EngineConfig& engine, const dataplane::SwitchSpec& spec, std::string* err);
  // Registers the `reload` command of the control socket; `handler` runs on the control lcore
  // inside poll() (it may call reconfigure()).
  void set_reload_handler(mgmt::ControlServer::Handler handler);
  // SIGHUP: the signal handler sets `*flag`; poll_once() clears it and calls `on_request` on
  // the control lcore. `flag` must outlive the ControlPlane.
  void set_reload_trigger(std::atomic<bool>* flag, std::function<void()> on_request);

 private:
  // Runs the SIGHUP reload when its flag is set; returns 1 when it did.
  unsigned check_reload_trigger();
  unsigned drain_punts();
  unsigned drain_learns();
  net::DecodeResult decode_punted(rte_mbuf* m, net::McastMessage& msg);
  void finish_undecoded(rte_mbuf* m, net::DecodeResult r);
  void apply(snoop::Actions& actions, rte_mbuf* frame, const net::McastMessage* msg = nullptr);
  // Applies one forwarding change to the MFT; false when the table refused it.
  bool publish(const mft::Key& key, PortMask ports, bool remove);
  // A refused change: remembered (latest wins) and retried by retry_mft() until it is applied.
  void remember_refused(const mft::Key& key, PortMask ports, bool remove);
  // Retries up to a budget of remembered changes, oldest first. Returns how many were applied.
  unsigned retry_mft();
  void send_query(const snoop::QueryToSend& q);
  // Largest untagged frame every port of `egress` carries (MTU + Ethernet header), and that one
  // mbuf of the packet pool holds.
  uint32_t frame_limit(PortMask egress) const;
  // Builds one untagged frame straight into a new mbuf and sends it into `vlan` out of
  // `egress`: build(room) writes the frame into `room` (at most frame_limit(egress) bytes) and
  // returns its length, 0 when it does not fit. False (counted) when no mbuf was left
  // (frames_lost_no_mbuf) or the frame did not fit (frames_oversize).
  template <typename Build>
  bool transmit(VlanId vlan, PortMask egress, Build&& build) {
    rte_mbuf* m = nullptr;
    const std::span<uint8_t> room = frame_room(egress, m);
    if (m == nullptr) return false;
    return send_built(m, build(room), vlan, egress);
  }
  // A new mbuf in `m` (null, counted, when the pool is empty) and the room a frame to `egress`
  // may take in it.
  std::span<uint8_t> frame_room(PortMask egress, rte_mbuf*& m);
  // Sets the length of the frame built in `m` and hands it to the control TX path; frees it
  // (counted as frames_oversize) when `len` is 0.
  bool send_built(rte_mbuf* m, uint32_t len, VlanId vlan, PortMask egress);
  // MRD solicitations (mrd_solicitor.cpp): sends what is due; returns the frames sent.
  unsigned solicit_routers(uint64_t now_ms);
  void poll_links();
  void log_limits(uint64_t now_ms);
  // BPDU guard: flushes the MAC addresses of ports a worker has just shut; returns how many.
  unsigned watch_guard();
  // `egress` without the ports BPDU guard has shut: the control lcore sends them nothing either.
  PortMask unshut(PortMask egress) const { return egress & open_ports(); }
  PortMask open_ports() const { return ~sw_.state.shut_ports(); }
  void add_bridge_fields(nlohmann::json& port, PortId p) const;
  void register_handlers();
  friend class GroupsListing;
  void register_view_handlers();  // show_views.cpp
  void log_state_changes(uint64_t now_ms);  // state_log.cpp: routers, querier, policer, limits

  // A VLAN that gets MRD solicitations (snooping and mrd_solicit on), with their sources.
  struct SolicitVlan {
    VlanId id;
    bool mld;                            // an ICMPv6 one as well as the IGMP one
    net::IpAddr src4;                    // our querier's address, else 0.0.0.0
    std::optional<net::IpAddr> src6;     // our querier's address6, else the port's link-local
  };
  static std::vector<SolicitVlan> solicit_vlans(const snoop::EngineConfig& cfg);

  unsigned port_count() const { return static_cast<unsigned>(sw_.ports.size()); }
  // Counters of a port summed over the control lcore's TX path and every data-path lcore.
  dataplane::PortCounters port_counters(PortId p) const;

  SwitchHandles sw_;
  std::vector<SolicitVlan> solicit_vlans_;  // before engine_: built from the config it takes
  MrdSolicitor solicitor_;
  BridgeMonitor bridge_;
  snoop::Engine engine_;
  snoop::Actions actions_;
  // drain_punts(): one burst's decoded messages, the engine's input and its actions (reused).
  std::array<net::McastMessage, dataplane::kBurst> punt_msgs_;
  std::array<snoop::Received, dataplane::kBurst> punt_in_{};
  std::array<snoop::Actions, dataplane::kBurst> punt_actions_;
  mgmt::ControlServer server_;
  mgmt::HttpServer metrics_;
  SwitchSnapshot metrics_snapshot_;        // reused by render_metrics()
  TelemetryPublisher telemetry_;
  uint64_t next_telemetry_ = 0;
  dataplane::LcoreCycles control_cycles_;  // step(): busy/idle cycles of this lcore
  uint64_t last_step_cycles_ = 0;
  bool last_step_busy_ = false;
  ControlCounters counters_;
  std::array<snoop::MsgCounters, kMaxPorts> tx_msgs_{};  // tx_messages()
  // ---- views helper state
  CounterBaseline baseline_;          // clear counters
  ControlCounters control_base_;      // clear counters, ControlCounters part
  StateLog state_log_;                // rate-limited state-change log lines
  std::string version_ = "unknown", config_path_;
  uint64_t started_ms_ = 0;
  void count_tx(PortMask egress, uint64_t snoop::MsgCounters::*counter);
  LimitLog limit_log_;
  std::vector<uint8_t> frame_buf_;

  // Refused MFT changes waiting for a retry: the latest wanted state per key, and the keys in
  // the order they are retried (round robin; a key may appear here after it left the map).
  struct PendingFwd {
    PortMask ports;
    bool remove = false;
  };
  struct KeyHash {
    size_t operator()(const mft::Key& k) const;
  };
  std::unordered_map<mft::Key, PendingFwd, KeyHash> mft_retry_;
  std::deque<mft::Key> mft_retry_order_;
  size_t mft_retry_limit_ = 0;
  uint64_t next_mft_retry_ = 0;
  uint64_t mft_log_at_ = 0;          // rate limit of the MFT refusal log line
  uint64_t mft_refused_logged_ = 0;  // mft_refused when it was last logged
  std::vector<uint32_t> port_frame_limit_;  // per port: MTU + Ethernet header
  // port_frame_limit_ from the ports' MTUs now (at start, and after a reload changed them).
  void refresh_frame_limits();
  uint32_t mbuf_frame_limit_ = 0;           // data room of one packet-pool mbuf after headroom
  uint64_t now_ms_ = 0;
  uint64_t last_work_cycles_ = 0;  // step(): when poll_once() last found work
  bool timer_slack_set_ = false;
  uint64_t next_link_poll_ = 0;
  uint64_t next_housekeeping_ = 0;
  uint64_t next_socket_poll_ = 0;
  bool started_ = false;
  std::atomic<bool>* reload_flag_ = nullptr;   // set_reload_trigger()
  std::function<void()> reload_on_flag_;
};

}  // namespace mcsnoop::control
