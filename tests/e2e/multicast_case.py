"""Scenario steps shared by the IGMP and MLD tests: wait for a membership to show, check who
got a burst, and watch a leave prune a port."""

import time

from e2e_harness import SwitchTestCase, group_ports, wait_until

BURST = 20             # datagrams per flow and burst: enough to see loss or duplicates
PRUNE_TIMEOUT_S = 8.0  # last member query time is 2 x 500 ms; the hosts repeat their leaves


class MulticastTestCase(SwitchTestCase):

    def wait_member(self, switch, group, port, source=None):
        """Waits until `show groups` lists `port` for (group, source)."""
        wait_until(lambda: port in (group_ports(switch.show("groups"), group, source) or ()),
                   "show groups to list {} for {}{}".format(
                       port, group, " from " + source if source else ""))

    def wait_not_member(self, switch, group, port, source=None):
        wait_until(lambda: port not in (group_ports(switch.show("groups"), group, source) or ()),
                   "show groups to drop {} from {}".format(port, group))

    def assert_burst(self, got, expected):
        """`got` is the {host: Counter((source, group))} of a burst; `expected` names, per host,
        the flows it must have received exactly once per datagram, and nothing else."""
        for host, flows in expected.items():
            want = {flow: BURST for flow in flows}
            self.assertEqual(dict(got[host]), want,
                             "{} received {} instead of {}".format(host, dict(got[host]), want))

    def assert_delivered(self, listener, tag, source, group):
        """The member socket (not only the wire) got the whole burst."""
        wait_until(lambda: listener.delivered(tag)[(source, group)] == BURST,
                   "{}'s socket to receive {} datagrams of {} from {} (got {})".format(
                       listener.host.name, BURST, group, source,
                       listener.delivered(tag)[(source, group)]))

    def assert_pruned_after_leave(self, switch, sender, listeners, leaver, source, group):
        """`leaver` leaves `group`; within PRUNE_TIMEOUT_S its port stops getting the group,
        for good (two clean bursts in a row), and `show groups` no longer lists it."""
        leaver.leave(group)
        left_at = time.monotonic()
        clean_in_a_row = 0
        while clean_in_a_row < 2:
            got, _ = sender.burst(BURST, [(source, group)], listeners)
            clean_in_a_row = clean_in_a_row + 1 if not got[leaver.host.name] else 0
            self.assertLess(time.monotonic() - left_at, PRUNE_TIMEOUT_S,
                            "{} still receives {} {:.1f}s after leaving".format(
                                leaver.host.name, group, time.monotonic() - left_at))
        print("{} pruned from {} {:.2f}s after the leave".format(
            leaver.host.name, group, time.monotonic() - left_at))
        self.wait_not_member(switch, group, leaver.host.name)
