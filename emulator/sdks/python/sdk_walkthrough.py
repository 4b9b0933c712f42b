#!/usr/bin/env python3
"""The official Python service SDK (azure-iot-hub 2.7) and azure-identity against the hubgate IoT Hub
emulator: every IoTHubRegistryManager and IoTHubJobManager operation the emulator serves, with every
credential the SDK takes, each result and each error checked.

emulator/sdks runs it in `mvn verify` against a live emulator. To run it yourself against
`mvn -q -pl emulator -am package -DskipTests exec:java@emulator`, copy the values from its banner:

    bash emulator/sdks/python/setup.sh
    export REQUESTS_CA_BUNDLE=<Certificate (PEM)>      # requests (under the SDK) and azure-identity trust the emulator
    export EMULATOR_CONNECTION_STRING='<Connection string>'
    export AZURE_AUTHORITY_HOST=… AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=…   # hubgate-gateway
    export IDENTITY_ENDPOINT=… IDENTITY_HEADER=…                                              # managed identity
    emulator/sdks/python/.venv/bin/python emulator/sdks/python/sdk_walkthrough.py

Optional, each adds a credential: CERTIFICATE_CLIENT_ID + CERTIFICATE_PATH (PEM with key and
certificate of an app that holds it), AZURE_FEDERATED_TOKEN_FILE (a token of the emulator's federated
issuer for AZURE_CLIENT_ID), READER_CLIENT_ID + READER_CLIENT_SECRET (an app with IoT Hub Data
Reader only, to show a refusal), REGISTRY_READ_CONNECTION_STRING (the registryRead policy's, likewise).

What to know when you point the SDK at the emulator (each line below is used in this file):
- `from_token_credential` takes the host without a scheme: "127.0.0.1:8443".
- azure-identity credentials take `authority=` (or AZURE_AUTHORITY_HOST) and need
  `disable_instance_discovery=True`: otherwise MSAL asks login.microsoftonline.com whether the
  authority is known, and the emulator is not.
- azure-iot-hub 2.7.0 imports `six` without declaring it: install it yourself (requirements.txt does).
- Errors are msrest's HttpOperationError: read `e.response.status_code`, the `iothub-errorcode` header
  and the body, which is "ErrorCode:<Name>;<message>…" for the registry and twins, and a JSON object
  with the six-digit errorCode for direct methods, as the service words them.
- Scheduled jobs (IoTHubJobManager): a twin-update job's `update_twin` needs `etag="*"`
  (`Twin(etag="*", …)`): the service takes such a job as a forced update and refuses it without
  the etag (400 ArgumentInvalid), although the SDK's docs leave it out. The errors are the same
  HttpOperationError: 409 JobAlreadyExists, 404 JobNotFound, 400 ArgumentInvalid.
- The SDK cannot list jobs: `query_scheduled_jobs` reads the answer as one QueryResult object, the
  service sends a JSON array, and it raises DeserializationError (against a real hub too; the SDK
  once had the same bug in query_iot_hub). Per-device outcomes are readable with
  `query_iot_hub("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '…'")`; a job you know by id
  with `get_scheduled_job`.
- A start time is serialized by msrest: a value that is not a date fails in the client
  (SerializationError) and never reaches the hub.

Prints one JSON line a step; the first failed check ends it with exit status 1.
"""
import base64
import datetime
import json
import os
import secrets
import sys
import time
import uuid

import requests
from msrest.exceptions import HttpOperationError

from azure.core.exceptions import ClientAuthenticationError, DeserializationError, SerializationError
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)
from azure.iot.hub import IoTHubJobManager, IoTHubRegistryManager
from azure.iot.hub.models import (CloudToDeviceMethod, ExportImportDevice, JobRequest, QuerySpecification, Twin,
                                  TwinProperties)
from azure.iot.hub.sastoken import SasToken


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)


def step(name, credential, **details):
    print(json.dumps({"step": name, "credential": credential, **details}, default=str), flush=True)


