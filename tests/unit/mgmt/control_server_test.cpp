// ControlServer over a real socket in a temporary directory. The test thread plays both
// sides: clients are non-blocking and "pump" the server (server.poll()) while they wait.

#include "mcsnoop/mgmt/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <stdexcept>

#include "mcsnoop/mgmt/unix_address.hpp"
#include "test_support.hpp"

namespace mcsnoop::mgmt {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::TestClient;
using namespace std::chrono_literals;

using testing::request_line;

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override { open_server(ControlServer::Limits{}); }

  void open_server(ControlServer::Limits limits) {
    server_ = std::make_unique<ControlServer>(limits);
    std::string err;
    ASSERT_TRUE(server_->open(socket_path(), &err)) << err;
    server_->on("show groups", [](const json&) {
      return json::array({{{"vlan", 1}, {"group", "239.1.1.1"}}});
    });
    server_->on("echo", [](const json& request) { return request; });
    server_->on("fail", [](const json&) -> json { throw std::runtime_error("table is on fire"); });
  }

  std::string socket_path() const { return dir_.file("ctl.sock"); }
  testing::Pump pump() { return [this] { server_->poll(); }; }

  // One request on a fresh connection; the parsed reply, or null JSON if none came.
  json ask(std::string_view line) {
    TestClient client(socket_path());
    EXPECT_TRUE(client.connected());
    EXPECT_TRUE(client.send(line, pump()));
    const auto reply = client.read_line(pump());
    if (!reply) return json();
    return json::parse(*reply);
  }

  TempDir dir_;
  std::unique_ptr<ControlServer> server_;
};

TEST_F(ControlServerTest, AnswersARequestWithItsHandlersData) {
  const json reply = ask(request_line("show groups"));
  EXPECT_EQ(reply, (json{{"ok", true}, {"data", json::array({{{"vlan", 1}, {"group", "239.1.1.1"}}})}}));
  EXPECT_EQ(server_->counters().requests, 1u);
  EXPECT_EQ(server_->counters().errors, 0u);
}

TEST_F(ControlServerTest, HandlerSeesTheWholeRequestObject) {
  const json request = {{"command", "echo"}, {"vlan", 42}};
  const json reply = ask(request.dump() + "\n");
  ASSERT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["data"], request);
}

TEST_F(ControlServerTest, UnknownCommandIsAnErrorNamingIt) {
  const json reply = ask(request_line("show everything"));
  EXPECT_EQ(reply["ok"], false);
  const std::string error = reply["error"];
  EXPECT_NE(error.find("unknown command \"show everything\""), std::string::npos) << error;
  EXPECT_NE(error.find("show groups"), std::string::npos) << "lists the known commands: " << error;
  EXPECT_EQ(server_->counters().errors, 1u);
}

TEST_F(ControlServerTest, MalformedRequestsAreErrorsAndTheConnectionStaysUsable) {
  TestClient client(socket_path());
  for (const char* bad : {"{not json\n", "[1, 2]\n", "{\"cmd\": \"show groups\"}\n",
                          "{\"command\": 7}\n", "\"show groups\"\n"}) {
    ASSERT_TRUE(client.send(bad, pump()));
    const auto line = client.read_line(pump());
    ASSERT_TRUE(line) << bad;
    const json reply = json::parse(*line);
    EXPECT_EQ(reply["ok"], false) << bad;
    EXPECT_TRUE(reply["error"].is_string()) << bad;
    EXPECT_FALSE(reply.contains("data")) << bad;
  }
  ASSERT_TRUE(client.send(request_line("show groups"), pump()));
  const auto line = client.read_line(pump());
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["ok"], true);
}

TEST_F(ControlServerTest, HandlerExceptionBecomesAnErrorReply) {
  const json reply = ask(request_line("fail"));
  EXPECT_EQ(reply, (json{{"ok", false}, {"error", "table is on fire"}}));

  server_->on("throw int", [](const json&) -> json { throw 42; });
  const json odd = ask(request_line("throw int"));
  EXPECT_EQ(odd["ok"], false);
  EXPECT_EQ(odd["error"], "throw int failed");

  EXPECT_EQ(ask(request_line("show groups"))["ok"], true) << "the server survives";
}

