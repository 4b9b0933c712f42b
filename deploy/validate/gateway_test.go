package validate

import (
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// gateway is the built deployment seen as the gateway runs it: its pod, container and settings.
type gateway struct {
	m          manifests
	deployment appsv1.Deployment
	pod        corev1.PodSpec
	podLabels  labels.Set
	container  corev1.Container
	settings   map[string]string // the ConfigMap's HUBGATE_* variables
}

func newGateway(t *testing.T, m manifests) gateway {
	t.Helper()
	d := m.deployments[0]
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want one container in the gateway's pod, got %d", len(d.Spec.Template.Spec.Containers))
	}
	return gateway{m: m, deployment: d, pod: d.Spec.Template.Spec, podLabels: d.Spec.Template.Labels,
		container: d.Spec.Template.Spec.Containers[0], settings: m.configMaps[0].Data}
}

func (g gateway) setting(t *testing.T, name string) string {
	t.Helper()
	value, ok := g.settings[name]
	if !ok || strings.TrimSpace(value) == "" {
		t.Fatalf("the ConfigMap does not set %s", name)
	}
	return value
}

func (g gateway) port(t *testing.T, name string) int32 {
	t.Helper()
	for _, p := range g.container.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	t.Fatalf("the container has no port named %s", name)
	return 0
}

func selects(t *testing.T, what string, selector *metav1.LabelSelector, pod labels.Set) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if s.Empty() || !s.Matches(pod) {
		t.Errorf("%s's selector %v does not select the gateway's pods %v", what, selector, pod)
	}
}

func TestDeployment_replicasSelectorAndSettings(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		if g.deployment.Spec.Replicas == nil || *g.deployment.Spec.Replicas < 2 {
			t.Errorf("replicas %v: want at least 2", g.deployment.Spec.Replicas)
		}
		selects(t, "the Deployment", g.deployment.Spec.Selector, g.podLabels)
		if len(g.container.EnvFrom) != 1 || g.container.EnvFrom[0].ConfigMapRef == nil ||
			g.container.EnvFrom[0].ConfigMapRef.Name != g.m.configMaps[0].Name {
			t.Errorf("the container must take its settings from the ConfigMap %s: %v", g.m.configMaps[0].Name, g.container.EnvFrom)
		}
		// The gateway serves plaintext only on loopback: off it, the API port needs its certificate.
		if g.setting(t, "HUBGATE_BIND") != "0.0.0.0" {
			t.Errorf("HUBGATE_BIND %s: the kubelet and the Services reach the pod's address", g.settings["HUBGATE_BIND"])
		}
		mountedFile(t, g, g.setting(t, "HUBGATE_TLS_CERT"))
		mountedFile(t, g, g.setting(t, "HUBGATE_TLS_KEY"))
		if want := strconv.Itoa(int(g.port(t, "grpc"))); g.setting(t, "HUBGATE_PORT") != want {
			t.Errorf("HUBGATE_PORT %s, but the container port grpc is %s", g.settings["HUBGATE_PORT"], want)
		}
		metrics := strconv.Itoa(int(g.port(t, "metrics")))
		if g.setting(t, "HUBGATE_METRICS_PORT") != metrics {
			t.Errorf("HUBGATE_METRICS_PORT %s, but the container port metrics is %s", g.settings["HUBGATE_METRICS_PORT"], metrics)
		}
		if annotations := g.deployment.Spec.Template.Annotations; annotations["prometheus.io/port"] != metrics {
			t.Errorf("the pod's prometheus.io/port annotation %q is not the metrics port %s", annotations["prometheus.io/port"], metrics)
		}
		// A deployment that forgot its hub would run the embedded emulator: say so here, not in production.
		for _, required := range []string{"HUBGATE_HUB_HOST", "HUBGATE_JWT_ISSUERS", "HUBGATE_JWT_AUDIENCES"} {
			g.setting(t, required)
		}
		if g.setting(t, "HUBGATE_CREDENTIAL") == "workload-identity" {
			if g.podLabels["azure.workload.identity/use"] != "true" {
				t.Errorf("workload-identity needs the pod label azure.workload.identity/use: \"true\"")
			}
			sa := g.m.serviceAccounts[0]
			if g.pod.ServiceAccountName != sa.Name {
				t.Errorf("the pod runs as %q, not as the ServiceAccount %q", g.pod.ServiceAccountName, sa.Name)
			}
			guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
			if id := sa.Annotations["azure.workload.identity/client-id"]; !guid.MatchString(id) || strings.Trim(id, "0-") == "" {
				t.Errorf("the ServiceAccount's azure.workload.identity/client-id %q: set the identity's client id", id)
			}
		}
	})
}

