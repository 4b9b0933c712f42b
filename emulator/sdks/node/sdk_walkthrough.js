#!/usr/bin/env node
// The official Node service SDK (azure-iothub 1.16) and @azure/identity against the hubgate IoT Hub
// emulator: every Registry, Client and JobClient operation the emulator serves, with every credential
// the SDK takes, each result and each error checked.
//
// emulator/sdks runs it in `mvn verify` against a live emulator. To run it yourself against
// `mvn -q -pl emulator -am package -DskipTests exec:java@emulator`, copy the values from its banner:
//
//   bash emulator/sdks/node/setup.sh
//   export NODE_EXTRA_CA_CERTS=<Certificate (PEM)>    # Node (the SDK, @azure/identity, fetch) trusts the emulator
//   export EMULATOR_CONNECTION_STRING='<Connection string>'
//   export AZURE_AUTHORITY_HOST=… AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=…   # hubgate-gateway
//   export IDENTITY_ENDPOINT=… IDENTITY_HEADER=…                                              # managed identity
//   node emulator/sdks/node/sdk_walkthrough.js
//
// Optional, each adds a credential: CERTIFICATE_CLIENT_ID + CERTIFICATE_PATH (PEM with key and
// certificate of an app that holds it), AZURE_FEDERATED_TOKEN_FILE (a token of the emulator's
// federated issuer for AZURE_CLIENT_ID), READER_CLIENT_ID + READER_CLIENT_SECRET (an app with IoT Hub
// Data Reader only, to show a refusal), REGISTRY_READ_CONNECTION_STRING (the registryRead policy's, likewise).
//
// What to know when you point the SDK at the emulator (each is used in this file):
// - The SDK cannot address a port: it hands HostName (from the connection string, or the host
//   given to fromTokenCredential) to https.request as a host *name*, so it always connects to
//   443, and "127.0.0.1:8443" fails with ENOTFOUND. Run the emulator with --port 443 and use
//   HostName=127.0.0.1, or give the SDK an agent that connects to the emulator's port (reachEmulator).
// - @azure/identity credentials take authorityHost (or AZURE_AUTHORITY_HOST) and need
//   disableInstanceDiscovery: true, or MSAL asks login.microsoftonline.com about the authority.
// - Errors are typed by the SDK from the HTTP status and, for 404, from the body's
//   "ErrorCode:<Name>;…": DeviceNotFoundError, DeviceAlreadyExistsError, InvalidEtagError,
//   ArgumentError, UnauthorizedError, GatewayTimeoutError. A 404 that is not DeviceNotFound (a module,
//   a device that is offline) is a plain Error('Not found'): read err.response.headers['iothub-errorcode'].
//   The error classes are not exported by the package; compare err.name.
// - Jobs (JobClient) are typed by status alone too: 409 JobAlreadyExists is a DeviceAlreadyExistsError,
//   404 JobNotFound a plain Error('Not found'); read the iothub-errorcode header to tell them apart.
// - Query.next() in promise form never sends x-ms-continuation: called without a token it takes
//   the missing argument for an explicit `undefined` one, so every call answers page 1 again and
//   `while (q.hasMoreResults) await q.next()` never ends. Call `q.next(q.continuationToken)`
//   (nextAsTwin() reads the token itself, which is why fullTour's device query pages). An SDK bug:
//   the same against a real hub.
// - scheduleTwinUpdate's patch needs `etag: '*'`: the service takes a twin job as a forced update
//   and refuses it without the etag (400, ArgumentError), although the SDK's docs leave it out.
//
// Prints one JSON line a step; the first failed check ends it with exit status 1.
'use strict';

const https = require('https');
const crypto = require('crypto');
const { Registry, Client, JobClient, Twin } = require('azure-iothub');
const { SharedAccessSignature } = require('azure-iothub');
const identity = require('@azure/identity');

class CheckFailed extends Error {}

function check(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

function step(name, credential, details = {}) {
  console.log(JSON.stringify({ step: name, credential, ...details }));
}

const newKey = () => crypto.randomBytes(32).toString('base64');
const sasDevice = (deviceId, status = 'enabled') => ({
  deviceId, status, authentication: { symmetricKey: { primaryKey: newKey(), secondaryKey: newKey() } },
});

function connectionStringFields(connectionString) {
  return Object.fromEntries(connectionString.split(';').filter(Boolean).map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at), part.slice(at + 1)];
  }));
}

// ---- reaching an emulator that is not on port 443 ----------------------------------------------

/** An agent whose connections go to the emulator's port, whatever port the SDK asks for (443). */
class EmulatorPortAgent extends https.Agent {
  constructor(port) {
    super({ keepAlive: true });
    this.emulatorPort = port;
  }