TEST_F(ControlServerTest, RequestSplitAcrossWritesIsAnsweredOnceComplete) {
  TestClient client(socket_path());
  const std::string line = request_line("show groups");
  const std::size_t half = line.size() / 2;
  ASSERT_TRUE(client.send(line.substr(0, half), pump()));
  for (int i = 0; i < 20; ++i) server_->poll();
  EXPECT_EQ(client.read_available(), "") << "no answer to half a request";
  EXPECT_EQ(server_->connection_count(), 1u);

  ASSERT_TRUE(client.send(line.substr(half), pump()));
  const auto reply = client.read_line(pump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["ok"], true);
}

TEST_F(ControlServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestClient client(socket_path());
  const std::string batch = json{{"command", "echo"}, {"n", 1}}.dump() + "\n\n" +
                            request_line("nope") + json{{"command", "echo"}, {"n", 3}}.dump() + "\n";
  ASSERT_TRUE(client.send(batch, pump()));
  const auto first = client.read_line(pump());
  const auto second = client.read_line(pump());
  const auto third = client.read_line(pump());
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(json::parse(*first)["data"]["n"], 1);
  EXPECT_EQ(json::parse(*second)["ok"], false);
  EXPECT_EQ(json::parse(*third)["data"]["n"], 3);
}

TEST_F(ControlServerTest, CrLfLineEndingsFromInteractiveToolsAreAccepted) {
  const json reply = ask("{\"command\": \"show groups\"}\r\n");
  EXPECT_EQ(reply["ok"], true);
}

TEST_F(ControlServerTest, LastLineWithoutNewlineIsAnsweredAfterTheClientShutsDown) {
  TestClient client(socket_path());
  ASSERT_TRUE(client.send(R"({"command": "show groups"})", pump()));
  client.shutdown_write();
  const auto reply = client.read_line(pump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["ok"], true);
  EXPECT_TRUE(client.wait_closed(pump()));
  EXPECT_TRUE(testing::pump_until(pump(), [&] { return server_->connection_count() == 0; }));
}

TEST_F(ControlServerTest, ServesSeveralClientsAtOnce) {
  constexpr int kClients = 6;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(socket_path()));
    ASSERT_TRUE(clients.back()->connected());
  }
  // All requests are in flight before any reply is read.
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[i]->send(json{{"command", "echo"}, {"client", i}}.dump() + "\n", pump()));
  }
  for (int i = kClients - 1; i >= 0; --i) {
    const auto reply = clients[i]->read_line(pump());
    ASSERT_TRUE(reply) << "client " << i;
    EXPECT_EQ(json::parse(*reply)["data"]["client"], i);
  }
  EXPECT_EQ(server_->connection_count(), static_cast<std::size_t>(kClients));
  EXPECT_EQ(server_->counters().accepted, static_cast<uint64_t>(kClients));
}

TEST_F(ControlServerTest, ClientsBeyondTheLimitWaitForAFreeSlot) {
  ControlServer::Limits limits;
  limits.max_connections = 2;
  open_server(limits);
  TestClient a(socket_path()), b(socket_path()), c(socket_path());
  for (TestClient* client : {&a, &b, &c}) ASSERT_TRUE(client->send(request_line("show groups"), pump()));
  ASSERT_TRUE(a.read_line(pump()));
  ASSERT_TRUE(b.read_line(pump()));
  for (int i = 0; i < 20; ++i) server_->poll();
  EXPECT_EQ(server_->connection_count(), 2u);
  EXPECT_EQ(c.read_available(), "") << "the third client is still in the backlog";

  a.close();
  const auto reply = c.read_line(pump());
  ASSERT_TRUE(reply) << "served once a slot is free";
  EXPECT_EQ(json::parse(*reply)["ok"], true);
}

TEST_F(ControlServerTest, OversizedRequestIsRefusedAndTheConnectionClosed) {
  ControlServer::Limits limits;
  limits.max_request_bytes = 1024;
  open_server(limits);
  TestClient client(socket_path());
  // No newline at all: the server must not keep buffering.
  const std::string flood(8 * 1024, 'x');
  client.send(flood, pump());  // may fail half-way once the server closes; that is the point
  EXPECT_TRUE(client.wait_closed(pump()));
  EXPECT_TRUE(testing::pump_until(pump(), [&] { return server_->connection_count() == 0; }));
  EXPECT_EQ(server_->counters().oversized, 1u);

  // A request just under the limit is still fine.
  json padded = {{"command", "echo"}, {"pad", ""}};
  padded["pad"] = std::string(1024 - padded.dump().size(), 'p');
  ASSERT_EQ(padded.dump().size(), 1024u);
  EXPECT_EQ(ask(padded.dump() + "\n")["ok"], true);
}

