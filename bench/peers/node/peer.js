'use strict';
// The gateway benchmark's Node load driver: the same operations through hubgate (grpc-js, the
// .proto files loaded at start as the Node sample does) and with the official service SDK direct
// (azure-iothub), on the same emulator.
//
// It does not decide what to measure: the Java benchmark starts it, sends one JSON command per
// line on stdin and reads one JSON answer per line on stdout (protocol: ../README.md). Both paths
// run the way a Node service calls them: C asynchronous loops in one event loop, each awaiting its
// call before the next, sharing one gRPC client or one Registry with default options.

const https = require('node:https');
const path = require('node:path');
const readline = require('node:readline');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { Registry } = require('azure-iothub');

const QUERY = 'SELECT * FROM devices';
const PAGE_SIZE = 100;
// Spreads call numbers over the twins, as the Java workloads do (a prime, so consecutive calls differ).
const STRIDE = 7919;
const CALL_TIMEOUT_MS = 30_000;
// grpc.health.v1.Health/Check with an empty request (every service): the bytes go out as they are
// and the answer is not decoded, so the call costs grpc-js alone, without protobufjs.
const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
const EMPTY = Buffer.alloc(0);
const asBytes = (bytes) => bytes;

const twinId = (sequence, twins) => `bench-${(sequence * STRIDE) % twins}`;