def new_key():
    return base64.b64encode(secrets.token_bytes(32)).decode()


def connection_string_fields(connection_string):
    return dict(part.split("=", 1) for part in connection_string.split(";") if part)


# ---- errors -------------------------------------------------------------------------------------

def hub_error(call):
    """Runs a call that must fail and returns (status, iothub-errorcode header, body code).

    The body code is the name from "ErrorCode:<Name>;…" (registry and twins) or the numeric
    errorCode of the JSON form (direct methods)."""
    try:
        call()
    except HttpOperationError as error:
        response = error.response
        message = response.json()["Message"]
        if message.startswith("ErrorCode:"):
            body_code = message.split(";", 1)[0][len("ErrorCode:"):]
        else:
            body_code = json.loads(message)["errorCode"]
        return response.status_code, response.headers.get("iothub-errorcode"), body_code
    raise CheckFailed("the call succeeded; an IoT Hub error was expected")


def expect_error(call, status, name, body_code=None):
    got = hub_error(call)
    expected = (status, name, name if body_code is None else body_code)
    check(got == expected, f"expected {expected}, got {got}")
    return got


# ---- the emulator's control surface (not IoT Hub: it plays the device side) ---------------------

class SimulatedDevices:
    """Connects simulated devices and sets their method handlers through /_emulator (owner SAS only)."""

    def __init__(self, connection_string):
        fields = connection_string_fields(connection_string)
        self.base = "https://" + fields["HostName"]
        self.token = str(SasToken(fields["HostName"], fields["SharedAccessKey"], fields["SharedAccessKeyName"]))

    def _call(self, method, path, body=None):
        response = requests.request(method, self.base + "/_emulator" + path, json=body,
                                    headers={"Authorization": self.token}, timeout=30)
        check(response.status_code in (200, 201, 204), f"{method} /_emulator{path}: {response.status_code} {response.text}")

    def connect(self, device_id, module_id=None):
        self._call("POST", self._path(device_id, module_id) + "/connect")

    def report(self, device_id, reported):
        self._call("PATCH", self._path(device_id, None) + "/reported", reported)

    def answer(self, device_id, method_name, status, payload, module_id=None, answer=True):
        self._call("PUT", self._path(device_id, module_id) + "/methods/" + method_name,
                   {"status": status, "payload": payload, "answer": answer})

    @staticmethod
    def _path(device_id, module_id):
        return "/devices/" + device_id + ("/modules/" + module_id if module_id else "")


# ---- the whole registry manager, once ------------------------------------------------------------