  createConnection(options, callback) {
    return super.createConnection({ ...options, port: this.emulatorPort }, callback);
  }
}

/**
 * Points an SDK Registry or Client at the emulator's port. Needed only because the SDK cannot carry
 * a port, and it has no public hook for its HTTP agent: this sets the one its constructor set.
 * With the emulator on 443 (--port 443) it does nothing.
 */
function reachEmulator(sdkClient, port) {
  if (port !== 443) {
    sdkClient._restApiClient.setOptions({ http: { agent: new EmulatorPortAgent(port) } });
  }
  return sdkClient;
}

// ---- errors ------------------------------------------------------------------------------------

/** Awaits a call that must fail; returns [error class name, status, iothub-errorcode header, body code]. */
async function hubError(call) {
  try {
    await call();
  } catch (error) {
    check(error.response, `not an HTTP error: ${error.stack}`);
    const message = JSON.parse(error.responseBody).Message;
    const bodyCode = message.startsWith('ErrorCode:')
      ? message.slice('ErrorCode:'.length, message.indexOf(';'))
      : JSON.parse(message).errorCode;
    return [error.name, error.response.statusCode, error.response.headers['iothub-errorcode'], bodyCode];
  }
  throw new CheckFailed('the call succeeded; an IoT Hub error was expected');
}

