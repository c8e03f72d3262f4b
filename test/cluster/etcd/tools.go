//go:build tools

// Package tools pins the commands that test/cluster/build.sh compiles; it is never built.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