TEST_F(ControlServerTest, OversizedRequestGetsAnErrorReplyWhenTheClientListens) {
  ControlServer::Limits limits;
  limits.max_request_bytes = 1024;
  open_server(limits);
  TestClient client(socket_path());
  ASSERT_TRUE(client.send(std::string(2048, ' ') + "\n", pump()));
  const auto reply = client.read_line(pump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["ok"], false);
  EXPECT_NE(json::parse(*reply)["error"].get<std::string>().find("1024"), std::string::npos);
  EXPECT_TRUE(client.wait_closed(pump()));
}

TEST_F(ControlServerTest, DeeplyNestedJsonIsRejectedWithoutHarm) {
  const std::string nested = std::string(30000, '[') + std::string(30000, ']') + "\n";
  const json reply = ask(nested);
  EXPECT_EQ(reply["ok"], false);
}

TEST_F(ControlServerTest, IdleConnectionsAreClosed) {
  ControlServer::Limits limits;
  limits.idle_timeout = 20ms;
  open_server(limits);
  TestClient client(socket_path());
  EXPECT_TRUE(testing::pump_until(pump(), [&] { return server_->connection_count() == 1; }));
  EXPECT_TRUE(client.wait_closed(pump()));
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_EQ(server_->counters().idle_closed, 1u);
}

TEST_F(ControlServerTest, LargeReplyIsWrittenAcrossPolls) {
  // Far beyond a socket buffer, so the server must keep the rest and continue later.
  const std::string big(4 * 1024 * 1024, 'g');
  server_->on("big", [&](const json&) { return json(big); });
  TestClient client(socket_path());
  ASSERT_TRUE(client.send(request_line("big"), pump()));
  const auto reply = client.read_line(pump(), 20s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["data"], big);
}

