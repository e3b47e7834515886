// Generated from crates/api/src/registry.rs by `npm run bindings`. Do not edit.

import type { AddEnvironmentRequest } from "./AddEnvironmentRequest";
import type { Analysis } from "./Analysis";
import type { AnalyzeExpressionRequest } from "./AnalyzeExpressionRequest";
import type { ApiError } from "./ApiError";
import type { AppInfo } from "./AppInfo";
import type { AutosaveKeyRequest } from "./AutosaveKeyRequest";
import type { AutosaveList } from "./AutosaveList";
import type { BeginSignInRequest } from "./BeginSignInRequest";
import type { ColumnChoices } from "./ColumnChoices";
import type { ConnectionOption } from "./ConnectionOption";
import type { ConnectionOptionsRequest } from "./ConnectionOptionsRequest";
import type { ContentGroup } from "./ContentGroup";
import type { CopyStepsRequest } from "./CopyStepsRequest";
import type { Diagnostic } from "./Diagnostic";
import type { DynamicContentRequest } from "./DynamicContentRequest";
import type { EditFlowRequest } from "./EditFlowRequest";
import type { EnvironmentChoicesRequest } from "./EnvironmentChoicesRequest";
import type { EnvironmentInfo } from "./EnvironmentInfo";
import type { EnvironmentList } from "./EnvironmentList";
import type { EnvironmentNameRequest } from "./EnvironmentNameRequest";
import type { EnvironmentRowsRequest } from "./EnvironmentRowsRequest";
import type { EnvironmentTables } from "./EnvironmentTables";
import type { EnvironmentTablesRequest } from "./EnvironmentTablesRequest";
import type { ExportFlowRequest } from "./ExportFlowRequest";
import type { FlowDocument } from "./FlowDocument";
import type { FlowFromText } from "./FlowFromText";
import type { FlowFromTextRequest } from "./FlowFromTextRequest";
import type { FunctionInfo } from "./FunctionInfo";
import type { GetRunRequest } from "./GetRunRequest";
import type { Matrix } from "./Matrix";
import type { NoArgs } from "./NoArgs";
import type { OpenFlowFileRequest } from "./OpenFlowFileRequest";
import type { PollRunRequest } from "./PollRunRequest";
import type { PreflightRequest } from "./PreflightRequest";
import type { RowChoice } from "./RowChoice";
import type { RunFlowRequest } from "./RunFlowRequest";
import type { RunHistoryRequest } from "./RunHistoryRequest";
import type { RunIdRequest } from "./RunIdRequest";
import type { RunProgress } from "./RunProgress";
import type { RunRecord } from "./RunRecord";
import type { RunStarted } from "./RunStarted";
import type { RunSummary } from "./RunSummary";
import type { SaveFlowRequest } from "./SaveFlowRequest";
import type { Settings } from "./Settings";
import type { SettingsPatch } from "./SettingsPatch";
import type { SignInIdRequest } from "./SignInIdRequest";
import type { SignInStarted } from "./SignInStarted";
import type { SignOutRequest } from "./SignOutRequest";
import type { SignedInResult } from "./SignedInResult";
import type { StepParameters } from "./StepParameters";
import type { StepParametersRequest } from "./StepParametersRequest";
import type { StepSettings } from "./StepSettings";
import type { StepSettingsRequest } from "./StepSettingsRequest";
import type { ValidateFlowRequest } from "./ValidateFlowRequest";
import type { WriteAutosaveRequest } from "./WriteAutosaveRequest";

/** Every backend command: its request and response types. */
export type Commands = {
  app_info: { request: NoArgs; response: AppInfo };
  sample_flow: { request: NoArgs; response: FlowDocument };
  open_flow_file: { request: OpenFlowFileRequest; response: FlowDocument };
  get_settings: { request: NoArgs; response: Settings };
  update_settings: { request: SettingsPatch; response: Settings };
  expression_catalogue: { request: NoArgs; response: Array<FunctionInfo> };
  analyze_expression: { request: AnalyzeExpressionRequest; response: Analysis };
  validate_flow: { request: ValidateFlowRequest; response: Array<Diagnostic> };
  current_environment: { request: NoArgs; response: EnvironmentInfo };
  run_flow: { request: RunFlowRequest; response: RunRecord };
  edit_flow: { request: EditFlowRequest; response: FlowDocument };
  connection_options: { request: ConnectionOptionsRequest; response: Array<ConnectionOption> };
  preflight_flow: { request: PreflightRequest; response: Matrix };
  save_flow: { request: SaveFlowRequest; response: string };
  run_history: { request: RunHistoryRequest; response: Array<RunSummary> };
  get_run: { request: GetRunRequest; response: RunRecord };
  list_environments: { request: NoArgs; response: EnvironmentList };
  add_environment: { request: AddEnvironmentRequest; response: EnvironmentList };
  use_environment: { request: EnvironmentNameRequest; response: EnvironmentList };
  remove_environment: { request: EnvironmentNameRequest; response: EnvironmentList };
  begin_sign_in: { request: BeginSignInRequest; response: SignInStarted };
  finish_sign_in: { request: SignInIdRequest; response: SignedInResult };
  cancel_sign_in: { request: SignInIdRequest; response: boolean };
  sign_out: { request: SignOutRequest; response: EnvironmentList };
  environment_tables: { request: EnvironmentTablesRequest; response: EnvironmentTables };
  environment_rows: { request: EnvironmentRowsRequest; response: Array<RowChoice> };
  start_run: { request: RunFlowRequest; response: RunStarted };
  poll_run: { request: PollRunRequest; response: RunProgress };
  cancel_run: { request: RunIdRequest; response: boolean };
  step_parameters: { request: StepParametersRequest; response: StepParameters };
  copy_steps: { request: CopyStepsRequest; response: string };
  dynamic_content: { request: DynamicContentRequest; response: Array<ContentGroup> };
  flow_from_text: { request: FlowFromTextRequest; response: FlowFromText };
  step_settings: { request: StepSettingsRequest; response: StepSettings };
  environment_choices: { request: EnvironmentChoicesRequest; response: Array<ColumnChoices> };
  new_flow: { request: NoArgs; response: FlowDocument };
  write_autosave: { request: WriteAutosaveRequest; response: Array<string> };
  list_autosaves: { request: NoArgs; response: AutosaveList };
  recover_autosave: { request: AutosaveKeyRequest; response: FlowDocument };
  discard_autosave: { request: AutosaveKeyRequest; response: boolean };
  export_flow: { request: ExportFlowRequest; response: string };
};

export type CommandName = keyof Commands;

export const COMMAND_NAMES: readonly CommandName[] = [
  "app_info",
  "sample_flow",
  "open_flow_file",
  "get_settings",
  "update_settings",
  "expression_catalogue",
  "analyze_expression",
  "validate_flow",
  "current_environment",
  "run_flow",
  "edit_flow",
  "connection_options",
  "preflight_flow",
  "save_flow",
  "run_history",
  "get_run",
  "list_environments",
  "add_environment",
  "use_environment",
  "remove_environment",
  "begin_sign_in",
  "finish_sign_in",
  "cancel_sign_in",
  "sign_out",
  "environment_tables",
  "environment_rows",
  "start_run",
  "poll_run",
  "cancel_run",
  "step_parameters",
  "copy_steps",
  "dynamic_content",
  "flow_from_text",
  "step_settings",
  "environment_choices",
  "new_flow",
  "write_autosave",
  "list_autosaves",
  "recover_autosave",
  "discard_autosave",
  "export_flow",
];

export type { ApiError };