/** hubgate's clients on one plaintext channel, the caller's token on every call. */
class Gateway {
  constructor(target, token) {
    const definition = protoLoader.loadSync(['hubgate/v1/registry.proto', 'hubgate/v1/twin.proto'], {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [
        path.resolve(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto'),
        path.dirname(require.resolve('google-proto-files/package.json')),
      ],
    });
    const v1 = grpc.loadPackageDefinition(definition).hubgate.v1;
    const insecure = grpc.credentials.createInsecure();
    this.twins = new v1.TwinService(target, insecure);
    // The same channel for both services, as one client per target shares it in other languages.
    this.registry = new v1.RegistryService(target, insecure, { channelOverride: this.twins.getChannel() });
    // The bare round trip of the bench's "health" row, on the same channel again.
    this.bare = new grpc.Client(target, insecure, { channelOverride: this.twins.getChannel() });
    this.metadata = new grpc.Metadata();
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  /**
   * A bare gRPC round trip: the gateway's health check (no caller auth, no upstream call) with the
   * same metadata and deadline as every other call, its message neither encoded nor decoded. What
   * grpc-js costs per call before any protobuf work: the floor under every call through the gateway.
   */
  health() {
    return new Promise((resolve, reject) => {
      this.bare.makeUnaryRequest(HEALTH_CHECK, asBytes, asBytes, EMPTY, this.metadata,
        { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  unary(client, method, request) {
    return new Promise((resolve, reject) => {
      client[method](request, this.metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => (
        error ? reject(error) : resolve(response)));
    });
  }

  getTwin(sequence, twins) {
    return this.unary(this.twins, 'GetTwin', { device_id: twinId(sequence, twins) });
  }

  updateTwin(sequence, twins) {
    return this.unary(this.twins, 'UpdateTwin', {
      device_id: twinId(sequence, twins),
      desired: { fields: { interval: { numberValue: sequence % 60 } } },
    });
  }

  async createDelete(deviceId) {
    await this.unary(this.registry, 'CreateDevice', { device: { device_id: deviceId } });
    await this.unary(this.registry, 'DeleteDevice', { device_id: deviceId });
  }

  queryPage() {
    return this.unary(this.twins, 'QueryTwins', { query: QUERY, page_size: PAGE_SIZE });
  }
}

/**
 * Node's default agent (keep-alive, as Node 20's global agent), except that its connections go to
 * the emulator's port: the SDK hands the connection string's HostName to https.request as a host
 * name, so it can only reach port 443 (see emulator/sdks/node/sdk_walkthrough.js).
 */
class PortAgent extends https.Agent {
  constructor(port) {
    super({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
    this.hubPort = port;
  }

  createConnection(options, callback) {
    return super.createConnection({ ...options, port: this.hubPort }, callback);
  }
}

/** One Registry from the owner policy's connection string, default options but for the port. */
class Sdk {
  constructor(connectionString) {
    const hostName = /HostName=([^;]+)/.exec(connectionString)[1];
    const [host, port] = hostName.split(':');
    this.registry = Registry.fromConnectionString(connectionString.replace(hostName, host));
    if (port && port !== '443') {
      // The SDK has no public hook for its agent: this sets the one its constructor set.
      this.registry._restApiClient.setOptions({ http: { agent: new PortAgent(Number(port)) } });
    }
  }

  getTwin(sequence, twins) {
    return this.registry.getTwin(twinId(sequence, twins));
  }

  updateTwin(sequence, twins) {
    return this.registry.updateTwin(twinId(sequence, twins), { properties: { desired: { interval: sequence % 60 } } }, '*');
  }

  async createDelete(deviceId) {
    // No keys given: the hub generates them, as it does for the gateway's CreateDevice.
    await this.registry.create({ deviceId, status: 'enabled' });
    await this.registry.delete(deviceId);
  }

  queryPage() {
    return this.registry.createQuery(QUERY, PAGE_SIZE).nextAsTwin();
  }
}

class Peer {
  constructor(environment) {
    this.twins = Number(environment.HUBGATE_BENCH_TWINS);
    this.paths = { gateway: new Gateway(environment.HUBGATE_BENCH_GATEWAY, environment.HUBGATE_BENCH_TOKEN) };
    if (environment.HUBGATE_BENCH_HUB_CONNECTION_STRING) {
      this.paths.sdk = new Sdk(environment.HUBGATE_BENCH_HUB_CONNECTION_STRING);
    }
    // Call numbers for the whole life of the process: device ids never repeat.
    this.sequence = 0;
    this.devicePrefix = `tmp-js-${process.pid}`;
  }

  operation(workload, pathName) {
    const client = this.paths[pathName];
    if (!client) throw new Error(`no path ${pathName}`);
    const { twins } = this;
    switch (workload) {
      case 'get_twin': return (n) => client.getTwin(n, twins);
      case 'update_twin': return (n) => client.updateTwin(n, twins);
      case 'mixed': return (n) => (n % 5 === 0 ? client.updateTwin(n, twins) : client.getTwin(n, twins));
      case 'create_delete_device': return (n) => client.createDelete(`${this.devicePrefix}-${pathName[0]}-${n}`);
      case 'query_twins': return () => client.queryPage();
      case 'health':
        if (!client.health) throw new Error(`no health check on path ${pathName}`);
        return () => client.health();
      default: throw new Error(`unknown workload ${workload}`);
    }
  }

  async run(workload, pathName, concurrency, millis) {
    const call = this.operation(workload, pathName);
    const started = process.hrtime.bigint();
    const end = started + BigInt(millis) * 1_000_000n;
    const latencies = [];
    let errors = 0;
    let firstError = null;
    const loop = async () => {
      while (process.hrtime.bigint() < end) {
        const number = this.sequence++;
        const begin = process.hrtime.bigint();
        try {
          await call(number);
          const micros = Number((process.hrtime.bigint() - begin) / 1000n);
          latencies.push(micros < 1 ? 1 : micros);
        } catch (error) {
          errors += 1;
          if (firstError === null) firstError = `${error.name || 'Error'}: ${error.message}`.slice(0, 500);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return {
      calls: latencies.length,
      errors,
      elapsed_ns: Number(process.hrtime.bigint() - started),
      first_error: firstError,
      latencies_us: latencies,
    };
  }
}

function answer(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main() {
  const peer = new Peer(process.env);
  const version = (name) => require(`${name}/package.json`).version;
  answer({
    ready: true,
    peer: 'node',
    paths: Object.keys(peer.paths).sort(),
    versions: { '@grpc/grpc-js': version('@grpc/grpc-js'), 'azure-iothub': version('azure-iothub') },
    runtime: `Node ${process.versions.node}`,
  });
  // One command at a time: the next line is read only when this run has answered.
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const command = JSON.parse(line);
      answer(await peer.run(command.workload, command.path, Number(command.concurrency), Number(command.millis)));
    } catch (error) {
      answer({ error: `${error.name}: ${error.message}` });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
