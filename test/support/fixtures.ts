import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import './own-cache.js';

/** A temporary directory (real path: events report resolved paths), removed by `cleanup`. */
export const tempDir = (prefix = 'gowatch-test-'): { dir: string; cleanup: () => void } => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** Writes files given as { 'relative/path': 'content' } under `root`. */
export const writeTree = (root: string, files: Record<string, string>): void => {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
};

/**
 * main.go of a net/http server that listens on -addr, answers every request with `body` (Go
 * statements writing to `w`) and shuts down on SIGINT/SIGTERM. `imports` are extra import paths.
 */
export const httpMainGo = (body: string, imports: readonly string[] = []): string => `package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os/signal"
	"syscall"
${imports.map((p) => `\n\t"${p}"`).join('')}
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	server := &http.Server{Addr: *addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		${body}
	})}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = server.Close() }()
	_ = server.ListenAndServe()
}
`;

/** A net/http server whose response is the text of `reply()` in reply.go; it listens on -addr. */
export const httpServerModule = (modulePath: string, reply: string): Record<string, string> => ({
  'go.mod': `module ${modulePath}\n\ngo 1.22\n`,
  'main.go': httpMainGo('fmt.Fprint(w, reply())'),
  'reply.go': replyFile(reply),
});

export const replyFile = (reply: string): string => `package main\n\nfunc reply() string { return ${JSON.stringify(reply)} }\n`;