def full_tour(hub, devices, prefix, credential):
    c = credential
    device_id = prefix + "-device"
    created = hub.create_device_with_sas(device_id, new_key(), new_key(), "enabled")
    check(created.device_id == device_id and created.etag and created.status == "enabled", f"created {created}")
    check(created.connection_state == "Disconnected", f"a new device is Disconnected: {created.connection_state}")
    step("create_device", c, device_id=device_id, etag=created.etag)

    expect_error(lambda: hub.create_device_with_sas(device_id, new_key(), new_key(), "enabled"), 409, "DeviceAlreadyExists")
    step("create_device_twice", c, error="DeviceAlreadyExists")

    fetched = hub.get_device(device_id)
    check(fetched.etag == created.etag, "get returns the etag create returned")
    step("get_device", c, etag=fetched.etag)

    disabled = hub.update_device_with_sas(device_id, fetched.etag, new_key(), new_key(), "disabled", status_reason="walkthrough")
    check(disabled.status == "disabled" and disabled.etag != fetched.etag, f"updated {disabled}")
    step("update_device_with_etag", c, etag=disabled.etag)

    expect_error(lambda: hub.update_device_with_sas(device_id, fetched.etag, new_key(), new_key(), "enabled"),
                 412, "PreconditionFailed")
    step("update_device_stale_etag", c, error="PreconditionFailed")

    listed = hub.get_devices(1000)
    check(device_id in [d.device_id for d in listed], "get_devices lists the device")
    step("get_devices", c, count=len(listed))

    expect_error(lambda: hub.get_device(prefix + "-missing"), 404, "DeviceNotFound")
    step("get_missing_device", c, error="DeviceNotFound")

    registry_stats = hub.get_device_registry_statistics()
    check(registry_stats.total_device_count >= 1 and registry_stats.disabled_device_count >= 1, f"{registry_stats}")
    service_stats = hub.get_service_statistics()
    check(service_stats.connected_device_count >= 0, f"{service_stats}")
    step("statistics", c, total=registry_stats.total_device_count, connected=service_stats.connected_device_count)

    # X.509, CA-signed and edge devices; a leaf device under an edge device.
    thumbprints = ("A1" * 20, "B2" * 20)
    x509 = hub.create_device_with_x509(prefix + "-x509", *thumbprints, "enabled")
    check(x509.authentication.type == "selfSigned"
          and x509.authentication.x509_thumbprint.primary_thumbprint == thumbprints[0], f"x509 {x509.authentication}")
    ca = hub.create_device_with_certificate_authority(prefix + "-ca", "enabled")
    check(ca.authentication.type == "certificateAuthority", f"ca {ca.authentication}")
    edge = hub.create_device_with_sas(prefix + "-edge", new_key(), new_key(), "enabled", iot_edge=True)
    check(edge.capabilities.iot_edge and edge.device_scope.startswith("ms-azure-iot-edge://"), f"edge {edge.device_scope}")
    leaf = hub.create_device_with_sas(prefix + "-leaf", new_key(), new_key(), "enabled", device_scope=edge.device_scope)
    check(leaf.parent_scopes == [edge.device_scope], f"the service copies a leaf's scope to its parents: {leaf.parent_scopes}")
    x509_module = hub.create_module_with_x509(x509.device_id, "camera", "", *thumbprints)
    check(x509_module.authentication.type == "selfSigned", f"x509 module {x509_module.authentication}")
    updated_x509 = hub.update_device_with_x509(x509.device_id, x509.etag, thumbprints[1], thumbprints[0], "disabled")
    check(updated_x509.authentication.x509_thumbprint.primary_thumbprint == thumbprints[1], "x509 thumbprints swapped")
    twin_of_x509 = hub.get_twin(x509.device_id)
    check(twin_of_x509.authentication_type == "selfSigned" and twin_of_x509.status == "disabled", f"{twin_of_x509}")
    for kind in ("-leaf", "-edge", "-ca", "-x509"):
        hub.delete_device(prefix + kind)
    step("device_kinds", c, kinds=["selfSigned", "certificateAuthority", "iotEdge", "leaf"])

    # Modules
    module = hub.create_module_with_sas(device_id, "telemetry", "", new_key(), new_key())
    check(module.module_id == "telemetry" and module.etag, f"module {module}")
    expect_error(lambda: hub.create_module_with_sas(device_id, "telemetry", "", new_key(), new_key()),
                 409, "ModuleAlreadyExistsOnDevice")
    got_module = hub.get_module(device_id, "telemetry")
    check(got_module.etag == module.etag, "get_module returns the module's etag")
    check([m.module_id for m in hub.get_modules(device_id)] == ["telemetry"], "get_modules lists it")
    updated_module = hub.update_module_with_sas(device_id, "telemetry", "walkthrough", module.etag, new_key(), new_key())
    check(updated_module.managed_by == "walkthrough" and updated_module.etag != module.etag, f"{updated_module}")
    expect_error(lambda: hub.update_module_with_sas(device_id, "telemetry", "", module.etag, new_key(), new_key()),
                 412, "PreconditionFailed")
    expect_error(lambda: hub.get_module(device_id, "missing"), 404, "ModuleNotFound")
    step("modules", c, module_id="telemetry", etag=updated_module.etag)

    # Twins
    twin = hub.get_twin(device_id)
    check(twin.device_id == device_id and twin.etag and twin.version >= 1, f"twin {twin}")
    patched = hub.update_twin(device_id, Twin(tags={"site": "lab", "floor": 3},
                                              properties=TwinProperties(desired={"interval": 30})), twin.etag)
    check(patched.tags == {"site": "lab", "floor": 3}, f"tags {patched.tags}")
    check(patched.properties.desired["interval"] == 30, f"desired {patched.properties.desired}")
    check(patched.etag != twin.etag and patched.version > twin.version, "a patch changes etag and version")
    step("update_twin", c, etag=patched.etag, version=patched.version)

    expect_error(lambda: hub.update_twin(device_id, Twin(tags={"site": "other"}), twin.etag), 412, "PreconditionFailed")
    step("update_twin_stale_etag", c, error="PreconditionFailed")

    replaced = hub.replace_twin(device_id, Twin(tags={"site": "replaced"},
                                                properties=TwinProperties(desired={"mode": "eco"})), patched.etag)
    check(replaced.tags == {"site": "replaced"}, f"replace drops the other tags: {replaced.tags}")
    check("interval" not in replaced.properties.desired and replaced.properties.desired["mode"] == "eco",
          f"replace replaces desired: {replaced.properties.desired}")
    step("replace_twin", c, etag=replaced.etag)

    expect_error(lambda: hub.get_twin(prefix + "-missing"), 404, "DeviceNotFound")
    expect_error(lambda: hub.update_twin(device_id, Twin(tags={"bad.key": 1})), 400, "ArgumentInvalid")
    step("twin_errors", c, errors=["DeviceNotFound", "ArgumentInvalid"])

    devices.report(device_id, {"firmware": "1.2.3", "battery": {"level": 80}})
    with_reported = hub.get_twin(device_id)
    check(with_reported.properties.reported["firmware"] == "1.2.3"
          and with_reported.properties.reported["$version"] >= 2, f"reported {with_reported.properties.reported}")
    step("reported_properties", c, reported_version=with_reported.properties.reported["$version"])

    module_twin = hub.get_module_twin(device_id, "telemetry")
    check(module_twin.module_id == "telemetry", f"module twin {module_twin}")
    module_patched = hub.update_module_twin(device_id, "telemetry",
                                            Twin(properties=TwinProperties(desired={"rate": 5})), module_twin.etag)
    check(module_patched.properties.desired["rate"] == 5, f"{module_patched.properties.desired}")
    module_replaced = hub.replace_module_twin(device_id, "telemetry", Twin(tags={"role": "sensor"}), "*")
    check(module_replaced.tags == {"role": "sensor"} and "rate" not in module_replaced.properties.desired,
          f"{module_replaced.tags} {module_replaced.properties.desired}")
    expect_error(lambda: hub.get_module_twin(device_id, "missing"), 404, "ModuleNotFound")
    step("module_twins", c, etag=module_replaced.etag)

    # Bulk
    bulk_ids = [f"{prefix}-bulk-{i}" for i in range(5)]
    result = hub.bulk_create_or_update_devices([
        ExportImportDevice(id=i, import_mode="create", tags={"walkthrough": prefix}) for i in bulk_ids])
    check(result.is_successful and not result.errors, f"bulk create {result}")
    again = hub.bulk_create_or_update_devices([ExportImportDevice(id=bulk_ids[0], import_mode="create")])
    check(not again.is_successful and again.errors[0].error_code == "DeviceAlreadyExists"
          and again.errors[0].device_id == bulk_ids[0], f"bulk create twice {again}")
    step("bulk", c, created=len(bulk_ids), error=again.errors[0].error_code)

    # Query, paged
    query = QuerySpecification(query=f"SELECT * FROM devices WHERE tags.walkthrough = '{prefix}'")
    pages, found, token = 0, [], None
    while True:
        page = hub.query_iot_hub(query, token, 2)
        pages += 1
        found += [t.device_id for t in page.items]
        token = page.continuation_token
        if not token:
            break
        check(pages < 10, "the continuation token never ran out")
    check(sorted(found) == sorted(bulk_ids) and pages == 3, f"{pages} pages: {found}")
    counted = hub.query_iot_hub(QuerySpecification(
        query=f"SELECT COUNT() AS n FROM devices WHERE tags.walkthrough = '{prefix}'"))
    # The SDK reads every row as a Twin, so the aggregate lands in additional_properties.
    check(counted.items[0].additional_properties == {"n": 5}, f"count {counted.items[0]}")
    module_rows = hub.query_iot_hub(QuerySpecification(
        query=f"SELECT * FROM devices.modules WHERE deviceId = '{device_id}'"))
    check([(t.device_id, t.module_id) for t in module_rows.items] == [(device_id, "telemetry")], f"{module_rows.items}")
    expect_error(lambda: hub.query_iot_hub(QuerySpecification(query="SELECT * FROM devices WHERE")), 400, "ArgumentInvalid")
    step("query", c, pages=pages, devices=len(found))

    # Direct methods: a simulated device answers.
    online_id = prefix + "-online"
    hub.create_device_with_sas(online_id, new_key(), new_key(), "enabled")
    hub.create_module_with_sas(online_id, "agent", "", new_key(), new_key())
    devices.connect(online_id)
    devices.answer(online_id, "reboot", 200, {"rebooting": True})
    result = hub.invoke_device_method(online_id, CloudToDeviceMethod(
        method_name="reboot", payload={"delay": 1}, response_timeout_in_seconds=10))
    check(result.status == 200 and result.payload == {"rebooting": True}, f"method result {result}")
    devices.connect(online_id, "agent")
    devices.answer(online_id, "ping", 201, "pong", module_id="agent")
    module_result = hub.invoke_device_module_method(online_id, "agent", CloudToDeviceMethod(method_name="ping"))
    check(module_result.status == 201 and module_result.payload == "pong", f"module method result {module_result}")
    step("invoke_method", c, status=result.status, module_status=module_result.status)

    expect_error(lambda: hub.invoke_device_method(online_id, CloudToDeviceMethod(method_name="unregistered")),
                 404, "DeviceNotOnline", 404103)
    expect_error(lambda: hub.invoke_device_method(device_id, CloudToDeviceMethod(method_name="reboot")),
                 404, "DeviceNotOnline", 404103)
    expect_error(lambda: hub.invoke_device_method(prefix + "-missing", CloudToDeviceMethod(method_name="reboot")),
                 404, "DeviceNotFound", 404001)
    devices.answer(online_id, "hang", 200, None, answer=False)
    started = time.monotonic()
    expect_error(lambda: hub.invoke_device_method(online_id, CloudToDeviceMethod(
        method_name="hang", response_timeout_in_seconds=5)), 504, "GatewayTimeout", 504101)
    check(time.monotonic() - started >= 4.5, "504101 comes after responseTimeoutInSeconds")
    step("method_errors", c, errors=["DeviceNotOnline 404103", "DeviceNotFound 404001", "GatewayTimeout 504101"])

    # Deletes honour etags too.
    current = hub.get_device(device_id)
    expect_error(lambda: hub.delete_device(device_id, fetched.etag), 412, "PreconditionFailed")
    hub.delete_module(device_id, "telemetry", updated_module.etag)
    hub.delete_device(device_id, current.etag)
    expect_error(lambda: hub.get_device(device_id), 404, "DeviceNotFound")
    for bulk_id in bulk_ids:
        hub.delete_device(bulk_id)
    step("delete_device", c, device_id=device_id)
    return online_id


