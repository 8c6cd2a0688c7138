"""Scraping the switch's Prometheus endpoint the way Prometheus does, for the metrics tests.

Fetches with real HTTP clients (curl, or Python's urllib) and parses with Debian's
python3-prometheus-client, so the page is checked by a parser that is not ours.
"""

import socket
import subprocess
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def free_tcp_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl(url, *options):
    """curl URL: (status code, headers {lower-case name: value}, body). Never raises on 4xx/5xx."""
    # -D - writes the response head to stdout, the body follows.
    done = subprocess.run(["curl", "-sS", "--max-time", "10", "-D", "-", "-o", "/dev/stdout"]
                          + list(options) + [url],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    if done.returncode != 0:
        raise AssertionError("curl {} failed ({}): {}".format(url, done.returncode,
                                                              done.stderr.decode().strip()))
    raw = done.stdout.decode("utf-8", "replace")
    head, _, body = raw.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def fetch(url):
    """GET url with urllib: the body, or an AssertionError naming the problem."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as e:
        raise AssertionError("GET {}: {}".format(url, e))


class Scrape:
    """One parsed page: families by name, and sample lookup by name and labels."""

    def __init__(self, text):
        self.text = text
        self.families = list(text_string_to_metric_families(text))
        self.by_name = {f.name: f for f in self.families}
        self.samples = {}
        for f in self.families:
            for s in f.samples:
                self.samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def value(self, name, **labels):
        """The value of sample `name` with exactly `labels`; AssertionError when absent."""
        key = (name, tuple(sorted(labels.items())))
        if key not in self.samples:
            raise AssertionError("no sample {}{} in the scrape".format(name, labels or ""))
        return self.samples[key]

    def has(self, name, **labels):
        return (name, tuple(sorted(labels.items()))) in self.samples

    def sample_names(self):
        return {name for name, _ in self.samples}


def scrape(url):
    return Scrape(fetch(url))
