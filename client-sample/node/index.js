'use strict';
// hubgate's Node.js sample client: the core scenario of ../README.md, as a backend service
// would run it. One JSON object per step on stdout; notes and errors on stderr; exit 0 when
// every step went as expected, 1 otherwise.
//
//   node index.js        (configuration from the HUBGATE_* environment variables)

const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { loadHubgate, toStruct, fromStruct } = require('./protos');
const { codeName, richStatus, printError } = require('./errors');
const { clientCredentials } = require('./token');

// Every call gets a deadline: without one a stuck call would wait forever.
const CALL_TIMEOUT_MS = 10_000;
// IoT Hub's query index lags behind writes by up to a few seconds (the emulator's does not).
const QUERY_ATTEMPTS = 10;
const QUERY_RETRY_MS = 1_000;

const DESIRED = { sample: { language: 'node', interval: 30 } };

function env(name, fallback = '') {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** One line of the output contract. */
function emit(step) {
  process.stdout.write(`${JSON.stringify(step)}\n`);
}

function note(text) {
  process.stderr.write(`${text}\n`);
}

/** A failure the scenario did not expect; main prints it and exits 1. */
class StepFailed extends Error {
  constructor(step, cause) {
    super(`${step}: ${cause.message}`);
    this.step = step;
    this.cause = cause;
  }
}

async function step(name, action) {
  try {
    return await action();
  } catch (error) {
    throw error instanceof StepFailed ? error : new StepFailed(name, error);
  }
}

async function main() {
  const target = env('HUBGATE_TARGET', '127.0.0.1:50051');
  const deviceId = env('HUBGATE_SAMPLE_DEVICE_ID', `sample-node-${Date.now()}`);

  // 1. The caller token: given as is, or acquired with the app's client secret.
  const token = await step('token', async () => {
    if (env('HUBGATE_TOKEN')) {
      emit({ step: 'token', source: 'HUBGATE_TOKEN' });
      return env('HUBGATE_TOKEN');
    }
    const acquired = await clientCredentials({
      tokenUrl: env('HUBGATE_TOKEN_URL'),
      clientId: env('HUBGATE_CLIENT_ID'),
      clientSecret: env('HUBGATE_CLIENT_SECRET'),
      scope: env('HUBGATE_TOKEN_SCOPE', 'api://hubgate/.default'),
      caCertFile: env('HUBGATE_TOKEN_CA_CERT'),
    });
    emit({ step: 'token', source: 'client_credentials' });
    return acquired;
  });

  // The channel: TLS (the gateway's CA, or the system roots) unless told it is a local
  // plaintext gateway.
  const channelCredentials = env('HUBGATE_PLAINTEXT').toLowerCase() === 'true'
    ? grpc.credentials.createInsecure()
    : grpc.credentials.createSsl(env('HUBGATE_CA_CERT') ? fs.readFileSync(env('HUBGATE_CA_CERT')) : null);
  // The token goes with every call as `authorization: Bearer …` (per-call credentials).
  const callCredentials = grpc.credentials.createFromMetadataGenerator((_context, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });

  const hubgate = loadHubgate();
  // Clients of the same target and credentials share one connection (grpc-js pools them).
  const registry = new hubgate.RegistryService(target, channelCredentials);
  const twins = new hubgate.TwinService(target, channelCredentials);

  /** A unary call as a promise, with its deadline and the caller's token. */
  function call(client, method, request) {
    return new Promise((resolve, reject) => {
      const options = { deadline: Date.now() + CALL_TIMEOUT_MS, credentials: callCredentials };
      client[method](request, options, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  /** Runs a call that must fail with `code` and ErrorInfo `reason`; returns its status line. */
  async function expectFailure(stepName, code, reason, promise) {
    let response;
    try {
      response = await promise;
    } catch (error) {
      const { errorInfo } = richStatus(error);
      if (error.code === code && errorInfo && errorInfo.reason === reason) {
        return { step: stepName, code: codeName(error.code), domain: errorInfo.domain, reason: errorInfo.reason };
      }
      throw new StepFailed(stepName, error);
    }
    throw new StepFailed(stepName, new Error(
      `expected ${codeName(code)} (${reason}), but the call succeeded: ${JSON.stringify(response)}`));
  }

  let created = false;
  let deleted = false;
  try {
    // 2. Create the device.
    const device = await step('create_device', () => call(registry, 'CreateDevice', { device: { device_id: deviceId } }));
    created = true;
    emit({ step: 'create_device', device_id: device.device_id, etag: device.etag, status: device.status });

    // 3. Read its twin: the etag guards the next write.
    const twin = await step('get_twin', () => call(twins, 'GetTwin', { device_id: deviceId }));
    emit({ step: 'get_twin', device_id: twin.device_id, etag: twin.etag, desired_version: twin.desired.version });

    // 4. Patch the desired properties, only if nobody changed the twin since we read it.
    const updated = await step('update_twin', () => call(twins, 'UpdateTwin', {
      device_id: deviceId, desired: toStruct(DESIRED), etag: twin.etag,
    }));
    emit(twinLine('update_twin', updated));

    // 5. Read it back.
    const readBack = await step('read_back', () => call(twins, 'GetTwin', { device_id: deviceId }));
    emit(twinLine('read_back', readBack));

    // 6. The same patch with the etag of step 3, now stale: refused with ABORTED.
    emit(await expectFailure('stale_etag', grpc.status.ABORTED, 'PreconditionFailed',
      call(twins, 'UpdateTwin', { device_id: deviceId, desired: toStruct(DESIRED), etag: twin.etag })));

    // 7. Query twins by id and desired property.
    const query = `SELECT * FROM devices WHERE deviceId = '${deviceId}' AND properties.desired.sample.interval = 30`;
    const deviceIds = await step('query', async () => {
      for (let attempt = 1; ; attempt += 1) {
        const page = await call(twins, 'QueryTwins', { query });
        // Each result is a oneof: `result` names the member set ('twin' for SELECT *).
        const ids = page.results.filter((r) => r.result === 'twin').map((r) => r.twin.device_id);
        if (ids.includes(deviceId)) return ids;
        if (attempt === QUERY_ATTEMPTS) throw new Error(`${deviceId} not found by: ${query}`);
        note(`query: ${deviceId} not found yet (the query index lags), retrying`);
        await new Promise((resolve) => setTimeout(resolve, QUERY_RETRY_MS));
      }
    });
    emit({ step: 'query', query, device_ids: deviceIds });

    // 8. Delete the device.
    await step('delete_device', () => call(registry, 'DeleteDevice', { device_id: deviceId }));
    deleted = true;
    emit({ step: 'delete_device', device_id: deviceId });

    // 9. It is gone: NOT_FOUND.
    emit(await expectFailure('get_deleted', grpc.status.NOT_FOUND, 'DeviceNotFound',
      call(registry, 'GetDevice', { device_id: deviceId })));
  } finally {
    if (created && !deleted) {
      // A step failed half-way: do not leave the sample's device behind.
      await call(registry, 'DeleteDevice', { device_id: deviceId })
        .then(() => note(`cleanup: deleted ${deviceId}`))
        .catch((error) => note(`cleanup: could not delete ${deviceId}: ${error.message}`));
    }
    registry.close();
    twins.close();
  }
}

/** The output line of a twin after the update: etag, desired version and properties. */
function twinLine(stepName, twin) {
  return {
    step: stepName,
    device_id: twin.device_id,
    etag: twin.etag,
    desired_version: twin.desired.version,
    // The desired properties as plain JSON ($version and $metadata are separate fields).
    desired: fromStruct(twin.desired.properties),
  };
}

main().then(
  () => { process.exitCode = 0; },
  (error) => {
    if (error instanceof StepFailed) {
      printError(error.cause, error.step);
    } else {
      process.stderr.write(`error: ${error.stack || error}\n`);
    }
    process.exitCode = 1;
  },
);
