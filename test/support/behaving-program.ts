/**
 * One Go program for the reliability scenarios; its environment picks the misbehaviour:
 * VERSIONS_FILE gets "<version> <pid>" at each start; IGNORE_TERM ignores SIGTERM; SETSID_CHILD
 * starts a `sleep` in a session of its own; DAEMON double-forks a `sleep` (its parent becomes
 * pid 1); LISTEN listens on an address (and exits 1 when it cannot); READ_STDIN records the
 * first line of stdin; CRASH exits 1 at once; ALLOC_MB holds that much touched memory.
 */
export const behavingProgram = (version: string): Record<string, string> => ({
  'version.go': versionFile(version),
  'main.go': `package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func record(line string) {
	f, err := os.OpenFile(os.Getenv("VERSIONS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(f, line)
	f.Close()
}

func main() {
	if os.Getenv("IGNORE_TERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	if addr := os.Getenv("LISTEN"); addr != "" {
		listener, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "listen:", err)
			os.Exit(1)
		}
		defer listener.Close()
	}
	if os.Getenv("SETSID_CHILD") == "1" {
		child := exec.Command("sleep", "300")
		child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := child.Start(); err != nil {
			panic(err)
		}
	}
	if os.Getenv("DAEMON") == "1" {
		if err := exec.Command("sh", "-c", "setsid -f sleep 302 >/dev/null 2>&1 </dev/null").Run(); err != nil {
			panic(err)
		}
	}
	var hold []byte
	if mb := os.Getenv("ALLOC_MB"); mb != "" {
		var n int
		fmt.Sscan(mb, &n)
		hold = make([]byte, n<<20)
		for i := range hold {
			hold[i] = byte(i)
		}
	}
	record(fmt.Sprintf("%s %d", version, os.Getpid()))
	if os.Getenv("READ_STDIN") == "1" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\\n')
		if err != nil {
			record("stdin:EOF")
		} else {
			record("stdin:" + line[:len(line)-1])
		}
	}
	if os.Getenv("CRASH") == "1" {
		os.Exit(1)
	}
	for {
		time.Sleep(time.Hour)
		hold = append(hold[:0], hold...)
	}
}
`,
});

export const versionFile = (version: string): string => `package main\n\nconst version = ${JSON.stringify(version)}\n`;
