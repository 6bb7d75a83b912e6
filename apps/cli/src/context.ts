/** What a command gets from the dispatcher: where to print, and what stderr is. */
export interface CommandContext {
  /** One line of results on stdout. */
  print: (line: string) => void;
  /** One line on stderr (progress lines, warnings). */
  err: (line: string) => void;
  /** Whether stderr is a terminal: a progress bar there, plain progress lines otherwise. */
  isTTY: boolean;
  /** The terminal stream the progress bar draws on (when isTTY). */
  errStream?: NodeJS.WritableStream;
  /** Aborts a running fit (Ctrl-C); the command then fails and cleans up. */
  signal?: AbortSignal;
}
