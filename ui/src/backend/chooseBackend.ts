import type { Backend } from "./Backend";
import { HttpBackend, takeSessionSecret } from "./HttpBackend";
import { TauriBackend } from "./TauriBackend";

/** Inside the desktop window Tauri injects its IPC; anywhere else we are in browser mode. */
export function chooseBackend(win: Window = window): Backend {
  if ("__TAURI_INTERNALS__" in win) return new TauriBackend();
  return new HttpBackend(takeSessionSecret(win.location, win.sessionStorage, win.history));
}
