// Command hubgate-sample runs the core scenario of the hubgate sample clients (see
// ../README.md) with Go stubs generated from proto/: create a device, read and patch its twin
// with etags, handle a stale etag, query, delete, and handle NOT_FOUND. It prints one JSON
// line per step on stdout and notes on stderr.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	hubgatev1 "github.com/hubgate/hubgate/client-sample/go/gen/hubgate/v1"
)

// callTimeout is every call's deadline: the gateway stops working on a call whose caller
// gave up, and a sample should never hang.
const callTimeout = 10 * time.Second

func main() {
	if err := run(); err != nil {
		report(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	target := env("HUBGATE_TARGET", "127.0.0.1:50051")
	plaintext := os.Getenv("HUBGATE_PLAINTEXT") == "true"
	deviceID := env("HUBGATE_SAMPLE_DEVICE_ID", fmt.Sprintf("sample-go-%d", time.Now().UnixMilli()))

	// 1. The caller token: given, or acquired with the client-credentials grant.
	token, source := os.Getenv("HUBGATE_TOKEN"), "HUBGATE_TOKEN"
	if token == "" {
		var err error
		token, err = clientCredentialsToken(os.Getenv("HUBGATE_TOKEN_URL"), os.Getenv("HUBGATE_CLIENT_ID"),
			os.Getenv("HUBGATE_CLIENT_SECRET"), env("HUBGATE_TOKEN_SCOPE", "api://hubgate/.default"),
			os.Getenv("HUBGATE_TOKEN_CA_CERT"))
		if err != nil {
			return stepError{step: "token", err: err}
		}
		source = "client_credentials"
	}
	emit(struct {
		Step   string `json:"step"`
		Source string `json:"source"`
	}{"token", source})

	conn, err := dial(target, plaintext, token)
	if err != nil {
		return err
	}
	defer conn.Close()
	registry := hubgatev1.NewRegistryServiceClient(conn)
	twins := hubgatev1.NewTwinServiceClient(conn)

	// 2. Create the device. From here on, a failure deletes it again so no sample device is
	// left behind on a real hub.
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	device, err := registry.CreateDevice(ctx, &hubgatev1.CreateDeviceRequest{
		Device: &hubgatev1.Device{DeviceId: deviceID},
	})
	cancel()
	if err != nil {
		return stepError{step: "create_device", err: err}
	}
	emit(struct {
		Step     string `json:"step"`
		DeviceID string `json:"device_id"`
		Etag     string `json:"etag"`
		Status   string `json:"status"`
	}{"create_device", device.GetDeviceId(), device.GetEtag(), device.GetStatus().String()})

	if err := twinScenario(registry, twins, deviceID); err != nil {
		cleanup(registry, deviceID)
		return err
	}
	return nil
}

// twinScenario runs steps 3 to 9 on the device just created.
func twinScenario(registry hubgatev1.RegistryServiceClient, twins hubgatev1.TwinServiceClient, deviceID string) error {
	// 3. Read the twin; its etag guards the next write.
	twin, err := getTwin(twins, deviceID)
	if err != nil {
		return stepError{step: "get_twin", err: err}
	}
	emit(struct {
		Step           string `json:"step"`
		DeviceID       string `json:"device_id"`
		Etag           string `json:"etag"`
		DesiredVersion int64  `json:"desired_version"`
	}{"get_twin", twin.GetDeviceId(), twin.GetEtag(), twin.GetDesired().GetVersion()})
	readEtag := twin.GetEtag()

	// 4. Patch the desired properties, only if nobody changed the twin since we read it.
	// Twin documents are google.protobuf.Struct: structpb builds one from plain Go values.
	desired, err := structpb.NewStruct(map[string]any{
		"sample": map[string]any{"language": "go", "interval": 30},
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	twin, err = twins.UpdateTwin(ctx, &hubgatev1.UpdateTwinRequest{
		DeviceId: deviceID, Desired: desired, Etag: readEtag,
	})
	cancel()
	if err != nil {
		return stepError{step: "update_twin", err: err}
	}
	emit(twinLine("update_twin", twin))

	// 5. Read it back.
	twin, err = getTwin(twins, deviceID)
	if err != nil {
		return stepError{step: "read_back", err: err}
	}
	emit(twinLine("read_back", twin))

	// 6. The same patch with the etag of step 3 is refused: ABORTED, reason PreconditionFailed.
	// A real client would read the twin again and retry.
	ctx, cancel = context.WithTimeout(context.Background(), callTimeout)
	_, err = twins.UpdateTwin(ctx, &hubgatev1.UpdateTwinRequest{
		DeviceId: deviceID, Desired: desired, Etag: readEtag,
	})
	cancel()
	if err := expectFailure("stale_etag", err, codes.Aborted, "PreconditionFailed"); err != nil {
		return err
	}

	// 7. Query the twins and find the device.
	query := fmt.Sprintf("SELECT * FROM devices WHERE deviceId = '%s' AND properties.desired.sample.interval = 30", deviceID)
	ids, err := queryUntilFound(twins, query, deviceID)
	if err != nil {
		return stepError{step: "query", err: err}
	}
	emit(struct {
		Step      string   `json:"step"`
		Query     string   `json:"query"`
		DeviceIDs []string `json:"device_ids"`
	}{"query", query, ids})

	// 8. Delete the device (unconditionally: no etag).
	ctx, cancel = context.WithTimeout(context.Background(), callTimeout)
	_, err = registry.DeleteDevice(ctx, &hubgatev1.DeleteDeviceRequest{DeviceId: deviceID})
	cancel()
	if err != nil {
		return stepError{step: "delete_device", err: err}
	}
	emit(struct {
		Step     string `json:"step"`
		DeviceID string `json:"device_id"`
	}{"delete_device", deviceID})

	// 9. Reading it again gives NOT_FOUND, reason DeviceNotFound.
	ctx, cancel = context.WithTimeout(context.Background(), callTimeout)
	_, err = registry.GetDevice(ctx, &hubgatev1.GetDeviceRequest{DeviceId: deviceID})
	cancel()
	return expectFailure("get_deleted", err, codes.NotFound, "DeviceNotFound")
}

// dial opens the channel: plaintext for a local gateway, else TLS trusting HUBGATE_CA_CERT
// or the system roots. The token rides on every call as per-RPC credentials.
func dial(target string, plaintext bool, token string) (*grpc.ClientConn, error) {
	transport := insecure.NewCredentials()
	if !plaintext {
		tlsConfig := &tls.Config{} // nil RootCAs: the system's roots
		if caFile := os.Getenv("HUBGATE_CA_CERT"); caFile != "" {
			pem, err := os.ReadFile(caFile)
			if err != nil {
				return nil, fmt.Errorf("HUBGATE_CA_CERT: %w", err)
			}
			tlsConfig.RootCAs = x509.NewCertPool()
			if !tlsConfig.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("HUBGATE_CA_CERT: no certificate in %s", caFile)
			}
		}
		transport = credentials.NewTLS(tlsConfig)
	}
	// NewClient connects lazily, on the first call: connection errors surface there as
	// UNAVAILABLE.
	return grpc.NewClient(target,
		grpc.WithTransportCredentials(transport),
		grpc.WithPerRPCCredentials(bearerToken{token: token, requireTLS: !plaintext}))
}

func getTwin(twins hubgatev1.TwinServiceClient, deviceID string) (*hubgatev1.Twin, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return twins.GetTwin(ctx, &hubgatev1.GetTwinRequest{DeviceId: deviceID})
}

// queryUntilFound runs the query, page after page, until the device shows up. IoT Hub's query
// index lags writes by a few seconds, so a query right after an update may miss it: try again
// for a while before calling it a failure.
func queryUntilFound(twins hubgatev1.TwinServiceClient, query, deviceID string) ([]string, error) {
	const attempts = 10
	var ids []string
	for attempt := 1; ; attempt++ {
		ids = ids[:0]
		pageToken := ""
		for {
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			page, err := twins.QueryTwins(ctx, &hubgatev1.QueryTwinsRequest{Query: query, PageToken: pageToken})
			cancel()
			if err != nil {
				return nil, err
			}
			for _, r := range page.GetResults() {
				ids = append(ids, r.GetTwin().GetDeviceId())
			}
			if pageToken = page.GetNextPageToken(); pageToken == "" {
				break
			}
		}
		for _, id := range ids {
			if id == deviceID {
				return ids, nil
			}
		}
		if attempt == attempts {
			return nil, fmt.Errorf("the query did not return %s after %d attempts (got %q)", deviceID, attempts, ids)
		}
		fmt.Fprintf(os.Stderr, "note: %s not in the query results yet, querying again\n", deviceID)
		time.Sleep(time.Second)
	}
}

// expectFailure checks that a call failed the way the scenario expects and prints the step's
// line; anything else (success, another code or reason) fails the step.
func expectFailure(step string, err error, want codes.Code, wantReason string) error {
	if err == nil {
		err = errors.New("the call succeeded")
	}
	e := inspect(err)
	if e.st.Code() != want || e.reason() != wantReason {
		return stepError{step: step, expected: canonical(want) + " with reason " + wantReason, err: err}
	}
	emit(struct {
		Step   string `json:"step"`
		Code   string `json:"code"`
		Domain string `json:"domain"`
		Reason string `json:"reason"`
	}{step, e.codeName(), e.domain(), e.reason()})
	return nil
}

// twinLine is the output line of a twin after the update: desired holds the properties
// without $version and $metadata, which the API already keeps apart.
func twinLine(step string, twin *hubgatev1.Twin) any {
	return struct {
		Step           string         `json:"step"`
		DeviceID       string         `json:"device_id"`
		Etag           string         `json:"etag"`
		DesiredVersion int64          `json:"desired_version"`
		Desired        map[string]any `json:"desired"`
	}{step, twin.GetDeviceId(), twin.GetEtag(), twin.GetDesired().GetVersion(),
		twin.GetDesired().GetProperties().AsMap()}
}

// cleanup deletes the device after a failed step, best effort (it may be gone already).
func cleanup(registry hubgatev1.RegistryServiceClient, deviceID string) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	_, err := registry.DeleteDevice(ctx, &hubgatev1.DeleteDeviceRequest{DeviceId: deviceID})
	if err != nil && status.Code(err) != codes.NotFound {
		fmt.Fprintf(os.Stderr, "note: could not delete %s after the failure: %v\n", deviceID, err)
	}
}

// emit prints one JSON line on stdout. Struct fields keep their order; HTML escaping is off so
// etags and queries print as they are.
func emit(line any) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(line); err != nil {
		panic(err) // only unsupported types fail, and every line is built here
	}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
