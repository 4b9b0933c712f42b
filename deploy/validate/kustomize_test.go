// Package validate checks, offline, what deploy/ ships for Kubernetes and containers: the kustomize
// base and overlays build with the kustomize library kubectl embeds, every resource decodes strictly
// (unknown or duplicate fields fail) into the Kubernetes API's own Go types, and the gateway's
// deployment holds together (ports, probes, settings, security, disruption and scaling). Run by
// mvn verify (module deploy); by hand: go test ./... in this directory, after mvn package.
package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// manifests is one kustomization, built and decoded.
type manifests struct {
	serviceAccounts []corev1.ServiceAccount
	configMaps      []corev1.ConfigMap
	deployments     []appsv1.Deployment
	services        []corev1.Service
	budgets         []policyv1.PodDisruptionBudget
	autoscalers     []autoscalingv2.HorizontalPodAutoscaler
}

// repoRoot is the repository's top directory: this test runs in deploy/validate.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// overlays lists deploy/kubernetes/overlays/*: each is a deployment as a user would apply it.
func overlays(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy", "kubernetes", "overlays", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no overlay under deploy/kubernetes/overlays: %v", err)
	}
	return dirs
}

// build runs kustomize on dir and decodes every resource strictly into its API type.
func build(t *testing.T, dir string) manifests {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var m manifests
	for _, resource := range resources.Resources() {
		text, err := resource.AsYAML()
		if err != nil {
			t.Fatalf("%s: %v", resource.CurId(), err)
		}
		what := resource.GetApiVersion() + " " + resource.GetKind()
		if err := m.add(what, text); err != nil {
			t.Errorf("%s %s in %s: %v", what, resource.GetName(), dir, err)
		}
	}
	return m
}

// add decodes one resource with UnmarshalStrict: a misspelt or misplaced field is an error, as the
// API server's strict field validation (kubectl apply --validate=strict) would make it.
func (m *manifests) add(what string, text []byte) error {
	switch what {
	case "v1 ServiceAccount":
		return decode(text, &m.serviceAccounts)
	case "v1 ConfigMap":
		return decode(text, &m.configMaps)
	case "apps/v1 Deployment":
		return decode(text, &m.deployments)
	case "v1 Service":
		return decode(text, &m.services)
	case "policy/v1 PodDisruptionBudget":
		return decode(text, &m.budgets)
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return decode(text, &m.autoscalers)
	default:
		return fmt.Errorf("a kind these checks do not know: add its API type to validate/kustomize_test.go")
	}
}

func decode[T any](text []byte, into *[]T) error {
	var value T
	if err := yaml.UnmarshalStrict(text, &value); err != nil {
		return err
	}
	*into = append(*into, value)
	return nil
}

func TestKustomizations_buildAndDecodeStrictly(t *testing.T) {
	for _, dir := range append([]string{filepath.Join(repoRoot(t), "deploy", "kubernetes", "base")}, overlays(t)...) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			m := build(t, dir)
			counts := map[string]int{"ServiceAccount": len(m.serviceAccounts), "ConfigMap": len(m.configMaps),
				"Deployment": len(m.deployments), "Service": len(m.services), "PodDisruptionBudget": len(m.budgets),
				"HorizontalPodAutoscaler": len(m.autoscalers)}
			want := map[string]int{"ServiceAccount": 1, "ConfigMap": 1, "Deployment": 1, "Service": 2,
				"PodDisruptionBudget": 1, "HorizontalPodAutoscaler": 1}
			for kind, n := range want {
				if counts[kind] != n {
					t.Errorf("%d %s, want %d", counts[kind], kind, n)
				}
			}
		})
	}
}

// The tests below read the base through each overlay: what a user applies.
func eachOverlay(t *testing.T, check func(t *testing.T, g gateway)) {
	for _, dir := range overlays(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			m := build(t, dir)
			if len(m.deployments) != 1 || len(m.configMaps) != 1 || len(m.serviceAccounts) != 1 {
				t.Fatalf("want one Deployment, ConfigMap and ServiceAccount")
			}
			check(t, newGateway(t, m))
		})
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(filepath.Join("..", "kubernetes")); err != nil {
		fmt.Fprintln(os.Stderr, "run in deploy/validate:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