TEST_F(ControlServerTest, PollNeverBlocks) {
  const std::string big(4 * 1024 * 1024, 'g');
  server_->on("big", [&](const json&) { return json(big); });

  TestClient silent(socket_path());       // connected, sends nothing
  TestClient partial(socket_path());      // half a request
  TestClient not_reading(socket_path());  // a reply it never reads
  ASSERT_TRUE(partial.send(R"({"command": "sh)", [] {}));
  ASSERT_TRUE(not_reading.send(request_line("big"), [] {}));

  // Building a 4 MB reply is the handler's cost, not blocking: start timing once it is built
  // and the socket to the client that does not read is full.
  ASSERT_TRUE(testing::pump_until(pump(), [&] { return not_reading.has_data(); }));

  using Clock = std::chrono::steady_clock;
  Clock::duration slowest{};
  for (int i = 0; i < 200; ++i) {
    const auto start = Clock::now();
    server_->poll();
    slowest = std::max(slowest, Clock::now() - start);
  }
  EXPECT_EQ(server_->connection_count(), 3u);
  // Generous for a loaded CI box; a blocking read or write would hang here forever instead.
  EXPECT_LT(slowest, 50ms);
}

TEST_F(ControlServerTest, ClientVanishingBeforeItsReplyDoesNotHurtTheServer) {
  server_->on("big", [](const json&) { return json(std::string(1024 * 1024, 'v')); });
  {
    TestClient client(socket_path());
    ASSERT_TRUE(client.send(request_line("big"), pump()));
    for (int i = 0; i < 5; ++i) server_->poll();  // part of the reply is out
  }  // closed with the reply half sent: the next send gets EPIPE, never SIGPIPE
  EXPECT_TRUE(testing::pump_until(pump(), [&] { return server_->connection_count() == 0; }));
  EXPECT_EQ(ask(request_line("show groups"))["ok"], true);
}

TEST_F(ControlServerTest, SocketFileIsASocketWithMode0660) {
  struct stat st {};
  ASSERT_EQ(::stat(socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(ControlServerTest, CloseUnlinksTheSocketFile) {
  server_->close();
  EXPECT_FALSE(server_->is_open());
  EXPECT_NE(::access(socket_path().c_str(), F_OK), 0);
  server_->poll();  // harmless when closed
  server_->close();  // idempotent
}

TEST_F(ControlServerTest, CloseLeavesASuccessorsSocketAlone) {
  ASSERT_EQ(::unlink(socket_path().c_str()), 0);  // as a restarting instance's cleanup might
  ControlServer successor;
  std::string err;
  ASSERT_TRUE(successor.open(socket_path(), &err)) << err;
  server_->close();
  EXPECT_EQ(::access(socket_path().c_str(), F_OK), 0) << "the successor's socket must survive";
  TestClient client(socket_path());
  EXPECT_TRUE(client.connected());
}

TEST_F(ControlServerTest, SecondServerOnALiveSocketIsRefused) {
  ControlServer second;
  std::string err;
  EXPECT_FALSE(second.open(socket_path(), &err));
  EXPECT_NE(err.find("another process is listening"), std::string::npos) << err;
  EXPECT_EQ(ask(request_line("show groups"))["ok"], true) << "the first one still answers";
}

class ControlServerOpenTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ControlServerOpenTest, ReplacesAStaleSocketFile) {
  const std::string path = dir_.file("stale.sock");
  {  // A socket file whose owner died without unlinking it.
    sockaddr_un addr{};
    socklen_t len = 0;
    ASSERT_TRUE(make_unix_address(path, &addr, &len));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len), 0);
    ::close(fd);
  }
  ControlServer server;
  std::string err;
  ASSERT_TRUE(server.open(path, &err)) << err;
  server.on("ping", [](const json&) { return json("pong"); });
  TestClient client(path);
  ASSERT_TRUE(client.send(request_line("ping"), [&] { server.poll(); }));
  const auto reply = client.read_line([&] { server.poll(); });
  ASSERT_TRUE(reply);
  EXPECT_EQ(json::parse(*reply)["data"], "pong");
}

TEST_F(ControlServerOpenTest, RefusesToReplaceAFileThatIsNotASocket) {
  const std::string path = dir_.file("precious.txt");
  std::ofstream(path) << "keep me";
  ControlServer server;
  std::string err;
  EXPECT_FALSE(server.open(path, &err));
  EXPECT_NE(err.find("not a socket"), std::string::npos) << err;
  EXPECT_FALSE(server.is_open());
  std::string content;
  std::getline(std::ifstream(path), content);
  EXPECT_EQ(content, "keep me");
}

TEST_F(ControlServerOpenTest, CreatesMissingParentDirectories) {
  const std::string path = dir_.file("run/mcsnoop/ctl.sock");
  ControlServer server;
  std::string err;
  ASSERT_TRUE(server.open(path, &err)) << err;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
}

TEST_F(ControlServerOpenTest, RejectsAPathTooLongForSunPath) {
  ControlServer server;
  std::string err;
  EXPECT_FALSE(server.open(dir_.file(std::string(200, 'x')), &err));
  EXPECT_NE(err.find("invalid socket path"), std::string::npos) << err;
  EXPECT_FALSE(server.open("", &err));
}

TEST_F(ControlServerOpenTest, ErrorPointerMayBeNull) {
  ControlServer server;
  EXPECT_FALSE(server.open("", nullptr));
}

// answer() is the dispatch without a socket: the same bytes the socket would carry.
TEST(ControlServerAnswerTest, ProducesOneLineReplies) {
  ControlServer server;
  server.on("show stats", [](const json&) { return json{{"label", "a\nb"}}; });
  const std::string reply = server.answer(R"({"command": "show stats"})");
  EXPECT_EQ(reply.find('\n'), std::string::npos) << "newlines inside strings are escaped";
  EXPECT_EQ(json::parse(reply), (json{{"ok", true}, {"data", {{"label", "a\nb"}}}}));
}

TEST(ControlServerAnswerTest, InvalidUtf8FromAHandlerIsReplacedNotFatal) {
  ControlServer server;
  server.on("bad", [](const json&) { return json(std::string("port-\xff")); });
  const json reply = json::parse(server.answer(R"({"command": "bad"})"));
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["data"], "port-\xEF\xBF\xBD");
}

TEST(ControlServerAnswerTest, LaterRegistrationReplacesTheHandler) {
  ControlServer server;
  server.on("v", [](const json&) { return json(1); });
  server.on("v", [](const json&) { return json(2); });
  EXPECT_EQ(json::parse(server.answer(R"({"command": "v"})"))["data"], 2);
}

}  // namespace
}  // namespace mcsnoop::mgmt
