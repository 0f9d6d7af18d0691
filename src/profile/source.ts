/**
 * Where a running program's profiles are fetched from: the Unix socket of the server gowatch
 * injects (go.run.profile "inject"), or the program's own net/http/pprof (a URL ending in "/").
 */
export type ProfileSource = { readonly kind: 'socket'; readonly socketPath: string } | { readonly kind: 'url'; readonly baseUrl: string };