// Replicas honour each other's page tokens only with one shared key: it comes from a Secret (never the
// ConfigMap, which anyone who may read the namespace's configuration can read), and is not optional.
func TestDeployment_pageTokenKeyFromASecret(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		if _, inConfigMap := g.settings["HUBGATE_PAGE_TOKEN_KEY"]; inConfigMap {
			t.Errorf("the ConfigMap sets HUBGATE_PAGE_TOKEN_KEY: the key belongs in a Secret")
		}
		for _, env := range g.container.Env {
			if env.Name != "HUBGATE_PAGE_TOKEN_KEY" {
				continue
			}
			var ref *corev1.SecretKeySelector
			if env.ValueFrom != nil {
				ref = env.ValueFrom.SecretKeyRef
			}
			if ref == nil || ref.Name == "" || ref.Key == "" {
				t.Fatalf("HUBGATE_PAGE_TOKEN_KEY must come from a Secret's key: %+v", env)
			}
			if ref.Optional != nil && *ref.Optional {
				t.Errorf("the page-token key's Secret is optional: a pod without it would refuse its peers' page tokens")
			}
			return
		}
		t.Errorf("the container has no HUBGATE_PAGE_TOKEN_KEY: each replica would sign page tokens with its own key")
	})
}

// mountedFile fails unless file lies in a volume mounted read-only into the container.
func mountedFile(t *testing.T, g gateway, file string) {
	t.Helper()
	for _, mount := range g.container.VolumeMounts {
		if strings.HasPrefix(file, strings.TrimSuffix(mount.MountPath, "/")+"/") {
			if !mount.ReadOnly {
				t.Errorf("%s is in the writable mount %s", file, mount.MountPath)
			}
			return
		}
	}
	t.Errorf("%s is in no volume of the container", file)
}

func TestDeployment_grpcProbesOnTheHealthPort(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		health := g.port(t, "health")
		if want := strconv.Itoa(int(health)); g.setting(t, "HUBGATE_HEALTH_PORT") != want {
			t.Errorf("HUBGATE_HEALTH_PORT %s, but the container port health is %s", g.settings["HUBGATE_HEALTH_PORT"], want)
		}
		for name, probe := range map[string]*corev1.Probe{"startup": g.container.StartupProbe,
			"readiness": g.container.ReadinessProbe, "liveness": g.container.LivenessProbe} {
			if probe == nil || probe.GRPC == nil {
				t.Errorf("%s probe: want a native gRPC probe, got %v", name, probe)
				continue
			}
			if probe.GRPC.Port != health {
				t.Errorf("%s probe on port %d: the plaintext health port is %d (the API port is TLS)", name, probe.GRPC.Port, health)
			}
		}
	})
}

func TestDeployment_terminationOutlastsTheGracefulStop(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		grace, err := time.ParseDuration(g.setting(t, "HUBGATE_SHUTDOWN_GRACE"))
		if err != nil {
			t.Fatalf("HUBGATE_SHUTDOWN_GRACE: %v", err)
		}
		var preStop time.Duration
		if l := g.container.Lifecycle; l != nil && l.PreStop != nil && l.PreStop.Sleep != nil {
			preStop = time.Duration(l.PreStop.Sleep.Seconds) * time.Second
		}
		// GatewayServer: 1 s NOT_SERVING notice, the grace, then 5 s for what is cancelled.
		need := preStop + time.Second + grace + 5*time.Second
		if g.pod.TerminationGracePeriodSeconds == nil || time.Duration(*g.pod.TerminationGracePeriodSeconds)*time.Second <= need {
			t.Errorf("terminationGracePeriodSeconds %v: want more than %v (preStop %v + 1 s + grace %v + 5 s)",
				g.pod.TerminationGracePeriodSeconds, need, preStop, grace)
		}
	})
}

