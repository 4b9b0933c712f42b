package main

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// rpcError is what a failed call tells: its gRPC status and, from the rich status the gateway
// sends in the grpc-status-details-bin trailer (a google.rpc.Status), the ErrorInfo and
// BadRequest details.
type rpcError struct {
	st         *status.Status
	info       *errdetails.ErrorInfo // nil if the status has none
	violations []*errdetails.BadRequest_FieldViolation
}

// inspect reads a call's error. status.Convert decodes grpc-status-details-bin; its
// Details() unpacks each google.protobuf.Any into the generated Go type, which works because
// the errdetails package is linked in (it registers ErrorInfo and BadRequest).
func inspect(err error) rpcError {
	e := rpcError{st: status.Convert(err)}
	for _, d := range e.st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			e.info = d
		case *errdetails.BadRequest:
			e.violations = append(e.violations, d.GetFieldViolations()...)
		}
	}
	return e
}

// codeName is the status code's canonical name of the status code ("NOT_FOUND"); grpc-go's own
// codes.Code.String() says "NotFound", so take the name from the google.rpc.Code enum.
func (e rpcError) codeName() string { return canonical(e.st.Code()) }

func canonical(c codes.Code) string { return code.Code(c).String() }

func (e rpcError) reason() string { return e.info.GetReason() }
func (e rpcError) domain() string { return e.info.GetDomain() }

// print writes everything a person needs to understand an unexpected failure.
func (e rpcError) print(w io.Writer) {
	fmt.Fprintf(w, "error: %s: %s\n", e.codeName(), e.st.Message())
	if e.info != nil {
		fmt.Fprintf(w, "reason: %s\ndomain: %s\n", e.info.GetReason(), e.info.GetDomain())
		for k, v := range e.info.GetMetadata() {
			fmt.Fprintf(w, "metadata: %s=%s\n", k, v)
		}
	}
	for _, v := range e.violations {
		fmt.Fprintf(w, "field violation: %s: %s\n", v.GetField(), v.GetDescription())
	}
}

// stepError is a failed step: the call's error, or a result the scenario did not expect.
type stepError struct {
	step     string
	expected string // what the step expected, if the failure was the wrong one
	err      error
}

func (s stepError) Error() string { return s.step + ": " + s.err.Error() }

// report prints a failed step on stderr, with the rich status if it was a gRPC error.
func report(w io.Writer, err error) {
	var se stepError
	if errors.As(err, &se) {
		if se.expected != "" {
			fmt.Fprintf(w, "step %s failed: expected %s, got:\n", se.step, se.expected)
		} else {
			fmt.Fprintf(w, "step %s failed\n", se.step)
		}
		err = se.err
	}
	if _, ok := status.FromError(err); ok {
		inspect(err).print(w)
		return
	}
	fmt.Fprintf(w, "error: %v\n", err)
}
