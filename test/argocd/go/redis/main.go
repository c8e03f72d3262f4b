// Command redis runs an in-memory Redis (github.com/alicebob/miniredis/v2, the one Argo CD's own
// tests use) on a loopback port, for the Argo CD components of the end-to-end test.
//
// Usage: redis --addr 127.0.0.1:PORT
// It prints "ready <addr>" on stdout once it listens and runs until SIGTERM/SIGINT.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/alicebob/miniredis/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	server := miniredis.NewMiniRedis()
	if err := server.StartAddr(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "redis:", err)
		os.Exit(1)
	}
	fmt.Printf("ready %s\n", server.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	server.Close()
}
