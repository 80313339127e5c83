/**
 * The flags every headless Chromium of this project starts with — the dossier PDF renderer, the
 * browser tests and the Lighthouse bench: no sandbox (containers run it as root), no GPU, nothing
 * phoning home (updates, sync, QUIC probes), no first-run screens.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