# ---- scheduled jobs (IoTHubJobManager), once ------------------------------------------------------

def await_job(jobs, job_id, deadline_seconds=30):
    """Reads a job until it has ended (the hub runs it in the background); polls, with a deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        job = jobs.get_scheduled_job(job_id)
        if job.status in ("completed", "failed", "cancelled"):
            return job
        check(time.monotonic() < deadline, f"job {job_id} is still {job.status} after {deadline_seconds} s")
        time.sleep(0.2)


def twin_job_request(job_id, condition, twin, start_time, max_seconds=60):
    return JobRequest(job_id=job_id, type="scheduleUpdateTwin", query_condition=condition, update_twin=twin,
                      start_time=start_time, max_execution_time_in_seconds=max_seconds)


def jobs_tour(hub, jobs, online_id, prefix, credential):
    c = credential
    now = datetime.datetime.now(datetime.timezone.utc)
    offline_id = prefix + "-offline"
    hub.create_device_with_sas(offline_id, new_key(), new_key(), "enabled")
    condition = f"deviceId IN ['{online_id}', '{offline_id}']"

    # A twin-update job is a forced update: the twin's etag must be "*" (the service's rule).
    twin_job_id = prefix + "-twin-job"
    update = Twin(etag="*", tags={"fleet": prefix}, properties=TwinProperties(desired={"firmware": "2.4"}))
    created = jobs.create_scheduled_job(twin_job_id, twin_job_request(twin_job_id, condition, update, now))
    check(created.job_id == twin_job_id and created.type == "scheduleUpdateTwin" and created.status == "queued",
          f"created {created}")
    ended = await_job(jobs, twin_job_id)
    stats = ended.device_job_statistics
    check(ended.status == "completed" and stats.device_count == 2 and stats.succeeded_count == 2, f"twin job {ended}")
    twin = hub.get_twin(offline_id)
    check(twin.tags["fleet"] == prefix and twin.properties.desired["firmware"] == "2.4", f"twin after the job {twin}")
    step("twin_job", c, job_id=twin_job_id, status=ended.status, succeeded=stats.succeeded_count)

    # A method job: the simulated device answers, the device that is not connected fails its entry.
    method_job_id = prefix + "-method-job"
    created = jobs.create_scheduled_job(method_job_id, JobRequest(
        job_id=method_job_id, type="scheduleDeviceMethod", query_condition=condition, start_time=now,
        max_execution_time_in_seconds=60,
        cloud_to_device_method=CloudToDeviceMethod(method_name="reboot", payload={"delay": 1}, response_timeout_in_seconds=10)))
    check(created.type == "scheduleDeviceMethod" and created.status == "queued", f"created {created}")
    ended = await_job(jobs, method_job_id)
    stats = ended.device_job_statistics
    check(ended.status == "completed" and stats.succeeded_count == 1 and stats.failed_count == 1, f"method job {ended}")
    step("method_job", c, job_id=method_job_id, succeeded=stats.succeeded_count, failed=stats.failed_count)

    # A job that starts in an hour is scheduled; cancelling it ends it.
    later_id = prefix + "-later-job"
    jobs.create_scheduled_job(later_id, twin_job_request(later_id, condition, Twin(etag="*", tags={"late": True}),
                                                         now + datetime.timedelta(hours=1)))
    cancelled = jobs.cancel_scheduled_job(later_id)
    check(cancelled.job_id == later_id and cancelled.status == "cancelled", f"cancelled {cancelled}")
    check(jobs.get_scheduled_job(later_id).status == "cancelled", "the cancelled job stays cancelled")
    step("cancel_job", c, job_id=later_id, status=cancelled.status)

    # Per-device outcomes are the devices.jobs query (query_iot_hub reads each row as a Twin:
    # deviceId and status land in its fields, the rest in additional_properties).
    rows = hub.query_iot_hub(QuerySpecification(
        query=f"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{method_job_id}'")).items
    outcomes = {row.device_id: {**row.additional_properties, "status": row.status} for row in rows}
    check(sorted(outcomes) == sorted([online_id, offline_id]), f"job devices {outcomes}")
    answered = outcomes[online_id]
    check(answered["status"] == "completed"
          and answered["outcome"]["deviceMethodResponse"] == {"status": 200, "payload": {"rebooting": True}},
          f"the answered entry {answered}")
    check(outcomes[offline_id]["status"] == "failed" and outcomes[offline_id]["error"]["code"] == "DeviceNotOnline",
          f"the offline entry {outcomes[offline_id]}")
    # IoTHubJobManager.query_scheduled_jobs reads the answer as one QueryResult object, but the service
    # answers GET /jobs/v2/query with a JSON array (as it answers device queries, which query_iot_hub
    # reads by hand): the SDK cannot list jobs.
    try:
        jobs.query_scheduled_jobs("scheduleUpdateTwin", None)
        raise CheckFailed("query_scheduled_jobs read the job list; the SDK was expected to fail on it")
    except DeserializationError:
        pass
    step("job_devices", c, devices=len(outcomes), list_jobs="DeserializationError (the SDK cannot list jobs)")

    # Errors: an id in use, an unknown id, a schedule the hub refuses, a twin job without etag "*".
    expect_error(lambda: jobs.create_scheduled_job(twin_job_id, twin_job_request(twin_job_id, condition, update, now)),
                 409, "JobAlreadyExists")
    expect_error(lambda: jobs.get_scheduled_job(prefix + "-no-job"), 404, "JobNotFound")
    expect_error(lambda: jobs.cancel_scheduled_job(prefix + "-no-job"), 404, "JobNotFound")
    bad_id = prefix + "-bad-job"
    expect_error(lambda: jobs.create_scheduled_job(bad_id, twin_job_request(bad_id, condition, update, now, max_seconds=-1)),
                 400, "ArgumentInvalid")
    expect_error(lambda: jobs.create_scheduled_job(bad_id, twin_job_request(bad_id, condition, Twin(tags={"x": 1}), now)),
                 400, "ArgumentInvalid")
    # A start time that is not a date never leaves the client: msrest serializes it as ISO 8601.
    try:
        jobs.create_scheduled_job(bad_id, twin_job_request(bad_id, condition, update, "tomorrow"))
        raise CheckFailed("a start time that is not a date was sent")
    except SerializationError:
        pass
    step("job_errors", c, errors=["JobAlreadyExists 409", "JobNotFound 404", "ArgumentInvalid 400 (maxExecutionTime)",
                                  "ArgumentInvalid 400 (etag)", "SerializationError (startTime)"])
    hub.delete_device(offline_id)
    return twin_job_id


# ---- one operation of each family, per credential ------------------------------------------------

def every_family(hub, jobs, online_id, job_id, prefix, credential):
    device_id = f"{prefix}-{credential.lower()}"
    created = hub.create_device_with_sas(device_id, new_key(), new_key(), "enabled")
    check(hub.get_device(device_id).etag == created.etag, "registry")
    hub.create_module_with_sas(device_id, "m", "", new_key(), new_key())
    check(hub.get_module_twin(device_id, "m").module_id == "m", "modules")
    twin = hub.update_twin(device_id, Twin(tags={"credential": credential}), "*")
    check(twin.tags == {"credential": credential}, "twins")
    rows = hub.query_iot_hub(QuerySpecification(query=f"SELECT * FROM devices WHERE tags.credential = '{credential}'"))
    check([t.device_id for t in rows.items] == [device_id], "query")
    bulk = hub.bulk_create_or_update_devices([ExportImportDevice(id=device_id + "-bulk", import_mode="create")])
    check(bulk.is_successful, "bulk")
    check(hub.get_device_registry_statistics().total_device_count >= 2, "statistics")
    result = hub.invoke_device_method(online_id, CloudToDeviceMethod(method_name="reboot", response_timeout_in_seconds=10))
    check(result.status == 200, "methods")
    check(jobs.get_scheduled_job(job_id).status == "completed", "jobs")
    hub.delete_device(device_id + "-bulk")
    hub.delete_device(device_id)
    step("every_family", credential,
         families=["registry", "modules", "twins", "query", "bulk", "statistics", "methods", "jobs"])


def main():
    connection_string = os.environ["EMULATOR_CONNECTION_STRING"]
    host = connection_string_fields(connection_string)["HostName"]  # host:port, no scheme
    authority = os.environ["AZURE_AUTHORITY_HOST"]
    tenant = os.environ["AZURE_TENANT_ID"]
    client_id = os.environ["AZURE_CLIENT_ID"]
    prefix = os.environ.get("DEVICE_PREFIX") or "py-" + uuid.uuid4().hex[:8]

    hub = IoTHubRegistryManager.from_connection_string(connection_string)
    online_id = full_tour(hub, SimulatedDevices(connection_string), prefix, "connection_string")
    job_id = jobs_tour(hub, IoTHubJobManager.from_connection_string(connection_string), online_id, prefix,
                       "connection_string")

    credentials = {
        "ClientSecretCredential": lambda: ClientSecretCredential(
            tenant, client_id, os.environ["AZURE_CLIENT_SECRET"], authority=authority, disable_instance_discovery=True),
        # EnvironmentCredential inside it reads AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
        "DefaultAzureCredential": lambda: DefaultAzureCredential(disable_instance_discovery=True),
        # App Service form: IDENTITY_ENDPOINT and IDENTITY_HEADER; no client id picks the system-assigned identity.
        "ManagedIdentityCredential": lambda: ManagedIdentityCredential(),
    }
    if os.environ.get("CERTIFICATE_PATH"):
        credentials["CertificateCredential"] = lambda: CertificateCredential(
            tenant, os.environ["CERTIFICATE_CLIENT_ID"], os.environ["CERTIFICATE_PATH"], authority=authority,
            disable_instance_discovery=True)
    if os.environ.get("AZURE_FEDERATED_TOKEN_FILE"):
        credentials["WorkloadIdentityCredential"] = lambda: WorkloadIdentityCredential(
            tenant_id=tenant, client_id=client_id, token_file_path=os.environ["AZURE_FEDERATED_TOKEN_FILE"],
            authority=authority, disable_instance_discovery=True)
    for name, make in credentials.items():
        credential = make()
        every_family(IoTHubRegistryManager.from_token_credential(host, credential),
                     IoTHubJobManager.from_token_credential(host, credential), online_id, job_id, prefix, name)

    # Refusals: Entra's (a wrong secret) and IoT Hub's (a valid token without the data role).
    wrong = ClientSecretCredential(tenant, client_id, "not-the-secret", authority=authority, disable_instance_discovery=True)
    try:
        wrong.get_token("https://iothubs.azure.net/.default")
        raise CheckFailed("a wrong client secret got a token")
    except ClientAuthenticationError as refused:
        check("AADSTS7000215" in str(refused), f"Entra's code in {refused}")
    step("wrong_client_secret", "ClientSecretCredential", error="ClientAuthenticationError AADSTS7000215")
    if os.environ.get("REGISTRY_READ_CONNECTION_STRING"):
        read_only = IoTHubRegistryManager.from_connection_string(os.environ["REGISTRY_READ_CONNECTION_STRING"])
        check(read_only.get_device(online_id).device_id == online_id, "registryRead reads the registry")
        expect_error(lambda: read_only.create_device_with_sas(prefix + "-denied", new_key(), new_key(), "enabled"),
                     401, "IotHubUnauthorizedAccess")
        step("policy_missing_right", "connection_string", error="IotHubUnauthorizedAccess")
    if os.environ.get("READER_CLIENT_ID"):
        reader = IoTHubRegistryManager.from_token_credential(host, ClientSecretCredential(
            tenant, os.environ["READER_CLIENT_ID"], os.environ["READER_CLIENT_SECRET"], authority=authority,
            disable_instance_discovery=True))
        check(reader.get_twin(online_id).device_id == online_id, "the reader reads twins")
        expect_error(lambda: reader.create_device_with_sas(prefix + "-denied", new_key(), new_key(), "enabled"),
                     401, "IotHubUnauthorized")
        step("role_missing", "ClientSecretCredential", error="IotHubUnauthorized")

    hub.delete_device(online_id)
    step("done", "connection_string", credentials=["connection_string", *credentials])


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failed:
        print(f"check failed: {failed}", file=sys.stderr)
        sys.exit(1)
