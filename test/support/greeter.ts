/** internal/lib of a greeter module: `Greeting()` returns `greeting`. */
export const libFile = (greeting: string): string => `package lib\n\nfunc Greeting() string { return ${JSON.stringify(greeting)} }\n`;

/**
 * A module whose cmd/api prints lib.Greeting() on start and "bye" on SIGTERM or SIGINT: its
 * output shows, line by line, which program ran and when it was stopped.
 */
export const greeterFiles = (module: string, greeting: string): Record<string, string> => ({
  'go.mod': `module ${module}\n\ngo 1.22\n`,
  'cmd/api/main.go': `package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"${module}/internal/lib"
)

func main() {
	fmt.Println(lib.Greeting())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	fmt.Println("bye")
}
`,
  'internal/lib/lib.go': libFile(greeting),
});
