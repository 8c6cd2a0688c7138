// Helpers for the mgmt tests: temporary directories, a raw socket client that never blocks the
// thread that also drives the server, a server running on its own thread, and a way to run
// the real mcsnoopctl binary.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mcsnoop/mgmt/control_server.hpp"

namespace mcsnoop::mgmt::testing {

using namespace std::chrono_literals;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
// One request of the control socket's line protocol: {"command": COMMAND} and a newline.
std::string request_line(std::string_view command);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Called while a client waits for the server, e.g. [&] { server.poll(); }.
using Pump = std::function<void()>;

// A client end of the control socket. Connecting is immediate (the kernel queues it in the
// backlog); every wait below runs `pump` between non-blocking attempts until a deadline.
class TestClient {
 public:
  explicit TestClient(const std::string& socket_path);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`, pumping while the socket buffer is full. False on error/deadline.
  bool send(std::string_view bytes, const Pump& pump, std::chrono::milliseconds limit = 5s);
  // The next line, without '\n'; nullopt if none arrived in time or the peer closed first.
  std::optional<std::string> read_line(const Pump& pump, std::chrono::milliseconds limit = 5s);
  // Bytes that are readable right now, without waiting.
  std::string read_available();
  // Whether some bytes are readable right now (they stay unread).
  bool has_data() const;
  // True once the server has closed the connection (EOF or reset), discarding any data.
  bool wait_closed(const Pump& pump, std::chrono::milliseconds limit = 5s);
  void shutdown_write();
  void close();

 private:
  int fd_ = -1;
  std::string buffered_;
};

// Pumps until `done()` is true or the deadline passes; returns done().
bool pump_until(const Pump& pump, const std::function<bool()>& done,
                std::chrono::milliseconds limit = 5s);

// Runs server.poll() on its own thread, as the control lcore would, until destroyed.
class ServerThread {
 public:
  explicit ServerThread(ControlServer& server);
  ~ServerThread();
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the executable path) with the current environment plus `set_env`
// and minus `unset_env`, capturing stdout and stderr. Fails the test if it runs > 10 s.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& set_env = {},
                          const std::vector<std::string>& unset_env = {});

}  // namespace mcsnoop::mgmt::testing
