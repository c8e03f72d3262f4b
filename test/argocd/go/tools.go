//go:build tools

// Package tools pins the Argo CD command that test/argocd/build.sh compiles; it is never built.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