func TestDeployment_restrictedSecurityAndResources(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		pod := g.pod.SecurityContext
		if pod == nil || pod.RunAsNonRoot == nil || !*pod.RunAsNonRoot || pod.RunAsUser == nil || *pod.RunAsUser == 0 {
			t.Errorf("the pod must run as a non-root numeric user: %v", pod)
		}
		if pod == nil || pod.SeccompProfile == nil || pod.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("the pod's seccomp profile must be RuntimeDefault")
		}
		c := g.container.SecurityContext
		if c == nil || c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation ||
			c.ReadOnlyRootFilesystem == nil || !*c.ReadOnlyRootFilesystem ||
			c.Capabilities == nil || len(c.Capabilities.Drop) != 1 || c.Capabilities.Drop[0] != "ALL" || len(c.Capabilities.Add) != 0 {
			t.Errorf("the container must not escalate, must drop ALL capabilities and have a read-only root: %v", c)
		}
		tmp := false
		for _, mount := range g.container.VolumeMounts {
			tmp = tmp || (mount.MountPath == "/tmp" && !mount.ReadOnly)
		}
		if !tmp {
			t.Errorf("with a read-only root the JVM needs a writable /tmp")
		}
		requests, limits := g.container.Resources.Requests, g.container.Resources.Limits
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := requests[name]; !ok {
				t.Errorf("no %s request", name)
			}
		}
		memory, ok := limits[corev1.ResourceMemory]
		if !ok || memory.Cmp(requests[corev1.ResourceMemory]) < 0 {
			t.Errorf("the memory limit %v must be at least the request", limits)
		}
		// The launcher's heap is -Xmx192m: the limit must leave room beyond it (measured RSS 198 MB at peak).
		if ok && memory.Cmp(resource.MustParse("256Mi")) < 0 {
			t.Errorf("memory limit %s: under 256Mi the launcher's 192 MB heap and the JVM's own memory do not fit", memory.String())
		}
	})
}

func TestServices_selectTheGatewayAndNameItsPorts(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		headless := 0
		for _, s := range g.m.services {
			selects(t, "Service "+s.Name, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, g.podLabels)
			for _, p := range s.Spec.Ports {
				if p.TargetPort.StrVal == "" {
					t.Errorf("Service %s port %s: target a named container port", s.Name, p.Name)
				} else {
					g.port(t, p.TargetPort.StrVal)
				}
				if p.TargetPort.StrVal == "health" {
					t.Errorf("Service %s exposes the health port: it is for the kubelet", s.Name)
				}
			}
			if s.Spec.ClusterIP == corev1.ClusterIPNone {
				headless++
			}
		}
		if headless != 1 {
			t.Errorf("want one headless Service (client-side round_robin), got %d", headless)
		}
	})
}

func TestDisruptionBudgetAndAutoscaler_keepTwoReplicas(t *testing.T) {
	eachOverlay(t, func(t *testing.T, g gateway) {
		budget := g.m.budgets[0]
		selects(t, "the PodDisruptionBudget", budget.Spec.Selector, g.podLabels)
		if budget.Spec.MaxUnavailable == nil || budget.Spec.MaxUnavailable.IntValue() != 1 {
			t.Errorf("PodDisruptionBudget: want maxUnavailable 1, got %v", budget.Spec.MaxUnavailable)
		}
		hpa := g.m.autoscalers[0]
		target := hpa.Spec.ScaleTargetRef
		if target.Kind != "Deployment" || target.APIVersion != "apps/v1" || target.Name != g.deployment.Name {
			t.Errorf("the autoscaler scales %v, not the Deployment %s", target, g.deployment.Name)
		}
		if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
			t.Errorf("autoscaler replicas %v..%d: want at least 2", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
		}
		for _, metric := range hpa.Spec.Metrics {
			if metric.Resource != nil {
				if _, ok := g.container.Resources.Requests[metric.Resource.Name]; !ok {
					t.Errorf("the autoscaler uses %s utilization, which needs a %s request", metric.Resource.Name, metric.Resource.Name)
				}
			}
		}
	})
}

// The ConfigMap's variables are the gateway's own: a misspelt one would be ignored in silence.
// The build writes the gateway's --help to HUBGATE_GATEWAY_HELP (module deploy's pom).
func TestConfigMap_namesOnlyTheGatewaysVariables(t *testing.T) {
	helpFile := os.Getenv("HUBGATE_GATEWAY_HELP")
	if helpFile == "" {
		t.Skip("HUBGATE_GATEWAY_HELP is unset: mvn verify (module deploy) sets it to the gateway's --help")
	}
	help, err := os.ReadFile(helpFile)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, name := range regexp.MustCompile(`HUBGATE_[A-Z_]+`).FindAllString(string(help), -1) {
		known[name] = true
	}
	if len(known) < 10 {
		t.Fatalf("%s names only %d variables: is it the gateway's --help?", helpFile, len(known))
	}
	eachOverlay(t, func(t *testing.T, g gateway) {
		for name := range g.settings {
			if !known[name] {
				t.Errorf("the ConfigMap sets %s, which the gateway does not read (see %s)", name, path.Base(helpFile))
			}
		}
	})
}
