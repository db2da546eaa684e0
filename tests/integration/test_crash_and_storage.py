"""Crashes and storage faults: kill -9 in a loop under load loses nothing acknowledged; a bad database file is a
clear error and a non-zero exit at startup, never a hang."""
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from sagebox_harness import BINARY, Sagebox, model_arn, model_input, serverless_endpoint_config_input


class KillLoopTest(unittest.TestCase):
    """20 rounds: load from 4 writers (create, delete, tag), kill -9 at a random moment, restart, check."""

    ROUNDS = 20

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="sagebox-kill-")
        self.db = os.path.join(self.directory, "state.db")

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_no_acknowledged_write_is_lost(self):
        # What must hold after every restart. Names whose delete was sent but not acknowledged may be either way.
        present, absent, uncertain = set(), set(), set()
        tags = {}  # model name → tag keys acknowledged on it
        lock = threading.Lock()
        counter = [0]

        def worker(server, stop):
            client = server.client()
            while not stop.is_set():
                with lock:
                    counter[0] += 1
                    n = counter[0]
                name = "m%d" % n
                try:
                    with lock:
                        uncertain.add(name)
                    if client.call("CreateModel", model_input(name)).status == 200:
                        with lock:
                            uncertain.discard(name)
                            present.add(name)
                    response = client.call("AddTags", {"ResourceArn": model_arn(name),
                                                       "Tags": [{"Key": "k", "Value": str(n)}]})
                    if response.status == 200:
                        with lock:
                            tags[name] = "k"
                    if n % 3 == 0:
                        victim = "m%d" % (n - 1)
                        with lock:
                            if victim not in present:
                                continue
                            present.discard(victim)
                            uncertain.add(victim)
                            tags.pop(victim, None)
                        if client.call("DeleteModel", {"ModelName": victim}).status == 200:
                            with lock:
                                uncertain.discard(victim)
                                absent.add(victim)
                except OSError:
                    return  # the server died under us

        for round_number in range(self.ROUNDS):
            server = Sagebox("--db", self.db).start()
            self.addCleanup(server.kill)
            client = server.client()
            self.verify(client, present, absent, tags, round_number)
            client.close()
            stop = threading.Event()
            threads = [threading.Thread(target=worker, args=(server, stop)) for _ in range(4)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.05, 0.4))
            server.kill()
            stop.set()
            for t in threads:
                t.join()
        server = Sagebox("--db", self.db).start()
        client = server.client()
        self.verify(client, present, absent, tags, self.ROUNDS)
        client.close()
        self.assertEqual(server.stop(), 0)
        self.assertGreater(len(present) + len(absent), 50)

    def verify(self, client, present, absent, tags, round_number):
        listed = set(client.names("ListModels", "Models", "ModelName"))
        self.assertEqual(present - listed, set(), "acknowledged creates lost after round %d" % round_number)
        self.assertEqual(absent & listed, set(), "acknowledged deletes undone after round %d" % round_number)
        # A name picked for deletion leaves `present`; only names no delete was ever aimed at must keep their tags.
        for name, key in [(n, k) for n, k in tags.items() if n in present][-20:]:
            got = client.ok("ListTags", {"ResourceArn": model_arn(name)})["Tags"]
            self.assertIn(key, [t["Key"] for t in got], name)


class StorageFaultTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="sagebox-faults-")
        self.db = os.path.join(self.directory, "state.db")

    def tearDown(self):
        os.chmod(self.directory, 0o755)
        shutil.rmtree(self.directory, ignore_errors=True)

    def start_fails(self, *args, as_user=False):
        command = [BINARY, "--port", "0", *args]
        if as_user and os.geteuid() == 0:
            # Permissions do not bind root: run sagebox as nobody, for whom they do.
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertNotIn("listening", result.stdout)
        return result.stderr

    def test_missing_directory(self):
        stderr = self.start_fails("--db", os.path.join(self.directory, "no", "such", "dir", "state.db"))
        self.assertIn("cannot open database", stderr)

    def test_corrupted_file(self):
        with open(self.db, "wb") as f:
            f.write(b"this is not a database at all" * 200)
        stderr = self.start_fails("--db", self.db)
        self.assertIn("file is not a database", stderr)

    def test_database_already_in_use_by_another_sagebox(self):
        first = Sagebox("--db", self.db).start()
        try:
            stderr = self.start_fails("--db", self.db)
            self.assertIn("is in use by another sagebox", stderr)
        finally:
            first.kill()
        # A killed owner's lock goes with it.
        second = Sagebox("--db", self.db).start()
        self.assertEqual(second.stop(), 0)

    def test_read_only_file(self):
        self.assertEqual(Sagebox("--db", self.db).start().stop(), 0)
        os.chmod(self.directory, 0o777)
        os.chmod(self.db + ".lock", 0o666)
        os.chmod(self.db, 0o444)
        stderr = self.start_fails("--db", self.db, as_user=True)
        self.assertIn("is read-only", stderr)

    def test_read_only_directory(self):
        os.chmod(self.directory, 0o555)
        stderr = self.start_fails("--db", self.db, as_user=True)
        self.assertIn("cannot open database", stderr)


if __name__ == "__main__":
    unittest.main()
