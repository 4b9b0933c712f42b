// The gateway benchmark's Go load driver: the benchmark's operations through hubgate with
// grpc-go and the generated stubs. Go has no official IoT Hub service SDK, so this peer has only
// the gateway path.
//
// It does not decide what to measure: the Java benchmark starts it, sends one JSON command per
// line on stdin and reads one JSON answer per line on stdout (protocol: ../README.md). It calls
// the way a Go service does: C goroutines sharing one client connection, each calling in a loop.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/structpb"

	hubgatev1 "github.com/hubgate/hubgate/bench/peers/go/gen/hubgate/v1"
)

const (
	query    = "SELECT * FROM devices"
	pageSize = 100
	// Spreads call numbers over the twins, as the Java workloads do (a prime, so consecutive calls differ).
	stride      = 7919
	callTimeout = 30 * time.Second
)

type command struct {
	Workload    string `json:"workload"`
	Path        string `json:"path"`
	Concurrency int    `json:"concurrency"`
	Millis      int64  `json:"millis"`
}

type result struct {
	Calls       int      `json:"calls"`
	Errors      int64    `json:"errors"`
	ElapsedNs   int64    `json:"elapsed_ns"`
	FirstError  *string  `json:"first_error"`
	LatenciesUs []uint64 `json:"latencies_us"`
}

type peer struct {
	twins    int64
	registry hubgatev1.RegistryServiceClient
	twin     hubgatev1.TwinServiceClient
	token    string
	// Call numbers for the whole life of the process: device ids never repeat.
	sequence atomic.Int64
	prefix   string
}

func twinID(sequence, twins int64) string {
	return "bench-" + strconv.FormatInt(sequence*stride%twins, 10)
}

// operation returns one call of a workload; it must be safe for concurrent use.
func (p *peer) operation(workload, path string) (func(ctx context.Context, n int64) error, error) {
	if path != "gateway" {
		return nil, fmt.Errorf("no path %q: Go has no IoT Hub service SDK, only the gateway path", path)
	}
	getTwin := func(ctx context.Context, n int64) error {
		_, err := p.twin.GetTwin(ctx, &hubgatev1.GetTwinRequest{DeviceId: twinID(n, p.twins)})
		return err
	}
	updateTwin := func(ctx context.Context, n int64) error {
		desired := &structpb.Struct{Fields: map[string]*structpb.Value{"interval": structpb.NewNumberValue(float64(n % 60))}}
		_, err := p.twin.UpdateTwin(ctx, &hubgatev1.UpdateTwinRequest{DeviceId: twinID(n, p.twins), Desired: desired})
		return err
	}
	switch workload {
	case "get_twin":
		return getTwin, nil
	case "update_twin":
		return updateTwin, nil
	case "mixed":
		return func(ctx context.Context, n int64) error {
			if n%5 == 0 {
				return updateTwin(ctx, n)
			}
			return getTwin(ctx, n)
		}, nil
	case "create_delete_device":
		return func(ctx context.Context, n int64) error {
			id := p.prefix + "-g-" + strconv.FormatInt(n, 10)
			if _, err := p.registry.CreateDevice(ctx, &hubgatev1.CreateDeviceRequest{Device: &hubgatev1.Device{DeviceId: id}}); err != nil {
				return err
			}
			_, err := p.registry.DeleteDevice(ctx, &hubgatev1.DeleteDeviceRequest{DeviceId: id})
			return err
		}, nil
	case "query_twins":
		return func(ctx context.Context, _ int64) error {
			_, err := p.twin.QueryTwins(ctx, &hubgatev1.QueryTwinsRequest{Query: query, PageSize: pageSize})
			return err
		}, nil
	}
	return nil, fmt.Errorf("unknown workload %q", workload)
}

func (p *peer) run(c command) (*result, error) {
	call, err := p.operation(c.Workload, c.Path)
	if err != nil {
		return nil, err
	}
	if c.Concurrency < 1 {
		return nil, fmt.Errorf("concurrency %d", c.Concurrency)
	}
	started := time.Now()
	end := started.Add(time.Duration(c.Millis) * time.Millisecond)
	latencies := make([][]uint64, c.Concurrency)
	var errors atomic.Int64
	var firstError atomic.Pointer[string]
	var workers sync.WaitGroup
	for w := range c.Concurrency {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for time.Now().Before(end) {
				n := p.sequence.Add(1)
				ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+p.token)
				begin := time.Now()
				err := call(ctx, n)
				micros := uint64(max(1, time.Since(begin).Microseconds()))
				cancel()
				if err != nil {
					errors.Add(1)
					text := err.Error()
					firstError.CompareAndSwap(nil, &text)
					continue
				}
				latencies[w] = append(latencies[w], micros)
			}
		}()
	}
	workers.Wait()
	all := make([]uint64, 0)
	for _, part := range latencies {
		all = append(all, part...)
	}
	return &result{Calls: len(all), Errors: errors.Load(), ElapsedNs: time.Since(started).Nanoseconds(),
		FirstError: firstError.Load(), LatenciesUs: all}, nil
}

func grpcVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "google.golang.org/grpc" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

func main() {
	twins, err := strconv.ParseInt(os.Getenv("HUBGATE_BENCH_TWINS"), 10, 64)
	if err != nil || twins < 1 {
		fmt.Fprintln(os.Stderr, "HUBGATE_BENCH_TWINS must be a positive number")
		os.Exit(2)
	}
	conn, err := grpc.NewClient(os.Getenv("HUBGATE_BENCH_GATEWAY"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer conn.Close()
	p := &peer{twins: twins, registry: hubgatev1.NewRegistryServiceClient(conn), twin: hubgatev1.NewTwinServiceClient(conn),
		token: os.Getenv("HUBGATE_BENCH_TOKEN"), prefix: "tmp-go-" + strconv.Itoa(os.Getpid())}

	out := json.NewEncoder(os.Stdout)
	answer := func(v any) {
		if err := out.Encode(v); err != nil {
			os.Exit(1) // the benchmark is gone
		}
	}
	answer(map[string]any{"ready": true, "peer": "go", "paths": []string{"gateway"},
		"versions": map[string]string{"google.golang.org/grpc": grpcVersion()}, "runtime": runtime.Version()})
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		if len(lines.Bytes()) == 0 {
			continue
		}
		var c command
		if err := json.Unmarshal(lines.Bytes(), &c); err != nil {
			answer(map[string]string{"error": err.Error()})
			continue
		}
		r, err := p.run(c)
		if err != nil {
			answer(map[string]string{"error": err.Error()})
			continue
		}
		answer(r)
	}
}