async function expectError(call, errorName, status, name, bodyCode = name) {
  const got = await hubError(call);
  const expected = [errorName, status, name, bodyCode];
  check(JSON.stringify(got) === JSON.stringify(expected), `expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

// ---- the emulator's control surface (not IoT Hub: it plays the device side) ---------------------

class SimulatedDevices {
  constructor(fields) {
    this.base = `https://${fields.HostName}/_emulator`;
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    this.token = SharedAccessSignature.create(fields.HostName, fields.SharedAccessKeyName, fields.SharedAccessKey, expiry)
      .toString();
  }

  async call(method, path, body) {
    const response = await fetch(this.base + path, {
      method, headers: { Authorization: this.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    check([200, 201, 204].includes(response.status), `${method} /_emulator${path}: ${response.status} ${await response.text()}`);
  }

  connect(deviceId, moduleId) {
    return this.call('POST', `${SimulatedDevices.path(deviceId, moduleId)}/connect`);
  }

  report(deviceId, reported) {
    return this.call('PATCH', `${SimulatedDevices.path(deviceId)}/reported`, reported);
  }

  answer(deviceId, methodName, status, payload, { moduleId, answer = true } = {}) {
    return this.call('PUT', `${SimulatedDevices.path(deviceId, moduleId)}/methods/${methodName}`, { status, payload, answer });
  }

  static path(deviceId, moduleId) {
    return `/devices/${deviceId}${moduleId ? `/modules/${moduleId}` : ''}`;
  }
}

// ---- the whole Registry and Client, once --------------------------------------------------------

async function fullTour(registry, client, devices, prefix, credential) {
  const c = credential;
  const deviceId = `${prefix}-device`;
  const created = (await registry.create(sasDevice(deviceId))).responseBody;
  check(created.deviceId === deviceId && created.etag && created.status === 'enabled', `created ${JSON.stringify(created)}`);
  check(created.connectionState === 'Disconnected', `a new device is Disconnected: ${created.connectionState}`);
  step('create_device', c, { device_id: deviceId, etag: created.etag });

  await expectError(() => registry.create(sasDevice(deviceId)), 'DeviceAlreadyExistsError', 409, 'DeviceAlreadyExists');
  step('create_device_twice', c, { error: 'DeviceAlreadyExistsError' });

  const fetched = (await registry.get(deviceId)).responseBody;
  check(fetched.etag === created.etag, 'get returns the etag create returned');
  step('get_device', c, { etag: fetched.etag });

  // Registry.update always sends If-Match: "*" (the SDK has no etag for device updates).
  const disabled = (await registry.update({ deviceId, status: 'disabled', statusReason: 'walkthrough' })).responseBody;
  check(disabled.status === 'disabled' && disabled.etag !== fetched.etag, `updated ${JSON.stringify(disabled)}`);
  step('update_device', c, { etag: disabled.etag });

  const listed = (await registry.list()).responseBody;
  check(listed.some((d) => d.deviceId === deviceId), 'list has the device');
  step('list_devices', c, { count: listed.length });

  await expectError(() => registry.get(`${prefix}-missing`), 'DeviceNotFoundError', 404, 'DeviceNotFound');
  step('get_missing_device', c, { error: 'DeviceNotFoundError' });

  const stats = (await registry.getRegistryStatistics()).responseBody;
  check(stats.totalDeviceCount >= 1 && stats.disabledDeviceCount >= 1, `statistics ${JSON.stringify(stats)}`);
  step('statistics', c, { total: stats.totalDeviceCount });

  // X.509, CA-signed and edge devices; a leaf device under an edge device.
  const thumbprints = { primaryThumbprint: 'A1'.repeat(20), secondaryThumbprint: 'B2'.repeat(20) };
  const x509 = (await registry.create({ deviceId: `${prefix}-x509`, authentication: { x509Thumbprint: thumbprints } })).responseBody;
  check(x509.authentication.type === 'selfSigned' && x509.authentication.x509Thumbprint.primaryThumbprint === thumbprints.primaryThumbprint,
    `x509 ${JSON.stringify(x509.authentication)}`);
  const ca = (await registry.create({ deviceId: `${prefix}-ca`, authentication: { type: 'certificateAuthority' } })).responseBody;
  check(ca.authentication.type === 'certificateAuthority', `ca ${JSON.stringify(ca.authentication)}`);
  const edge = (await registry.create({ deviceId: `${prefix}-edge`, capabilities: { iotEdge: true } })).responseBody;
  check(edge.capabilities.iotEdge && edge.deviceScope.startsWith('ms-azure-iot-edge://'), `edge ${edge.deviceScope}`);
  const leaf = (await registry.create({ deviceId: `${prefix}-leaf`, deviceScope: edge.deviceScope })).responseBody;
  check(JSON.stringify(leaf.parentScopes) === JSON.stringify([edge.deviceScope]), `leaf ${JSON.stringify(leaf.parentScopes)}`);
  await registry.addModule({ deviceId: x509.deviceId, moduleId: 'camera', authentication: { x509Thumbprint: thumbprints } });
  check((await registry.getModule(x509.deviceId, 'camera')).responseBody.authentication.type === 'selfSigned', 'x509 module');
  check((await registry.getTwin(x509.deviceId)).responseBody.authenticationType === 'selfSigned', 'the twin knows');
  for (const kind of ['-leaf', '-edge', '-ca', '-x509']) await registry.delete(prefix + kind);
  step('device_kinds', c, { kinds: ['selfSigned', 'certificateAuthority', 'iotEdge', 'leaf'] });

  // Modules
  await registry.addModule({ deviceId, moduleId: 'telemetry' });
  await expectError(() => registry.addModule({ deviceId, moduleId: 'telemetry' }), 'DeviceAlreadyExistsError', 409,
    'ModuleAlreadyExistsOnDevice');
  const module = (await registry.getModule(deviceId, 'telemetry')).responseBody;
  check(module.moduleId === 'telemetry' && module.etag, `module ${JSON.stringify(module)}`);
  const modules = (await registry.getModulesOnDevice(deviceId)).responseBody;
  check(modules.map((m) => m.moduleId).join() === 'telemetry', 'getModulesOnDevice lists it');
  const updatedModule = (await registry.updateModule({ ...module, managedBy: 'walkthrough' })).responseBody;
  check(updatedModule.managedBy === 'walkthrough' && updatedModule.etag !== module.etag, `${JSON.stringify(updatedModule)}`);
  await expectError(() => registry.updateModule({ ...module, managedBy: 'stale' }), 'InvalidEtagError', 412, 'PreconditionFailed');
  await expectError(() => registry.getModule(deviceId, 'missing'), 'Error', 404, 'ModuleNotFound');
  step('modules', c, { module_id: 'telemetry', etag: updatedModule.etag });

  // Twins
  const twin = (await registry.getTwin(deviceId)).responseBody;
  check(twin instanceof Twin && twin.deviceId === deviceId && twin.etag, `twin ${JSON.stringify(twin)}`);
  const patched = (await registry.updateTwin(deviceId,
    { tags: { site: 'lab', floor: 3 }, properties: { desired: { interval: 30 } } }, twin.etag)).responseBody;
  check(JSON.stringify(patched.tags) === '{"site":"lab","floor":3}', `tags ${JSON.stringify(patched.tags)}`);
  check(patched.properties.desired.interval === 30, `desired ${JSON.stringify(patched.properties.desired)}`);
  check(patched.etag !== twin.etag, 'a patch changes the etag');
  step('update_twin', c, { etag: patched.etag });

  await expectError(() => registry.updateTwin(deviceId, { tags: { site: 'other' } }, twin.etag), 'InvalidEtagError', 412,
    'PreconditionFailed');
  step('update_twin_stale_etag', c, { error: 'InvalidEtagError' });

  // Twin objects update themselves with their own etag.
  const own = (await registry.getTwin(deviceId)).responseBody;
  const updatedOwn = (await own.update({ tags: { owner: 'walkthrough' } })).result;
  check(updatedOwn.tags.owner === 'walkthrough' && updatedOwn.tags.site === 'lab', `twin.update ${JSON.stringify(updatedOwn.tags)}`);
  step('twin_update', c, { etag: updatedOwn.etag });

  await expectError(() => registry.getTwin(`${prefix}-missing`), 'DeviceNotFoundError', 404, 'DeviceNotFound');
  await expectError(() => registry.updateTwin(deviceId, { tags: { 'bad.key': 1 } }, '*'), 'ArgumentError', 400, 'ArgumentInvalid');
  step('twin_errors', c, { errors: ['DeviceNotFoundError', 'ArgumentError'] });

  await devices.report(deviceId, { firmware: '1.2.3', battery: { level: 80 } });
  const refreshed = (await own.get()).result;
  check(refreshed === own && own.properties.reported.firmware === '1.2.3', `reported ${JSON.stringify(own.properties.reported)}`);
  step('reported_properties', c, { reported_version: own.properties.reported.$version });

  const moduleTwin = (await registry.getModuleTwin(deviceId, 'telemetry')).responseBody;
  check(moduleTwin.moduleId === 'telemetry', `module twin ${JSON.stringify(moduleTwin)}`);
  const modulePatched = (await registry.updateModuleTwin(deviceId, 'telemetry',
    { properties: { desired: { rate: 5 } } }, moduleTwin.etag)).responseBody;
  check(modulePatched.properties.desired.rate === 5, `${JSON.stringify(modulePatched.properties.desired)}`);
  await expectError(() => registry.getModuleTwin(deviceId, 'missing'), 'Error', 404, 'ModuleNotFound');
  step('module_twins', c, { etag: modulePatched.etag });

  // Bulk
  const bulkIds = [0, 1, 2, 3, 4].map((i) => `${prefix}-bulk-${i}`);
  const added = (await registry.addDevices(bulkIds.map((id) => ({ deviceId: id })))).responseBody;
  check(added.isSuccessful && added.errors.length === 0, `addDevices ${JSON.stringify(added)}`);
  // A failed bulk operation answers 400 with the per-device errors: the SDK makes it an ArgumentError.
  const [errorName, status] = await hubErrorOrBulk(() => registry.addDevices([{ deviceId: bulkIds[0] }]));
  check(errorName === 'ArgumentError' && status === 400, `addDevices twice ${errorName} ${status}`);
  const tagged = await Promise.all(bulkIds.map((id) => registry.updateTwin(id, { tags: { walkthrough: prefix } }, '*')));
  check(tagged.length === 5, 'tagged');
  // updateDevices and removeDevices without force match each device's etag, as get() returned it.
  const current = (await registry.get(bulkIds[0])).responseBody;
  const updated = (await registry.updateDevices([{ ...current, status: 'disabled' }], false)).responseBody;
  check(updated.isSuccessful, `updateDevices with the etag ${JSON.stringify(updated)}`);
  const [staleName, staleStatus, staleBody] = await hubErrorOrBulk(() => registry.updateDevices([{ ...current, status: 'enabled' }], false));
  check(staleName === 'ArgumentError' && staleStatus === 400 && staleBody.errors[0].errorCode === 'PreconditionFailed',
    `updateDevices with a stale etag ${staleName} ${staleStatus} ${JSON.stringify(staleBody)}`);
  const toRemove = await Promise.all(bulkIds.slice(3).map(async (id) => (await registry.get(id)).responseBody));
  const removed = (await registry.removeDevices(toRemove, false)).responseBody;
  check(removed.isSuccessful, `removeDevices ${JSON.stringify(removed)}`);
  step('bulk', c, { created: bulkIds.length, updated: 1, removed: 2, error: 'PreconditionFailed' });

  // Query, paged
  const query = registry.createQuery(`SELECT * FROM devices WHERE tags.walkthrough = '${prefix}'`, 2);
  const found = [];
  let pages = 0;
  while (query.hasMoreResults) {
    const page = await query.nextAsTwin();
    pages += 1;
    found.push(...page.result.map((t) => t.deviceId));
    check(pages < 10, 'the continuation token never ran out');
  }
  check(JSON.stringify(found.sort()) === JSON.stringify(bulkIds.slice(0, 3).sort()) && pages === 2, `${pages} pages: ${found}`);
  const counted = await registry.createQuery(`SELECT COUNT() AS n FROM devices WHERE tags.walkthrough = '${prefix}'`).next();
  check(counted.result[0].n === 3, `count ${JSON.stringify(counted.result)}`);
  const moduleRows = (await registry.createQuery(`SELECT * FROM devices.modules WHERE deviceId = '${deviceId}'`).nextAsTwin()).result;
  check(moduleRows.length === 1 && moduleRows[0].moduleId === 'telemetry', `module query ${JSON.stringify(moduleRows)}`);
  await expectError(() => registry.createQuery('SELECT * FROM devices WHERE').next(), 'ArgumentError', 400, 'ArgumentInvalid');
  step('query', c, { pages, devices: found.length });

  // Direct methods: a simulated device answers.
  const onlineId = `${prefix}-online`;
  await registry.create(sasDevice(onlineId));
  await registry.addModule({ deviceId: onlineId, moduleId: 'agent' });
  await devices.connect(onlineId);
  await devices.answer(onlineId, 'reboot', 200, { rebooting: true });
  const result = (await client.invokeDeviceMethod(onlineId,
    { methodName: 'reboot', payload: { delay: 1 }, responseTimeoutInSeconds: 10 })).result;
  check(result.status === 200 && result.payload.rebooting === true, `method result ${JSON.stringify(result)}`);
  await devices.connect(onlineId, 'agent');
  await devices.answer(onlineId, 'ping', 201, 'pong', { moduleId: 'agent' });
  const moduleResult = (await client.invokeDeviceMethod(onlineId, 'agent', { methodName: 'ping' })).result;
  check(moduleResult.status === 201 && moduleResult.payload === 'pong', `module method ${JSON.stringify(moduleResult)}`);
  step('invoke_method', c, { status: result.status, module_status: moduleResult.status });

  await expectError(() => client.invokeDeviceMethod(onlineId, { methodName: 'unregistered' }), 'Error', 404, 'DeviceNotOnline', 404103);
  await expectError(() => client.invokeDeviceMethod(deviceId, { methodName: 'reboot' }), 'Error', 404, 'DeviceNotOnline', 404103);
  await expectError(() => client.invokeDeviceMethod(`${prefix}-missing`, { methodName: 'reboot' }), 'Error', 404, 'DeviceNotFound',
    404001);
  await devices.answer(onlineId, 'hang', 200, null, { answer: false });
  const started = Date.now();
  await expectError(() => client.invokeDeviceMethod(onlineId, { methodName: 'hang', responseTimeoutInSeconds: 5 }),
    'GatewayTimeoutError', 504, 'GatewayTimeout', 504101);
  check(Date.now() - started >= 4500, '504101 comes after responseTimeoutInSeconds');
  step('method_errors', c, { errors: ['DeviceNotOnline 404103', 'DeviceNotFound 404001', 'GatewayTimeoutError 504101'] });

  // Deletes
  // removeModule(module) sends the module's etag; its promise form drops the module (an SDK bug), so call it back.
  const removeWithEtag = (stale) => new Promise((resolve, reject) =>
    registry.removeModule(stale, (err, result) => (err ? reject(err) : resolve(result))));
  await expectError(() => removeWithEtag({ ...module }), 'InvalidEtagError', 412, 'PreconditionFailed');
  await registry.removeModule(deviceId, 'telemetry');
  await registry.delete(deviceId);
  await expectError(() => registry.get(deviceId), 'DeviceNotFoundError', 404, 'DeviceNotFound');
  await registry.removeDevices(bulkIds.slice(0, 3).map((id) => ({ deviceId: id })), true);
  step('delete_device', c, { device_id: deviceId });
  return onlineId;
}

/** A bulk call that must fail: the SDK's error name, the status and the result it carries. */
async function hubErrorOrBulk(call) {
  try {
    await call();
  } catch (error) {
    return [error.name, error.response && error.response.statusCode, error.responseBody && JSON.parse(error.responseBody)];
  }
  throw new CheckFailed('the bulk call succeeded; a failure was expected');
}

// ---- scheduled jobs (JobClient), once -------------------------------------------------------------

const ENDED = ['completed', 'failed', 'cancelled'];

/** Reads a job until it has ended (the hub runs it in the background); polls, with a deadline. */
async function awaitJob(jobs, jobId, deadlineMs = 30000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const job = (await jobs.getJob(jobId)).jobStatus;
    if (ENDED.includes(job.status)) return job;
    check(Date.now() < deadline, `job ${jobId} is still ${job.status} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every page of a JobClient query, passing the token itself: next() alone never sends it (an SDK bug). */
async function allJobs(jobs, jobType, jobStatus, pageSize) {
  const query = jobs.createQuery(jobType, jobStatus, pageSize);
  const found = [];
  let pages = 0;
  while (query.hasMoreResults) {
    found.push(...(await query.next(query.continuationToken)).result.map((job) => job.jobId));
    pages += 1;
    check(pages < 100, 'the continuation token never ran out');
  }
  return { found, pages };
}

async function jobsTour(registry, jobs, onlineId, prefix, credential) {
  const c = credential;
  const now = new Date();
  const offlineId = `${prefix}-offline`;
  await registry.create(sasDevice(offlineId));
  const condition = `deviceId IN ['${onlineId}', '${offlineId}']`;

  // A twin-update job is a forced update: the patch's etag must be '*' (the service's rule).
  const twinJobId = `${prefix}-twin-job`;
  const patch = { etag: '*', tags: { fleet: prefix }, properties: { desired: { firmware: '2.4' } } };
  const created = (await jobs.scheduleTwinUpdate(twinJobId, condition, patch, now, 60)).jobStatus;
  check(created.jobId === twinJobId && created.type === 'scheduleUpdateTwin' && created.status === 'queued',
    `created ${JSON.stringify(created)}`);
  let ended = await awaitJob(jobs, twinJobId);
  check(ended.status === 'completed' && ended.deviceJobStatistics.deviceCount === 2
    && ended.deviceJobStatistics.succeededCount === 2, `twin job ${JSON.stringify(ended)}`);
  const twin = (await registry.getTwin(offlineId)).responseBody;
  check(twin.tags.fleet === prefix && twin.properties.desired.firmware === '2.4', `twin after the job ${JSON.stringify(twin)}`);
  step('twin_job', c, { job_id: twinJobId, status: ended.status, succeeded: ended.deviceJobStatistics.succeededCount });

  // A method job: the simulated device answers, the device that is not connected fails its entry.
  const methodJobId = `${prefix}-method-job`;
  const method = { methodName: 'reboot', payload: { delay: 1 }, responseTimeoutInSeconds: 10 };
  check((await jobs.scheduleDeviceMethod(methodJobId, condition, method, now, 60)).jobStatus.type === 'scheduleDeviceMethod',
    'method job created');
  ended = await awaitJob(jobs, methodJobId);
  check(ended.status === 'completed' && ended.deviceJobStatistics.succeededCount === 1
    && ended.deviceJobStatistics.failedCount === 1, `method job ${JSON.stringify(ended)}`);
  step('method_job', c, { job_id: methodJobId, succeeded: 1, failed: 1 });

  // A job that starts in an hour is scheduled; cancelling it ends it.
  const laterId = `${prefix}-later-job`;
  await jobs.scheduleTwinUpdate(laterId, condition, { etag: '*', tags: { late: true } }, new Date(Date.now() + 3600e3), 60);
  const cancelled = (await jobs.cancelJob(laterId)).jobStatus;
  check(cancelled.jobId === laterId && cancelled.status === 'cancelled', `cancelled ${JSON.stringify(cancelled)}`);
  check((await jobs.getJob(laterId)).jobStatus.status === 'cancelled', 'the cancelled job stays cancelled');
  step('cancel_job', c, { job_id: laterId, status: cancelled.status });

  // Per-device outcomes: the devices.jobs query.
  const rows = (await registry.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${methodJobId}'`).next()).result;
  const outcomes = Object.fromEntries(rows.map((row) => [row.deviceId, row]));
  check(Object.keys(outcomes).sort().join() === [onlineId, offlineId].sort().join(), `job devices ${JSON.stringify(rows)}`);
  check(outcomes[onlineId].status === 'completed'
    && JSON.stringify(outcomes[onlineId].outcome.deviceMethodResponse) === '{"status":200,"payload":{"rebooting":true}}',
  `the answered entry ${JSON.stringify(outcomes[onlineId])}`);
  check(outcomes[offlineId].status === 'failed' && outcomes[offlineId].error.code === 'DeviceNotOnline',
    `the offline entry ${JSON.stringify(outcomes[offlineId])}`);

  // Listing jobs, one a page. The promise form of next() never sends x-ms-continuation (it takes the
  // missing argument for an explicit undefined token): every call answers page 1 again, and a
  // `while (query.hasMoreResults) await query.next()` loop never ends. Pass the token yourself.
  const naive = jobs.createQuery('scheduleUpdateTwin', null, 1);
  const first = (await naive.next()).result[0].jobId;
  const again = (await naive.next()).result[0].jobId;
  check(naive.hasMoreResults && again === first, `next() without the token gave ${first}, then ${again}`);
  const twinJobs = await allJobs(jobs, 'scheduleUpdateTwin', null, 1);
  check([twinJobId, laterId].every((id) => twinJobs.found.includes(id)) && !twinJobs.found.includes(methodJobId)
    && new Set(twinJobs.found).size === twinJobs.found.length && twinJobs.pages >= 2, `twin jobs ${JSON.stringify(twinJobs)}`);
  const cancelledJobs = await allJobs(jobs, null, 'cancelled', 100);
  check(cancelledJobs.found.includes(laterId) && !cancelledJobs.found.includes(twinJobId), `cancelled ${cancelledJobs.found}`);
  step('job_devices', c, { devices: rows.length, twin_jobs: twinJobs.found.length, pages: twinJobs.pages });

  // Errors. The SDK types errors by status alone: 409 JobAlreadyExists is a DeviceAlreadyExistsError,
  // 404 JobNotFound a plain Error('Not found'); the code is in the iothub-errorcode header.
  await expectError(() => jobs.scheduleTwinUpdate(twinJobId, condition, patch, now, 60), 'DeviceAlreadyExistsError', 409,
    'JobAlreadyExists');
  await expectError(() => jobs.getJob(`${prefix}-no-job`), 'Error', 404, 'JobNotFound');
  check((await jobs.getJob(`${prefix}-no-job`).catch((e) => e)).message === 'Not found', "404 JobNotFound is Error('Not found')");
  await expectError(() => jobs.cancelJob(`${prefix}-no-job`), 'Error', 404, 'JobNotFound');
  const badId = `${prefix}-bad-job`;
  await expectError(() => jobs.scheduleTwinUpdate(badId, condition, patch, now, -1), 'ArgumentError', 400, 'ArgumentInvalid');
  await expectError(() => jobs.scheduleTwinUpdate(badId, condition, { tags: { x: 1 } }, now, 60), 'ArgumentError', 400,
    'ArgumentInvalid');
  // A start time that is not a date never leaves the client: the SDK calls its toISOString().
  const invalidDate = await jobs.scheduleTwinUpdate(badId, condition, patch, new Date('tomorrow'), 60).then(() => null, (e) => e);
  check(invalidDate instanceof RangeError, `an invalid start time: ${invalidDate}`);
  step('job_errors', c, { errors: ['DeviceAlreadyExistsError 409 JobAlreadyExists', "Error('Not found') 404 JobNotFound",
    'ArgumentError 400 (maxExecutionTime)', 'ArgumentError 400 (etag)', 'RangeError (startTime)'] });
  await registry.delete(offlineId);
  return twinJobId;
}

// ---- one operation of each family, per credential ------------------------------------------------

async function everyFamily(registry, client, jobs, onlineId, jobId, prefix, credential) {
  const deviceId = `${prefix}-${credential.toLowerCase()}`;
  const created = (await registry.create(sasDevice(deviceId))).responseBody;
  check((await registry.get(deviceId)).responseBody.etag === created.etag, 'registry');
  await registry.addModule({ deviceId, moduleId: 'm' });
  check((await registry.getModuleTwin(deviceId, 'm')).responseBody.moduleId === 'm', 'modules');
  const twin = (await registry.updateTwin(deviceId, { tags: { credential } }, '*')).responseBody;
  check(twin.tags.credential === credential, 'twins');
  const rows = (await registry.createQuery(`SELECT * FROM devices WHERE tags.credential = '${credential}'`).next()).result;
  check(rows.length === 1 && rows[0].deviceId === deviceId, 'query');
  check((await registry.addDevices([{ deviceId: `${deviceId}-bulk` }])).responseBody.isSuccessful, 'bulk');
  check((await registry.getRegistryStatistics()).responseBody.totalDeviceCount >= 2, 'statistics');
  const result = (await client.invokeDeviceMethod(onlineId, { methodName: 'reboot', responseTimeoutInSeconds: 10 })).result;
  check(result.status === 200, 'methods');
  check((await jobs.getJob(jobId)).jobStatus.status === 'completed', 'jobs');
  await registry.delete(`${deviceId}-bulk`);
  await registry.delete(deviceId);
  step('every_family', credential, { families: ['registry', 'modules', 'twins', 'query', 'bulk', 'statistics', 'methods', 'jobs'] });
}

async function main() {
  const fields = connectionStringFields(process.env.EMULATOR_CONNECTION_STRING);
  const [host, portText] = fields.HostName.split(':');
  const port = Number(portText || 443);
  // What the SDK can take: HostName without a port.
  const sdkConnectionString = `HostName=${host};SharedAccessKeyName=${fields.SharedAccessKeyName};SharedAccessKey=${fields.SharedAccessKey}`;
  const authorityHost = process.env.AZURE_AUTHORITY_HOST;
  const tenantId = process.env.AZURE_TENANT_ID;
  const clientId = process.env.AZURE_CLIENT_ID;
  const prefix = process.env.DEVICE_PREFIX || `js-${crypto.randomBytes(4).toString('hex')}`;
  const entra = { authorityHost, disableInstanceDiscovery: true };

  const registry = reachEmulator(Registry.fromConnectionString(sdkConnectionString), port);
  const client = reachEmulator(Client.fromConnectionString(sdkConnectionString), port);
  const onlineId = await fullTour(registry, client, new SimulatedDevices(fields), prefix, 'connection_string');
  const jobId = await jobsTour(registry, reachEmulator(JobClient.fromConnectionString(sdkConnectionString), port), onlineId, prefix,
    'connection_string');

  const sasToken = SharedAccessSignature.create(host, fields.SharedAccessKeyName, fields.SharedAccessKey,
    Math.floor(Date.now() / 1000) + 3600).toString();
  await everyFamily(reachEmulator(Registry.fromSharedAccessSignature(sasToken), port),
    reachEmulator(Client.fromSharedAccessSignature(sasToken), port), reachEmulator(JobClient.fromSharedAccessSignature(sasToken), port),
    onlineId, jobId, prefix, 'shared_access_signature');

  const credentials = {
    ClientSecretCredential: () => new identity.ClientSecretCredential(tenantId, clientId, process.env.AZURE_CLIENT_SECRET, entra),
    // EnvironmentCredential inside it reads AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
    DefaultAzureCredential: () => new identity.DefaultAzureCredential({ disableInstanceDiscovery: true }),
    // App Service form: IDENTITY_ENDPOINT and IDENTITY_HEADER; no client id picks the system-assigned identity.
    ManagedIdentityCredential: () => new identity.ManagedIdentityCredential(),
  };
  if (process.env.CERTIFICATE_PATH) {
    credentials.ClientCertificateCredential = () => new identity.ClientCertificateCredential(tenantId,
      process.env.CERTIFICATE_CLIENT_ID, { certificatePath: process.env.CERTIFICATE_PATH }, entra);
  }
  if (process.env.AZURE_FEDERATED_TOKEN_FILE) {
    credentials.WorkloadIdentityCredential = () => new identity.WorkloadIdentityCredential({
      tenantId, clientId, tokenFilePath: process.env.AZURE_FEDERATED_TOKEN_FILE, ...entra,
    });
  }
  for (const [name, make] of Object.entries(credentials)) {
    const credential = make();
    await everyFamily(reachEmulator(Registry.fromTokenCredential(host, credential), port),
      reachEmulator(Client.fromTokenCredential(host, credential), port),
      reachEmulator(JobClient.fromTokenCredential(host, credential), port), onlineId, jobId, prefix, name);
  }

  // Refusals: Entra's (a wrong secret) and IoT Hub's (a valid token without the data role).
  try {
    await new identity.ClientSecretCredential(tenantId, clientId, 'not-the-secret', entra).getToken('https://iothubs.azure.net/.default');
    throw new CheckFailed('a wrong client secret got a token');
  } catch (refused) {
    // MSAL Node reports Entra's invalid_client as a ServerError, which @azure/identity wraps so.
    check(refused.name === 'AuthenticationRequiredError' && refused.message.includes('AADSTS7000215'), `Entra's refusal: ${refused.stack}`);
  }
  step('wrong_client_secret', 'ClientSecretCredential', { error: 'AuthenticationRequiredError AADSTS7000215' });
  if (process.env.REGISTRY_READ_CONNECTION_STRING) {
    const readFields = connectionStringFields(process.env.REGISTRY_READ_CONNECTION_STRING);
    const readOnly = reachEmulator(Registry.fromConnectionString(
      `HostName=${host};SharedAccessKeyName=${readFields.SharedAccessKeyName};SharedAccessKey=${readFields.SharedAccessKey}`), port);
    check((await readOnly.get(onlineId)).responseBody.deviceId === onlineId, 'registryRead reads the registry');
    await expectError(() => readOnly.create(sasDevice(`${prefix}-denied`)), 'UnauthorizedError', 401, 'IotHubUnauthorizedAccess');
    step('policy_missing_right', 'connection_string', { error: 'UnauthorizedError' });
  }
  if (process.env.READER_CLIENT_ID) {
    const reader = reachEmulator(Registry.fromTokenCredential(host, new identity.ClientSecretCredential(tenantId,
      process.env.READER_CLIENT_ID, process.env.READER_CLIENT_SECRET, entra)), port);
    check((await reader.getTwin(onlineId)).responseBody.deviceId === onlineId, 'the reader reads twins');
    await expectError(() => reader.create(sasDevice(`${prefix}-denied`)), 'UnauthorizedError', 401, 'IotHubUnauthorized');
    step('role_missing', 'ClientSecretCredential', { error: 'UnauthorizedError' });
  }

  await registry.delete(onlineId);
  step('done', 'connection_string', { credentials: ['connection_string', 'shared_access_signature', ...Object.keys(credentials)] });
}

main().catch((failure) => {
  console.error(failure instanceof CheckFailed ? `check failed: ${failure.message}` : failure.stack || String(failure));
  process.exit(1);
});
