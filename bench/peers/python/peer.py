#!/usr/bin/env python3
"""The gateway benchmark's Python load driver: the same operations through hubgate (grpcio, the
generated stubs) and with the official service SDK direct (azure-iot-hub), on the same emulator.

It does not decide what to measure: the Java benchmark starts it, sends one JSON command per line
on stdin and reads one JSON answer per line on stdout (protocol: ../README.md). Both paths run the
way a Python service would call them: C threads, each calling synchronously in a loop, sharing one
gRPC channel or one IoTHubRegistryManager with default options.
"""
import itertools
import json
import os
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import grpc
from google.protobuf import struct_pb2

sys.path.insert(0, str(Path(__file__).resolve().parent / "gen"))
from hubgate.v1 import registry_pb2, registry_pb2_grpc, resources_pb2, twin_pb2, twin_pb2_grpc  # noqa: E402

from azure.iot.hub import IoTHubRegistryManager  # noqa: E402
from azure.iot.hub.models import QuerySpecification, Twin, TwinProperties  # noqa: E402

QUERY = "SELECT * FROM devices"
PAGE_SIZE = 100
# Spreads call numbers over the twins, as the Java workloads do (a prime, so consecutive calls differ).
STRIDE = 7919
CALL_TIMEOUT_SECONDS = 30


def twin_id(sequence, twins):
    return f"bench-{(sequence * STRIDE) % twins}"


class Gateway:
    """hubgate's stubs on one plaintext channel, the caller's token on every call."""

    def __init__(self, target, token):
        channel = grpc.insecure_channel(target)
        self.twins = twin_pb2_grpc.TwinServiceStub(channel)
        self.registry = registry_pb2_grpc.RegistryServiceStub(channel)
        self.options = {"timeout": CALL_TIMEOUT_SECONDS, "metadata": [("authorization", f"Bearer {token}")]}

    def get_twin(self, sequence, twins):
        self.twins.GetTwin(twin_pb2.GetTwinRequest(device_id=twin_id(sequence, twins)), **self.options)

    def update_twin(self, sequence, twins):
        desired = struct_pb2.Struct()
        desired["interval"] = sequence % 60
        self.twins.UpdateTwin(twin_pb2.UpdateTwinRequest(device_id=twin_id(sequence, twins), desired=desired), **self.options)

    def create_delete(self, device_id):
        self.registry.CreateDevice(registry_pb2.CreateDeviceRequest(device=resources_pb2.Device(device_id=device_id)),
                                   **self.options)
        self.registry.DeleteDevice(registry_pb2.DeleteDeviceRequest(device_id=device_id), **self.options)

    def query_page(self):
        self.twins.QueryTwins(twin_pb2.QueryTwinsRequest(query=QUERY, page_size=PAGE_SIZE), **self.options)


class Sdk:
    """One IoTHubRegistryManager from the owner policy's connection string, default options.

    With those, msrest opens a new HTTPS connection (and TLS handshake) for every call: it keeps a
    session only inside `with client:`. That is what a service using the SDK as documented pays,
    so it is measured as it is."""

    def __init__(self, connection_string):
        self.manager = IoTHubRegistryManager.from_connection_string(connection_string)

    def get_twin(self, sequence, twins):
        self.manager.get_twin(twin_id(sequence, twins))

    def update_twin(self, sequence, twins):
        patch = Twin(properties=TwinProperties(desired={"interval": sequence % 60}))
        self.manager.update_twin(twin_id(sequence, twins), patch, "*")

    def create_delete(self, device_id):
        # No keys given: the hub generates them, as it does for the gateway's CreateDevice.
        self.manager.create_device_with_sas(device_id, None, None, "enabled")
        self.manager.delete_device(device_id)

    def query_page(self):
        self.manager.query_iot_hub(QuerySpecification(query=QUERY), None, PAGE_SIZE)


class Peer:
    def __init__(self, environment):
        self.twins = int(environment["HUBGATE_BENCH_TWINS"])
        self.paths = {"gateway": Gateway(environment["HUBGATE_BENCH_GATEWAY"], environment["HUBGATE_BENCH_TOKEN"])}
        connection_string = environment.get("HUBGATE_BENCH_HUB_CONNECTION_STRING")
        if connection_string:
            self.paths["sdk"] = Sdk(connection_string)
        # Call numbers for the whole life of the process: device ids never repeat.
        self.sequence = itertools.count()
        self.device_prefix = f"tmp-py-{os.getpid()}"

    def operation(self, workload, path):
        client = self.paths[path]
        twins = self.twins
        if workload == "get_twin":
            return lambda n: client.get_twin(n, twins)
        if workload == "update_twin":
            return lambda n: client.update_twin(n, twins)
        if workload == "mixed":
            return lambda n: client.update_twin(n, twins) if n % 5 == 0 else client.get_twin(n, twins)
        if workload == "create_delete_device":
            prefix = f"{self.device_prefix}-{path[0]}"
            return lambda n: client.create_delete(f"{prefix}-{n}")
        if workload == "query_twins":
            return lambda n: client.query_page()
        raise ValueError(f"unknown workload {workload!r}")

    def run(self, workload, path, concurrency, millis):
        call = self.operation(workload, path)
        end = time.perf_counter_ns() + millis * 1_000_000
        latencies = [[] for _ in range(concurrency)]
        errors = [0] * concurrency
        first_error = []

        def worker(index):
            mine = latencies[index]
            while time.perf_counter_ns() < end:
                number = next(self.sequence)
                begin = time.perf_counter_ns()
                try:
                    call(number)
                    mine.append(max(1, (time.perf_counter_ns() - begin) // 1000))
                except Exception as error:  # every failure is counted; the first is reported
                    errors[index] += 1
                    if not first_error:
                        first_error.append(f"{type(error).__name__}: {error}"[:500])

        started = time.perf_counter_ns()
        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"calls": sum(len(part) for part in latencies), "errors": sum(errors),
                "elapsed_ns": time.perf_counter_ns() - started, "first_error": first_error[0] if first_error else None,
                "latencies_us": list(itertools.chain.from_iterable(latencies))}


def answer(message):
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    peer = Peer(os.environ)
    answer({"ready": True, "peer": "python", "paths": sorted(peer.paths),
            "versions": {name: metadata.version(name) for name in ("grpcio", "azure-iot-hub")},
            "runtime": f"Python {sys.version.split()[0]}"})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            command = json.loads(line)
            answer(peer.run(command["workload"], command["path"], int(command["concurrency"]), int(command["millis"])))
        except Exception as error:  # a bad command is answered, never fatal
            answer({"error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
