/**
 * A fixture project as the side-by-side scenarios use it: where it is, how to make its program
 * answer a given text, and what else to touch. Every tool gets its own copy.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export type FileWrite = { readonly file: string; readonly content: string };

export type Project = {
  readonly name: 'hello' | 'service' | 'pocketbase' | 'big-tree';
  readonly dir: string;
  /** The program's arguments to serve on `port` (every tool passes the same). */
  readonly args: (port: number | string) => readonly string[];
  /** The path the bench asks for the program's answer. */
  readonly probePath: string;
  /** The file whose content decides what the program answers. */
  readonly servedFile: string;
  /** What the program answers as generated. */
  readonly initialText: string;
  /** The content of servedFile that makes the program answer `text` (the same bytes for the same text). */
  readonly servedContent: (text: string) => string;
  /** Files no tool should rebuild for: a README and a test file. */
  readonly unrelated: { readonly readme: string; readonly test: string };
  /** `count` rewrites of files of the build closure, servedFile (answering `text`) among them. */
  readonly burst?: (count: number, text: string) => FileWrite[];
};

/** The arguments of the fixtures that take a listen address: `-addr 127.0.0.1:PORT`. */
export const addrArgs = (port: number | string): readonly string[] => ['-addr', `127.0.0.1:${port}`];

/** Makes `project` answer `text`. */
export const serve = (project: Project, text: string) => writeFileSync(project.servedFile, project.servedContent(text));

/** Environment variable naming the file where the fixture programs record their starts. */
export const STARTS_ENV = 'BENCH_STARTS_FILE';

/**
 * Added to each fixture's main package: the program appends its pid to $BENCH_STARTS_FILE when
 * it starts, so restarts are counted from the program itself, whatever tool started it.
 */
export const startsGo = `package main

import (
	"fmt"
	"os"
)

func init() {
	name := os.Getenv("${STARTS_ENV}")
	if name == "" {
		return
	}
	if out, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintln(out, os.Getpid())
		_ = out.Close()
	}
}
`;

export const startsFile = (dir: string) => path.join(dir, 'starts.go');
