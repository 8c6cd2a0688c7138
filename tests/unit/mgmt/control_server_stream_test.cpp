// Streamed responses (issue 8): a view of a million entries is produced one slice per poll(),
// only as fast as the client reads, while other clients are answered; the bytes on the wire are
// those of the one-shot answer.
#include "mcsnoop/mgmt/control_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace mcsnoop::mgmt {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::TestClient;
using namespace std::chrono_literals;

using testing::request_line;

// Elements 0 .. total-1, `per_slice` at a time; counts its slices.
class CountingStream : public ControlServer::ArrayStream {
 public:
  CountingStream(size_t total, size_t per_slice, const std::function<json(size_t)>& element, size_t* slices)
      : total_(total), per_slice_(per_slice), element_(element), slices_(slices) {}
  bool next(std::vector<json>& out) override {
    ++*slices_;
    for (size_t n = 0; n < per_slice_ && i_ < total_; ++n) out.push_back(element_(i_++));
    return i_ == total_;
  }

 private:
  size_t total_, per_slice_, i_ = 0;
  std::function<json(size_t)> element_;
  size_t* slices_;
};

json group_like(size_t i) {
  return {{"vlan", i % 4094 + 1},
          {"group", "239.1." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256)},
          {"source", i % 3 == 0 ? json(nullptr) : json("10.0.0." + std::to_string(i % 250))},
          {"ports", json::array({"h1", "h\xff"})},  // not UTF-8: replaced the same way
          {"expires_s", static_cast<double>(i) / 1000.0}};
}

class ControlServerStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(server_.open(dir_.file("ctl.sock"), &err)) << err;
    server_.on("echo", [](const json& r) { return r; });
  }
  void stream(const std::string& command, size_t total, size_t per_slice,
              std::function<json(size_t)> element = [](size_t i) { return json(i); }) {
    server_.on_stream(command, [=, this](const json&) -> std::unique_ptr<ControlServer::ArrayStream> {
      return std::make_unique<CountingStream>(total, per_slice, element, &slices_);
    });
  }
  testing::Pump pump() { return [this] { server_.poll(); }; }
  std::optional<std::string> ask_raw(const std::string& command) {
    TestClient c(dir_.file("ctl.sock"));
    EXPECT_TRUE(c.send(request_line(command), pump()));
    return c.read_line(pump(), 20s);
  }

  TempDir dir_;
  ControlServer server_;
  size_t slices_ = 0;
};

TEST_F(ControlServerStreamTest, StreamedAnswerIsByteForByteTheOneShotAnswer) {
  for (size_t total : {size_t{0}, size_t{1}, size_t{2000}}) {
    std::vector<json> all;
    for (size_t i = 0; i < total; ++i) all.push_back(group_like(i));
    server_.on("whole", [&](const json&) { return json(all); });
    stream("sliced", total, 7, group_like);
    const auto whole = ask_raw("whole");
    const auto sliced = ask_raw("sliced");
    ASSERT_TRUE(whole && sliced);
    EXPECT_EQ(*sliced, *whole) << total << " elements";
    EXPECT_EQ(server_.answer(request_line("sliced")), *whole) << "answer() drains the stream";
  }
  EXPECT_FALSE(server_.streaming());
}

TEST_F(ControlServerStreamTest, MillionEntryAnswerDoesNotStallThePollLoop) {
  constexpr size_t kTotal = 1'000'000;
  constexpr size_t kSlice = 512;
  stream("show groups", kTotal, kSlice);
  TestClient big(dir_.file("ctl.sock"));
  ASSERT_TRUE(big.send(request_line("show groups"), pump()));
  ASSERT_TRUE(testing::pump_until(pump(), [&] { return big.has_data(); }));
  ASSERT_TRUE(server_.streaming());

  // The big client does not read for now. Every poll() produces at most one slice for it and
  // returns quickly; production stops once its socket and our low-water buffer are full.
  using Clock = std::chrono::steady_clock;
  Clock::duration slowest{};
  for (int i = 0; i < 300; ++i) {
    const size_t before = slices_;
    const auto start = Clock::now();
    server_.poll();
    slowest = std::max(slowest, Clock::now() - start);
    ASSERT_LE(slices_ - before, 1u);
  }
  EXPECT_LT(slowest, 50ms) << "generous for a loaded box; one slice is far less";
  EXPECT_LT(slices_ * kSlice, kTotal / 4) << "back-pressure: not rendered ahead of the reader";
  EXPECT_TRUE(server_.streaming());

  // Meanwhile another client is answered at once.
  TestClient other(dir_.file("ctl.sock"));
  ASSERT_TRUE(other.send(request_line("echo"), pump()));
  const auto reply = other.read_line(pump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["ok"], true);
  EXPECT_TRUE(server_.streaming()) << "the big answer is still in progress";

  // Now the big client reads: the whole answer arrives, each element once, in order.
  const auto line = big.read_line(pump(), 60s);
  ASSERT_TRUE(line);
  const json answer = json::parse(*line);
  ASSERT_EQ(answer["data"].size(), kTotal);
  EXPECT_EQ(answer["data"][kTotal - 1], kTotal - 1);
  EXPECT_EQ(answer["ok"], true);
  EXPECT_FALSE(server_.streaming());
  EXPECT_GE(server_.counters().stream_slices, kTotal / kSlice);
}

TEST_F(ControlServerStreamTest, RequestsPipelinedBehindAStreamWaitForIt) {
  stream("many", 5000, 100);
  TestClient c(dir_.file("ctl.sock"));
  ASSERT_TRUE(c.send(request_line("many") + request_line("echo"), pump()));
  const auto first = c.read_line(pump(), 20s);
  const auto second = c.read_line(pump(), 20s);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(*first)["data"].size(), 5000u);
  EXPECT_EQ(json::parse(*second)["data"]["command"], "echo");
}

TEST_F(ControlServerStreamTest, AStreamThatThrowsClosesItsConnectionOnly) {
  server_.on_stream("broken", [](const json&) -> std::unique_ptr<ControlServer::ArrayStream> {
    struct Broken : ControlServer::ArrayStream {
      int n = 0;
      bool next(std::vector<json>& out) override {
        if (++n == 3) throw std::runtime_error("gone");
        out.push_back(n);
        return false;
      }
    };
    return std::make_unique<Broken>();
  });
  server_.on_stream("refused", [](const json&) -> std::unique_ptr<ControlServer::ArrayStream> {
    throw std::runtime_error("no such view");
  });
  TestClient c(dir_.file("ctl.sock"));
  ASSERT_TRUE(c.send(request_line("broken"), pump()));
  EXPECT_TRUE(c.wait_closed(pump()));
  EXPECT_FALSE(server_.streaming());
  const auto refused = ask_raw("refused");
  ASSERT_TRUE(refused);
  EXPECT_EQ(json::parse(*refused)["error"], "no such view");
  const auto echo = ask_raw("echo");
  ASSERT_TRUE(echo);
}

}  // namespace
}  // namespace mcsnoop::mgmt
