/** With --verbose, a save that left the build as it runs: "main.go saved with no change to the build: no rebuild (unchanged)". */
export const unchangedLine = (files: string): string => `${files} saved with no change to the build: no rebuild (unchanged)`;
