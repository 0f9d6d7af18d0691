import { createHash } from 'node:crypto';
import { readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseGoFlags, withoutFlag } from '../config/build-flags.js';
import { quote, shownPath } from '../text/quote.js';
import { errorMessage, GowatchError } from '../errors.js';
import { splitGoflags } from '../go/goflags.js';
import { runGo, type GoTarget } from '../go/run-go.js';
import { ensurePrivateDir } from './private-dir.js';
import { profileServerSource, serverImportSource } from './server-source.js';

/** What `go build -overlay` reads: files added or replaced, by their path in the package. */
const overlaySchema = z.object({ Replace: z.record(z.string(), z.string()).optional() });
type Replace = Record<string, string>;

/** Bytes of a user's overlay file gowatch reads to merge it with its own. */
const MAX_OVERLAY_BYTES = 16 * 1024 * 1024;

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The -overlay flag go applies: the last on the command line, else the last in GOFLAGS. */
const lastOverlay = (args: readonly string[]) => parseGoFlags(args).filter((flag) => flag.name === 'overlay').at(-1);

/**
 * The user's overlay, its paths made absolute from `cwd` (go reads relative ones from where it
 * runs), so that it means the same from gowatch's file.
 */
const userReplace = async (given: string, text: string, cwd: string): Promise<Replace> => {
  const file = path.resolve(cwd, given);
  const refuse = (why: string) => new GowatchError('config', `${quote(text)}: ${shownPath(file)} ${why}`);
  let content: string;
  try {
    if ((await stat(file)).size > MAX_OVERLAY_BYTES) throw refuse(`is over ${MAX_OVERLAY_BYTES} bytes, too large an overlay to merge with gowatch's`);
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw error instanceof GowatchError ? error : refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
  }
  let parsed: z.infer<typeof overlaySchema>;
  try {
    parsed = overlaySchema.parse(JSON.parse(content));
  } catch {
    throw refuse('is not an overlay go reads: expected {"Replace": {"file.go": "replacement.go"}}');
  }
  return Object.fromEntries(
    Object.entries(parsed.Replace ?? {}).map(([name, replacement]) => [path.resolve(cwd, name), replacement === '' ? '' : path.resolve(cwd, replacement)]),
  );
};

/** Where the user's own overlay comes from, if there is one: go.build.flags, else GOFLAGS. */
const userOverlay = async (target: GoTarget, goflags: string): Promise<Replace> => {
  const flag = lastOverlay(target.buildFlags) ?? lastOverlay(splitGoflags(goflags));
  return flag?.value ? userReplace(flag.value, flag.text, target.cwd) : {};
};

/** The main package as go names it with the user's flags. */
type MainPackage = { readonly importPath: string; readonly dir: string };

/**
 * The main package's import path and directory as go sees them with the user's flags (a
 * workspace or nested module's path is go's to say, not the directory's); undefined when go
 * cannot say, or when the package is no module's (GOPATH mode, or files named one by one as
 * command-line-arguments): nothing can import a package of gowatch's next to it, and the
 * listing that follows refuses such a package in go's words or gowatch's.
 */
const mainPackage = async (target: GoTarget, env: NodeJS.ProcessEnv): Promise<MainPackage | undefined> => {
  const listed = await runGo(['list', '-e', '-json=ImportPath,Dir,Module', ...target.buildFlags, target.pkg], target.cwd, env);
  if (listed.exitCode !== 0) return undefined;
  let found: { ImportPath?: string; Dir?: string; Module?: object };
  try {
    found = JSON.parse(listed.stdout) as typeof found;
  } catch {
    // No package, or more than one (a pattern): the listing says that is not one program.
    return undefined;
  }
  if (!found.Module || !found.ImportPath || !found.Dir || found.ImportPath === 'command-line-arguments') return undefined;
  return { importPath: found.ImportPath, dir: found.Dir };
};

/** The build flags that apply gowatch's overlay, and the files it adds (on no disk). */
export type Injection = { readonly buildFlags: readonly string[]; readonly added: readonly string[] };

/**
 * Writes gowatch's overlay into `dir/overlay/` (the target's cache) and returns the build flags
 * that apply it: the user's, with their -overlay merged into gowatch's.
 *
 * The server is a package of its own, in a directory next to main's files that only the overlay
 * holds, and main gets one file importing it: go's build cache keeps that package compiled, so
 * an edit of main compiles main alone, as it would without gowatch. The package's name holds a
 * hash of its source and the overlay file's name a hash of its content, so the build key (which
 * holds the flags) changes with either. When go cannot name the main package, the flags are
 * left as they are: the listing that follows says what is wrong.
 */
export const injectOverlay = async (target: GoTarget, dir: string, env: NodeJS.ProcessEnv): Promise<Injection> => {
  const [main, goflags] = await Promise.all([mainPackage(target, env), runGo(['env', 'GOFLAGS'], target.cwd, env)]);
  if (!main) return { buildFlags: target.buildFlags, added: [] };
  const server = profileServerSource();
  const name = `zz_gowatch_${shortHash(server)}`;
  const importer = serverImportSource(`${main.importPath}/${name}`);
  const overlayDir = path.join(dir, 'overlay');
  await ensurePrivateDir(overlayDir);
  const serverFile = path.join(overlayDir, `server-${name}.go`);
  const importerFile = path.join(overlayDir, `import-${shortHash(importer)}.go`);
  const added = { server: path.join(main.dir, name, 'server.go'), importer: path.join(main.dir, `${name}_profile.go`) };
  const replace = { ...(await userOverlay(target, goflags.stdout.trim())), [added.server]: serverFile, [added.importer]: importerFile };
  const overlay = `${JSON.stringify({ Replace: replace }, null, 2)}\n`;
  const overlayFile = path.join(overlayDir, `overlay-${shortHash(overlay)}.json`);
  const written = [serverFile, importerFile, overlayFile];
  // Files of another gowatch version or of another overlay serve no build any more.
  const stale = (await readdir(overlayDir)).filter((file) => !written.some((kept) => path.basename(kept) === file));
  await Promise.all(stale.map((file) => rm(path.join(overlayDir, file), { force: true, recursive: true })));
  await writeFile(serverFile, server, { mode: 0o600 });
  await writeFile(importerFile, importer, { mode: 0o600 });
  await writeFile(overlayFile, overlay, { mode: 0o600 });
  return { buildFlags: [...withoutFlag(target.buildFlags, 'overlay'), `-overlay=${overlayFile}`], added: [added.importer, added.server] };
};
