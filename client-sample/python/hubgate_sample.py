"""hubgate sample client in Python: the core scenario of client-sample/README.md.

Run setup.sh once (it makes .venv and generates the stubs into gen/), then, from this folder:

    .venv/bin/python hubgate_sample.py

Configuration comes from the HUBGATE_* environment variables. Standard output gets one JSON object
per step and nothing else; notes and errors go to standard error. Exit status 0 when every step
went as expected, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import grpc
from google.protobuf import json_format, struct_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

# setup.sh generates the hubgate.v1 stubs into gen/, next to this file; put it on the path before
# importing them. (google.rpc and google.protobuf come from the installed packages.)
GEN_DIR = Path(__file__).resolve().parent / "gen"
if not (GEN_DIR / "hubgate" / "v1").is_dir():
    sys.exit(f"error: no generated stubs in {GEN_DIR}: run setup.sh first")
sys.path.insert(0, str(GEN_DIR))

from hubgate.v1 import (  # noqa: E402  (needs the path above)
    jobs_pb2,
    jobs_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
    resources_pb2,
    twin_pb2,
    twin_pb2_grpc,
)

LANGUAGE = "python"
# Every gRPC call gets a deadline: without one a call to an unreachable or stuck gateway could
# wait forever.
CALL_TIMEOUT_SECONDS = 10.0
TOKEN_TIMEOUT_SECONDS = 10.0
# IoT Hub's query index follows writes with a delay (seconds on a real hub), so the query step
# asks again a few times before it gives up.
QUERY_ATTEMPTS = 10
QUERY_RETRY_SECONDS = 1.0
# A fleet job runs in the background; watching it to its end gets a longer deadline than one call.
JOB_WATCH_SECONDS = 120.0


@dataclass(frozen=True)
class Config:
    """The HUBGATE_* environment variables shared by all samples (see client-sample/README.md)."""

    target: str
    plaintext: bool
    ca_cert: str | None
    token: str | None
    token_url: str | None
    client_id: str | None
    client_secret: str | None
    token_scope: str
    token_ca_cert: str | None
    device_id: str

    @staticmethod
    def from_env() -> Config:
        def env(name: str) -> str | None:
            return os.environ.get(name) or None  # unset and empty mean the same

        return Config(
            target=env("HUBGATE_TARGET") or "127.0.0.1:50051",
            plaintext=(env("HUBGATE_PLAINTEXT") or "").lower() == "true",
            ca_cert=env("HUBGATE_CA_CERT"),
            token=env("HUBGATE_TOKEN"),
            token_url=env("HUBGATE_TOKEN_URL"),
            client_id=env("HUBGATE_CLIENT_ID"),
            client_secret=env("HUBGATE_CLIENT_SECRET"),
            token_scope=env("HUBGATE_TOKEN_SCOPE") or "api://hubgate/.default",
            token_ca_cert=env("HUBGATE_TOKEN_CA_CERT"),
            device_id=env("HUBGATE_SAMPLE_DEVICE_ID") or f"sample-{LANGUAGE}-{int(time.time())}",
        )


class SampleError(Exception):
    """A step did not go as expected, for a reason other than a failed gRPC call."""


# --- output ----------------------------------------------------------------------------------


def emit(step: str, **fields: Any) -> None:
    """Prints one step's result as a JSON line on stdout (compact, keys in the order given)."""
    print(json.dumps({"step": step, **fields}, separators=(",", ":")), flush=True)


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the caller token ------------------------------------------------------------------------


