package validate

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// The Dockerfile cannot be built here (no container engine). What can be checked is checked: it
// parses with BuildKit's own parser, passes BuildKit's linter (the rules of docker build --check
// that need no image), runs as a non-root numeric user, and every file its final stage copies from
// the build stage exists in this checkout after mvn package (the build stage's /src is the checkout).
func TestDockerfile_parsesLintsAndCopiesWhatMavenPackages(t *testing.T) {
	root := repoRoot(t)
	file, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	parsed, err := parser.Parse(file)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	for _, warning := range parsed.Warnings {
		t.Errorf("parser: %s", warning.Short)
	}
	var lint []string
	stages, _, err := instructions.Parse(parsed.AST, linter.New(&linter.Config{
		Warn: func(rule, description, url, message string, location []parser.Range) {
			lint = append(lint, rule+": "+message)
		},
	}))
	if err != nil {
		t.Fatalf("instructions: %v", err)
	}
	for _, warning := range lint {
		t.Errorf("lint %s", warning)
	}
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stage(s)", len(stages))
	}

	final := stages[len(stages)-1]
	var user string
	var entrypoint []string
	for _, command := range final.Commands {
		switch c := command.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entrypoint = c.CmdLine
		case *instructions.CopyCommand:
			if c.From == "" {
				t.Errorf("the final stage copies %v from the build context: copy from the build stage", c.SourcePaths)
				continue
			}
			for _, source := range c.SourcePaths {
				checkout := strings.TrimPrefix(source, "/src/")
				if checkout == source {
					t.Errorf("COPY --from=%s %s: not under the build stage's /src", c.From, source)
					continue
				}
				if _, err := os.Stat(filepath.Join(root, checkout)); err != nil {
					t.Errorf("COPY --from=%s %s: %v (run mvn package first)", c.From, source, err)
				}
			}
		case *instructions.AddCommand:
			t.Errorf("the final stage uses ADD %v: COPY says what it does", c.SourcePaths)
		}
	}
	uid, err := strconv.Atoi(strings.Split(user, ":")[0])
	if err != nil || uid == 0 {
		t.Errorf("the final stage's USER %q: want a non-root numeric id (Kubernetes' runAsNonRoot checks it)", user)
	}
	if len(entrypoint) != 1 || !strings.HasPrefix(entrypoint[0], "/opt/hubgate/") {
		t.Fatalf("ENTRYPOINT %v: want the launcher, in exec form", entrypoint)
	}
	launcher := filepath.Join(root, "server", "target", "hubgate", strings.TrimPrefix(entrypoint[0], "/opt/hubgate/"))
	if info, err := os.Stat(launcher); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("ENTRYPOINT %s: %s is not an executable file of the distribution (%v)", entrypoint[0], launcher, err)
	}
}
