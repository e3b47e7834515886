import type { ApiError, CommandName, Commands } from "../bindings/commands";
import type { ErrorCode } from "../bindings/ErrorCode";

export type Request<N extends CommandName> = Commands[N]["request"];
export type Response<N extends CommandName> = Commands[N]["response"];

/** The one seam between the UI and the Rust commands: Tauri IPC or HTTP. */
export interface Backend {
  readonly kind: "desktop" | "browser";
  call<N extends CommandName>(name: N, request: Request<N>): Promise<Response<N>>;
  /** Asks the user for a flow file, solution .zip or folder; null when they cancel. */
  pickFlowPath(): Promise<string | null>;
  /** Asks where to save a flow file; null when they cancel. */
  pickSavePath(suggested: string): Promise<string | null>;
}

/** A command's failure, carrying the backend's stable code. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  constructor(error: ApiError) {
    super(error.message);
    this.name = "BackendError";
    this.code = error.code;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

/** Any thrown value as a BackendError, so the UI always has a code to map. */
export function toBackendError(value: unknown): BackendError {
  if (value instanceof BackendError) return value;
  if (isApiError(value)) return new BackendError(value);
  const message = value instanceof Error ? value.message : String(value);
  return new BackendError({ code: "internal", message });
}