def acquire_token(config: Config) -> tuple[str, str]:
    """Returns (token, source): HUBGATE_TOKEN as is, else one from the client credentials grant."""
    if config.token:
        return config.token, "HUBGATE_TOKEN"
    required = {
        "HUBGATE_TOKEN_URL": config.token_url,
        "HUBGATE_CLIENT_ID": config.client_id,
        "HUBGATE_CLIENT_SECRET": config.client_secret,
    }
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise SampleError("HUBGATE_TOKEN is empty, so the sample acquires a token, but these are not set: "
                          + ", ".join(missing))
    assert config.token_url  # (for type checkers: checked just above)

    # OAuth 2.0 client credentials (RFC 6749 4.4), as Entra ID's v2.0 token endpoint takes it:
    # a form POST; the scope names the hubgate API's app ID URI with /.default.
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "scope": config.token_scope,
    }).encode()
    request = urllib.request.Request(config.token_url, data=form, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    })
    try:
        # With HUBGATE_TOKEN_CA_CERT (the local emulator's certificate) only that CA is trusted,
        # and only for this request; without it, the system's roots.
        tls = ssl.create_default_context(cafile=config.token_ca_cert)
    except (OSError, ssl.SSLError) as e:
        raise SampleError(f"cannot use HUBGATE_TOKEN_CA_CERT {config.token_ca_cert}: {e}") from None
    try:
        with urllib.request.urlopen(request, timeout=TOKEN_TIMEOUT_SECONDS, context=tls) as response:
            body = json.load(response)
    except urllib.error.HTTPError as e:
        # Entra (and the emulator) say why in the body: {"error": ..., "error_description": ...}.
        raise SampleError(f"token request refused: HTTP {e.code}: {oauth_error(e)}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = e.reason if isinstance(e, urllib.error.URLError) else e
        raise SampleError(f"cannot reach the token endpoint {config.token_url}: {reason}") from None
    except ValueError as e:
        raise SampleError(f"the token endpoint's answer is not JSON: {e}") from None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise SampleError("the token endpoint's answer has no access_token")
    return token, "client_credentials"


def oauth_error(error: urllib.error.HTTPError) -> str:
    """The error and error_description of a refused token request (never the request itself)."""
    body = error.read().decode("utf-8", "replace")
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "error" in answer:
        return f"{answer['error']}: {answer.get('error_description', '')}".rstrip(": ")
    # Not an OAuth error answer: most likely HUBGATE_TOKEN_URL is not a token endpoint.
    return f"not an OAuth 2.0 error answer (is HUBGATE_TOKEN_URL right?): {body[:200] or error.reason}"


# --- gRPC plumbing ---------------------------------------------------------------------------


def open_channel(config: Config) -> grpc.Channel:
    if config.plaintext:
        return grpc.insecure_channel(config.target)  # a local gateway started without TLS
    # TLS with the gateway's CA when given (a private CA), else the system's roots.
    try:
        roots = Path(config.ca_cert).read_bytes() if config.ca_cert else None
    except OSError as e:
        raise SampleError(f"cannot read HUBGATE_CA_CERT {config.ca_cert}: {e.strerror}") from None
    return grpc.secure_channel(config.target, grpc.ssl_channel_credentials(root_certificates=roots))


def call_options(token: str) -> dict[str, Any]:
    """What every call carries: a deadline and the caller's token.

    The token goes as per-call metadata rather than grpc.access_token_call_credentials: gRPC
    sends call credentials only over TLS, and the local gateway may be plaintext.
    """
    return {"timeout": CALL_TIMEOUT_SECONDS, "metadata": [("authorization", f"Bearer {token}")]}


@dataclass
class Failure:
    """A failed call: its status and what its rich status (google.rpc.Status) details say."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    violations: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def of(error: grpc.RpcError) -> Failure:
        call: grpc.Call = error  # type: ignore[assignment]  # a failed unary call is also a Call
        failure = Failure(code=call.code(), message=call.details() or "")
        try:
            # The google.rpc.Status the gateway sent in the grpc-status-details-bin trailer.
            status = rpc_status.from_call(call)
        except ValueError as e:  # trailer present but inconsistent with the call's status
            note(f"note: unreadable rich status: {e}")
            status = None
        for detail in status.details if status else []:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                failure.reason, failure.domain = info.reason, info.domain
                failure.metadata = dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad_request = error_details_pb2.BadRequest()
                detail.Unpack(bad_request)
                failure.violations += [(v.field, v.description) for v in bad_request.field_violations]
        return failure

    def report(self) -> None:
        note(f"error: {self.code.name}: {self.message}")
        if self.reason:
            note(f"reason: {self.reason} (domain {self.domain})")
        for key, value in self.metadata.items():
            note(f"metadata: {key}={value}")
        for field_path, description in self.violations:
            note(f"field violation: {field_path}: {description}")


def expect_failure(call: Callable[[], object], code: grpc.StatusCode, reason: str) -> Failure:
    """Makes a call that must fail with this code and ErrorInfo reason; any other outcome is an error."""
    try:
        call()
    except grpc.RpcError as error:
        failure = Failure.of(error)
        if failure.code == code and failure.reason == reason:
            return failure
        raise  # not the expected refusal: main() reports it
    raise SampleError(f"expected {code.name} ({reason}), but the call succeeded")


def desired_properties(twin: twin_pb2.Twin) -> dict[str, Any]:
    # Struct numbers are doubles, so 30 comes back as 30.0.
    return json_format.MessageToDict(twin.desired.properties)


# --- the scenario ----------------------------------------------------------------------------


def run_scenario(channel: grpc.Channel, token: str, device_id: str) -> None:
    registry = registry_pb2_grpc.RegistryServiceStub(channel)
    twins = twin_pb2_grpc.TwinServiceStub(channel)
    options = call_options(token)

    # 2. Create the device (keys generated by IoT Hub; the response leaves them out).
    device = registry.CreateDevice(
        registry_pb2.CreateDeviceRequest(device=resources_pb2.Device(device_id=device_id)), **options)
    emit("create_device", device_id=device.device_id, etag=device.etag,
         status=resources_pb2.DeviceStatus.Name(device.status))
    try:
        twin_steps(twins, options, device_id)
        job_steps(twins, jobs_pb2_grpc.JobServiceStub(channel), options, device_id)
    except BaseException:
        # Leave no sample device behind when a step fails midway (best effort).
        try:
            registry.DeleteDevice(registry_pb2.DeleteDeviceRequest(device_id=device_id), **options)
        except grpc.RpcError:
            note(f"note: could not delete {device_id}")
        raise

    # 11. Delete the device.
    registry.DeleteDevice(registry_pb2.DeleteDeviceRequest(device_id=device_id), **options)
    emit("delete_device", device_id=device_id)

    # 12. It is gone: NOT_FOUND with reason DeviceNotFound.
    gone = expect_failure(
        lambda: registry.GetDevice(registry_pb2.GetDeviceRequest(device_id=device_id), **options),
        grpc.StatusCode.NOT_FOUND, "DeviceNotFound")
    emit("get_deleted", code=gone.code.name, domain=gone.domain, reason=gone.reason)


def twin_steps(twins: twin_pb2_grpc.TwinServiceStub, options: dict[str, Any], device_id: str) -> None:
    # 3. Read the twin; its etag guards the next write.
    twin = twins.GetTwin(twin_pb2.GetTwinRequest(device_id=device_id), **options)
    emit("get_twin", device_id=twin.device_id, etag=twin.etag, desired_version=twin.desired.version)
    old_etag = twin.etag

    # 4. Merge desired properties, only if nobody changed the twin since we read it.
    desired = struct_pb2.Struct()
    desired.update({"sample": {"language": LANGUAGE, "interval": 30}})
    updated = twins.UpdateTwin(
        twin_pb2.UpdateTwinRequest(device_id=device_id, desired=desired, etag=old_etag), **options)
    emit("update_twin", device_id=updated.device_id, etag=updated.etag,
         desired_version=updated.desired.version, desired=desired_properties(updated))

    # 5. Read it back.
    twin = twins.GetTwin(twin_pb2.GetTwinRequest(device_id=device_id), **options)
    emit("read_back", device_id=twin.device_id, etag=twin.etag,
         desired_version=twin.desired.version, desired=desired_properties(twin))

    # 6. The same write with the old etag is refused: ABORTED, reason PreconditionFailed. A real
    # client would read the twin again and retry.
    stale = expect_failure(
        lambda: twins.UpdateTwin(
            twin_pb2.UpdateTwinRequest(device_id=device_id, desired=desired, etag=old_etag), **options),
        grpc.StatusCode.ABORTED, "PreconditionFailed")
    emit("stale_etag", code=stale.code.name, domain=stale.domain, reason=stale.reason)

    # 7. Query twins. "SELECT *" results are whole twins; one page is plenty here.
    query = (f"SELECT * FROM devices WHERE deviceId = '{device_id}'"
             " AND properties.desired.sample.interval = 30")
    for attempt in range(1, QUERY_ATTEMPTS + 1):
        response = twins.QueryTwins(twin_pb2.QueryTwinsRequest(query=query), **options)
        device_ids = [result.twin.device_id for result in response.results if result.HasField("twin")]
        if device_id in device_ids:
            break
        if attempt == QUERY_ATTEMPTS:
            raise SampleError(f"the query did not find {device_id}")
        note(f"note: {device_id} not in the query results yet (the query index lags writes); retrying")
        time.sleep(QUERY_RETRY_SECONDS)
    emit("query", query=query, device_ids=device_ids)


def job_steps(twins: twin_pb2_grpc.TwinServiceStub, jobs: jobs_pb2_grpc.JobServiceStub,
              options: dict[str, Any], device_id: str) -> None:
    # 8. Tag the device, then let a fleet job update every twin with that tag: IoT Hub runs it in
    # the background on each device the condition selects (here just ours).
    tag = f"{device_id}-fleet"
    tags = struct_pb2.Struct()
    tags.update({"fleet": tag})
    twins.UpdateTwin(twin_pb2.UpdateTwinRequest(device_id=device_id, tags=tags), **options)
    desired = struct_pb2.Struct()
    desired.update({"firmware": "2.4"})
    condition = f"tags.fleet = '{tag}'"
    # A job id of our own makes the create safe to retry: a repeat returns the same job.
    job_id = f"{device_id}-job"
    job = jobs.CreateJob(jobs_pb2.CreateJobRequest(
        job_id=job_id,
        job=jobs_pb2.Job(query_condition=condition, twin_update=jobs_pb2.TwinUpdate(desired=desired))), **options)
    emit("job_create", job_id=job.job_id, query_condition=job.query_condition,
         state=jobs_pb2.JobState.Name(job.state))

    # 9. Watch it: the gateway streams the job each time it changes and ends the stream when the
    # job has ended.
    states = []
    last = job
    watch_options = {**options, "timeout": JOB_WATCH_SECONDS}
    for last in jobs.WatchJob(jobs_pb2.WatchJobRequest(job_id=job.job_id), **watch_options):
        states.append(jobs_pb2.JobState.Name(last.state))
    if last.state != jobs_pb2.JOB_STATE_COMPLETED:
        raise SampleError(f"job {job.job_id} ended {jobs_pb2.JobState.Name(last.state)}: {last.failure_reason}")
    emit("job_watch", job_id=last.job_id, states=states, device_count=last.statistics.device_count,
         succeeded_count=last.statistics.succeeded_count, failed_count=last.statistics.failed_count)

    # 10. The job's update is in the twin.
    twin = twins.GetTwin(twin_pb2.GetTwinRequest(device_id=device_id), **options)
    firmware = desired_properties(twin).get("firmware")
    if firmware != "2.4":
        raise SampleError(f"the job completed but the twin's desired firmware is {firmware!r}")
    emit("job_check_twin", device_id=twin.device_id, firmware=firmware)


def main() -> int:
    config = Config.from_env()
    try:
        # 1. A caller token: given, or acquired from the token endpoint.
        token, source = acquire_token(config)
        emit("token", source=source)
        with open_channel(config) as channel:
            run_scenario(channel, token, config.device_id)
    except grpc.RpcError as error:
        Failure.of(error).report()
        return 1
    except SampleError as e:
        note(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
