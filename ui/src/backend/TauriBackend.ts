import { invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { CommandName } from "../bindings/commands";
import { type Backend, type Request, type Response, toBackendError } from "./Backend";

/** The desktop window: every command goes through the shell's single `call` IPC command. */
export class TauriBackend implements Backend {
  readonly kind = "desktop" as const;

  async call<N extends CommandName>(name: N, request: Request<N>): Promise<Response<N>> {
    try {
      return await invoke<Response<N>>("call", { command: name, request });
    } catch (error) {
      throw toBackendError(error);
    }
  }

  async pickFlowPath(): Promise<string | null> {
    const picked = await open({
      title: "Open a flow or a solution",
      multiple: false,
      directory: false,
      filters: [{ name: "Flows and solutions", extensions: ["json", "zip"] }],
    });
    return typeof picked === "string" ? picked : null;
  }

  async pickSavePath(suggested: string): Promise<string | null> {
    const picked = await save({ title: "Save the flow", defaultPath: suggested, filters: [{ name: "Flow JSON", extensions: ["json"] }] });
    return picked ?? null;
  }
}
