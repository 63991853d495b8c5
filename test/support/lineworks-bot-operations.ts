// Which operations of specs/lineworks.yaml belong to the Bot API: its paths under /bots and the storage path its
// attachment uploads go to. The bot contract suite covers these; the contacts suite the rest.
export function isBotOperation(path: string): boolean {
  return path.startsWith("/bots") || path.startsWith("/k/emsg/");
}
