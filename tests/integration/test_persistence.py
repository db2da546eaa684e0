"""Durability with --db: restarts, kill -9 at any moment, and writers racing for one name."""
import random
import signal
import threading
import time
import unittest

from sagebox_harness import (Sagebox, StoredSageboxTestCase, endpoint_arn, endpoint_config_arn, model_input,
                             serverless_endpoint_config_input)


class PersistenceTest(StoredSageboxTestCase):
    def test_state_survives_a_graceful_restart(self):
        client = self.start()
        client.ok("CreateModel", model_input("m"))
        config = serverless_endpoint_config_input("Kept", "m")
        client.ok("CreateEndpointConfig", config)
        before = client.ok("DescribeEndpointConfig", {"EndpointConfigName": "kept"})
        token = client.ok("ListModels", {"MaxResults": 1})
        client = self.restart(client)
        self.assertEqual(client.ok("DescribeEndpointConfig", {"EndpointConfigName": "kept"}), before)
        # Tokens are signed with a secret kept in the database, so they survive too.
        client.ok("CreateModel", model_input("n"))
        self.assertEqual(client.call("ListModels", {"MaxResults": 1}).status, 200)
        self.assertEqual(client.call("CreateEndpointConfig", config).status, 400)
        client.close()

    def test_endpoints_survive_a_restart_on_their_schedule(self):
        delay = 4  # seconds: ample for two restarts while one endpoint is Creating and another Deleting
        client = self.start()
        client.ok("CreateModel", model_input("m"))
        client.ok("CreateEndpointConfig", serverless_endpoint_config_input("c", "m"))
        client.ok("CreateEndpoint", {"EndpointName": "Kept", "EndpointConfigName": "c",
                                     "Tags": [{"Key": "team", "Value": "ml"}]})
        client.ok("UpdateEndpointWeightsAndCapacities", {"EndpointName": "kept", "DesiredWeightsAndCapacities": [
            {"VariantName": "serverless", "DesiredWeight": 0.5}]})
        kept = client.ok("DescribeEndpoint", {"EndpointName": "kept"})

        client = self.restart(client, "--transition-delay", str(delay))
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "kept"}), kept)
        self.assertEqual(client.ok("ListTags", {"ResourceArn": endpoint_arn("kept")})["Tags"],
                         [{"Key": "team", "Value": "ml"}])
        client.ok("CreateEndpoint", {"EndpointName": "later", "EndpointConfigName": "c",
                                     "Tags": [{"Key": "new", "Value": "1"}]})
        creating = client.ok("DescribeEndpoint", {"EndpointName": "later"})
        self.assertEqual(creating["EndpointStatus"], "Creating")
        client.ok("DeleteEndpoint", {"EndpointName": "kept"})
        deleting = client.ok("DescribeEndpoint", {"EndpointName": "kept"})
        self.assertEqual(deleting["EndpointStatus"], "Deleting")

        # The schedule is the stored one, whatever the new process's delay.
        client = self.restart(client)
        self.assertLess(time.time(), creating["CreationTime"] + delay, "the restart took longer than the delay")
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "later"}), creating)
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "kept"}), deleting)
        time.sleep(max(0.0, deleting["LastModifiedTime"] + delay - time.time()) + 0.05)
        served = client.ok("DescribeEndpoint", {"EndpointName": "later"})
        self.assertEqual(served["EndpointStatus"], "InService")
        self.assertEqual(round(served["LastModifiedTime"] * 1000),
                         round(creating["CreationTime"] * 1000) + delay * 1000)
        self.assertEqual(client.ok("ListTags", {"ResourceArn": endpoint_arn("later")})["Tags"],
                         [{"Key": "new", "Value": "1"}])
        self.assertEqual(client.call("DescribeEndpoint", {"EndpointName": "kept"}).error(),
                         ("ValidationException", 'Could not find endpoint "%s".' % endpoint_arn("kept")))
        self.assertEqual(client.call("ListTags", {"ResourceArn": endpoint_arn("kept")}).error(),
                         ("ValidationException", "Resource does not exist"))
        self.assertEqual(client.names("ListEndpoints", "Endpoints", "EndpointName"), ["later"])
        client.close()

    def test_sigterm_exits_zero_and_sigint_too(self):
        self.start()
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)
        self.start()
        self.assertEqual(self.server.stop(signal.SIGINT), 0)

    def test_kill_minus_nine_loses_no_acknowledged_write(self):
        client = self.start()
        client.ok("CreateModel", model_input("m"))
        client.close()
        # A delete in flight at the kill may or may not have landed: only unattempted deletes must be absent.
        acknowledged_created, acknowledged_deleted, attempted_deletes = set(), set(), set()
        stop = threading.Event()
        lock = threading.Lock()

        def writer(worker):
            c = self.server.client()
            i = 0
            while not stop.is_set():
                name = "w%d-%d" % (worker, i)
                i += 1
                try:
                    response = c.call("CreateEndpointConfig", serverless_endpoint_config_input(name, "m"))
                except Exception:
                    return
                if response.status == 200:
                    with lock:
                        acknowledged_created.add(name)
                if i % 3 == 0:
                    victim = "w%d-%d" % (worker, i - 2)
                    with lock:
                        attempted_deletes.add(victim)
                    try:
                        response = c.call("DeleteEndpointConfig", {"EndpointConfigName": victim})
                    except Exception:
                        return
                    if response.status == 200:
                        with lock:
                            acknowledged_deleted.add(victim)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.5, 1.0))
        self.server.kill()
        stop.set()
        for t in threads:
            t.join()
        self.server = None
        self.assertGreater(len(acknowledged_created), 10)

        client = self.start()
        present = set(client.names("ListEndpointConfigs", "EndpointConfigs", "EndpointConfigName"))
        self.assertEqual(acknowledged_created - attempted_deletes - present, set())
        self.assertEqual(acknowledged_deleted & present, set())
        client.close()

    def test_racing_creates_of_one_name(self):
        client = self.start()
        client.ok("CreateModel", model_input("m"))
        client.close()
        for round_number in range(5):
            name = "race-%d" % round_number
            results = []
            barrier = threading.Barrier(8)

            def create():
                c = self.server.client()
                barrier.wait()
                results.append(c.call("CreateEndpointConfig", serverless_endpoint_config_input(name, "m")))
                c.close()

            threads = [threading.Thread(target=create) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(r.status for r in results), [200] + [400] * 7)
            for r in results:
                if r.status == 400:
                    self.assertEqual(r.error(), ("ValidationException",
                                                 'Cannot create already existing endpoint configuration "%s".'
                                                 % endpoint_config_arn(name)))


class InMemoryTest(unittest.TestCase):
    def test_state_disappears_at_exit(self):
        server = Sagebox().start()
        client = server.client()
        client.ok("CreateModel", model_input("m"))
        client.close()
        self.assertEqual(server.stop(), 0)
        server = Sagebox().start()
        client = server.client()
        self.assertEqual(client.ok("ListModels", {})["Models"], [])
        client.close()
        self.assertEqual(server.stop(), 0)


class CommandLineTest(unittest.TestCase):
    def test_bad_flag_exits_two(self):
        import subprocess
        from sagebox_harness import BINARY
        result = subprocess.run([BINARY, "--no-such-flag"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--no-such-flag", result.stderr)

    def test_unwritable_database_fails_clearly(self):
        import subprocess
        from sagebox_harness import BINARY
        result = subprocess.run([BINARY, "--port", "0", "--db", "/nonexistent-dir/x/state.db"],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("cannot open database", result.stderr)


if __name__ == "__main__":
    unittest.main()
