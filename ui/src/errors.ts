import type { ErrorCode } from "./bindings/ErrorCode";
import type { BackendError } from "./backend/Backend";

/** Words for each stable error code; the backend's message follows as the detail. */
const HEADLINES: Record<ErrorCode, string> = {
  unknown_command: "This version of Flowbench does not know that command.",
  invalid_arguments: "The request was not understood.",
  unauthorized: "This page is not connected to a Flowbench server.",
  forbidden_origin: "The Flowbench server refused this page.",
  io: "A file could not be read or written.",
  flow_parse: "That file is not a flow Flowbench can read.",
  solution: "That solution package cannot be opened.",
  settings: "Your settings could not be loaded or saved.",
  environment: "The environment is not available.",
  edit_refused: "That change cannot be made.",
  export_refused: "This flow cannot be saved in a form Power Automate accepts.",
  not_signed_in: "Nobody is signed in for that.",
  sign_in_expired: "The sign-in has expired or was revoked: sign in again.",
  sign_in_cancelled: "The sign-in did not finish.",
  sign_in_refused: "The identity provider refused the sign-in.",
  credential_store: "The system's credential store is not available, so Flowbench cannot keep a sign-in.",
  network: "The identity provider or the environment could not be reached.",
  internal: "Something went wrong inside Flowbench.",
};

export function describeError(error: BackendError): { headline: string; detail: string } {
  return { headline: HEADLINES[error.code], detail: error.message };
}
