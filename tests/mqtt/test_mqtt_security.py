"""Security: TLS with certificate and host-name verification against a
broker whose CA and server certificates are made here with openssl,
wrong CA, wrong host name, wrong password, and config or password files
readable by others. The password must never appear in the log (every test
of the suite checks this in tearDown), argv or the environment.

Run: meson test -C build --suite mqtt
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from mqtt_testcase import (BASE, BRIDGE_PASSWORD, EXIT_CONFIG, LACTD_MQTT,  # noqa: E402
                           Broker, MqttTestCase, make_ca, make_server_cert,
                           write_private)


class SecurityTest(MqttTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = tempfile.mkdtemp(prefix="lactd-mqtt-pki-")
        cls.ca = make_ca(cls.pki, "ca")
        cls.other_ca = make_ca(cls.pki, "other-ca")
        cls.cert, cls.key = make_server_cert(cls.pki, "ca", "server", "IP:127.0.0.1")
        cls.wrong_cert, cls.wrong_key = make_server_cert(cls.pki, "ca", "wrong-name",
                                                         "DNS:broker.invalid")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.pki, ignore_errors=True)
        super().tearDownClass()

    def tls_files(self):
        return {"ca": self.ca, "cert": self.cert, "key": self.key}

    def tls_config(self, ca):
        self.write_config(port=self.broker.tls_port, tls="true", ca_file=ca)

    def assert_retrying(self, reason):
        """Two failed attempts with REASON, still running, nothing
        published."""
        self.assert_eventually(lambda: self.bridge_log().count(reason) >= 2, timeout=30,
                               message="no two attempts failing with %r:\n%s"
                               % (reason, self.bridge_log()))
        self.assertTrue(self.bridge_alive())
        self.assertNotIn("Connected to the MQTT broker", self.bridge_log())
        self.assertIn("Next attempt to connect", self.bridge_log())
        self.assertEqual(self.watcher.on(BASE + "/availability"), [])

    def test_tls_verified(self):
        self.start_watcher()
        self.start_daemon()
        self.tls_config(self.ca)
        self.start_bridge(config=False)
        self.assertIn("(TLS, certificate verified)", self.bridge_log())
        self.wait_messages(BASE + "/availability", 1, where=lambda m: m[1] == b"online")
        self.wait_messages(BASE + "/state", 1)
        # Not in argv, not in the environment.
        with open("/proc/%d/cmdline" % self.bridge.pid, "rb") as f:
            self.assertNotIn(BRIDGE_PASSWORD.encode(), f.read())
        with open("/proc/%d/environ" % self.bridge.pid, "rb") as f:
            self.assertNotIn(BRIDGE_PASSWORD.encode(), f.read())

    def test_wrong_ca(self):
        self.start_watcher()
        self.start_daemon()
        self.tls_config(self.other_ca)
        self.start_bridge(config=False, wait_online=False)
        self.assert_retrying("TLS failed")
        self.assertIn("certificate verify failed", self.bridge_log())

    def test_wrong_host_name(self):
        # The same CA, but a certificate for broker.invalid, not 127.0.0.1.
        self.broker.stop()
        self.broker = Broker(os.path.join(self.tmpdir, "broker2"),
                             tls={"ca": self.ca, "cert": self.wrong_cert,
                                  "key": self.wrong_key})
        self.broker.start(self)
        self.start_watcher()
        self.start_daemon()
        self.tls_config(self.ca)
        self.start_bridge(config=False, wait_online=False)
        self.assert_retrying("TLS failed")
        self.assertIn("host name verification failed", self.bridge_log())

    def test_tls_listener_without_tls(self):
        self.start_watcher()
        self.start_daemon()
        self.write_config(port=self.broker.tls_port, tls="false")
        self.start_bridge(config=False, wait_online=False)
        self.assert_eventually(lambda: "Cannot connect" in self.bridge_log(), timeout=30)
        self.assertTrue(self.bridge_alive())

    def test_wrong_password(self):
        self.start_watcher()
        self.start_daemon()
        write_private(self.password_path, "not-the-password\n")
        self.write_config()
        self.start_bridge(config=False, wait_online=False)
        self.assert_retrying("refused the connection")
        self.assertIn("check username and password_file", self.bridge_log())
        self.assertNotIn("not-the-password", self.bridge_log())

    def run_refused(self, *args):
        result = subprocess.run([LACTD_MQTT, "--config", self.config_path,
                                 "--state-file", self.state_path, "-v"] + list(args),
                                capture_output=True, text=True, timeout=30)
        output = result.stdout + result.stderr
        self.assertNotIn(BRIDGE_PASSWORD, output)
        return result.returncode, output

    def test_private_files(self):
        self.write_config()
        os.chmod(self.password_path, 0o644)
        code, output = self.run_refused()
        self.assertEqual(code, EXIT_CONFIG, output)
        self.assertIn("The password file %s is readable by group or others"
                      % self.password_path, output)
        os.chmod(self.password_path, 0o640)
        self.assertEqual(self.run_refused()[0], EXIT_CONFIG)
        os.chmod(self.password_path, 0o600)

        os.chmod(self.config_path, 0o604)
        code, output = self.run_refused()
        self.assertEqual(code, EXIT_CONFIG, output)
        self.assertIn("The config file %s is readable by group or others"
                      % self.config_path, output)
        os.chmod(self.config_path, 0o600)

        code, output = self.run_refused("--check-config")
        self.assertEqual(code, 0, output)
        self.assertIn("password from the password file", output)

    def test_config_errors(self):
        cases = {
            "no host": dict(host=None),
            "port": dict(port="88888"),
            "verification cannot be turned off": dict(tls_insecure="true"),
            "wildcard": dict(base_topic="lactd/#"),
            "password without user": dict(username=None),
            "missing password file": dict(password_file="/nonexistent/pw"),
            "ca_file without tls": dict(ca_file="/etc/ssl/certs/ca-certificates.crt",
                                        tls="false"),
        }
        for what, overrides in cases.items():
            with self.subTest(what):
                self.write_config(**overrides)
                code, output = self.run_refused()
                self.assertEqual(code, EXIT_CONFIG, output)
                self.assertIn(self.config_path if what != "missing password file"
                              else "/nonexistent/pw", output)

    def test_tls_defaults_for_8883(self):
        self.write_config(port=8883)
        code, output = self.run_refused("--check-config")
        self.assertEqual(code, 0, output)
        self.assertIn("127.0.0.1:8883 (TLS, certificate and host name verified)", output)
        self.write_config(port=None, tls="true")
        code, output = self.run_refused("--check-config")
        self.assertIn("127.0.0.1:8883 (TLS", output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
