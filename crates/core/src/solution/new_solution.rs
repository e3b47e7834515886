//! A new solution around one flow, shaped like the real exports in flow-format.md §1
//! (create-folder-with-link-back-to-list.zip): the same files, order, elements and CRLF text.

use quick_xml::escape::escape;
use serde_json::json;

use super::connection_references::declare_references;
use super::content_types::{content_types_xml, CONTENT_TYPES_PATH};
use super::guid::normalize_guid;
use super::text_edit::with_line_endings;
use super::unpacked_layout::{ZIP_CUSTOMIZATIONS, ZIP_SOLUTION};
use super::{SolutionEntry, SolutionError, SolutionFlow};
use crate::{DocumentShape, Flow};

const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XML_HEAD: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
const ENGLISH: &str = "1033";

pub(crate) fn entries_for(flow: Flow, name: &str, workflow_id: &str, publisher_prefix: &str) -> Result<Vec<SolutionEntry>, SolutionError> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(SolutionError::Invalid { what: format!("the flow name {name:?} must be non-empty text on one line") });
    }
    let id = normalize_guid(workflow_id)
        .ok_or_else(|| SolutionError::Invalid { what: format!("the workflow id \"{workflow_id}\" is not a GUID") })?;
    check_prefix(publisher_prefix)?;
    let flow = solution_shaped(flow)?;
    let stem = file_stem(name);
    let flow_path = format!("Workflows/{stem}-{}.json", id.to_ascii_uppercase());
    let solution_flow = SolutionFlow::new(flow_path.clone(), id.clone(), name.to_owned(), flow);
    let customizations = crlf(&customizations_xml(name, &id, &flow_path));
    // Declaring the references is exporter rule E2; the same code adds them on every export.
    let customizations = declare_references(ZIP_CUSTOMIZATIONS, &customizations, std::slice::from_ref(&solution_flow))?
        .unwrap_or(customizations);
    let mut entries = vec![
        SolutionEntry::new(ZIP_CUSTOMIZATIONS.into(), customizations),
        SolutionEntry::new(ZIP_SOLUTION.into(), crlf(&solution_xml(name, &id, publisher_prefix))),
        SolutionEntry::new(flow_path, solution_flow.file_bytes(&[])),
    ];
    let content_types = content_types_xml(entries.iter().map(|e| e.path.as_str()));
    entries.push(SolutionEntry::new(CONTENT_TYPES_PATH.into(), content_types));
    Ok(entries)
}

fn check_prefix(prefix: &str) -> Result<(), SolutionError> {
    let valid = (2..=8).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_alphabetic())
        && prefix.chars().all(|c| c.is_ascii_alphanumeric())
        && !prefix.to_ascii_lowercase().starts_with("mscrm");
    if valid {
        Ok(())
    } else {
        Err(SolutionError::Invalid {
            what: format!(
                "the publisher prefix \"{prefix}\" must be 2 to 8 letters or digits, start with a letter and not start with \"mscrm\""
            ),
        })
    }
}

/// A solution's flow file holds `{properties: {connectionReferences, definition}, schemaVersion}`.
fn solution_shaped(flow: Flow) -> Result<Flow, SolutionError> {
    match flow.shape() {
        DocumentShape::Solution => Ok(flow),
        DocumentShape::Definition => {
            let wrapped = json!({
                "properties": { "connectionReferences": {}, "definition": flow.to_json(), "templateName": null },
                "schemaVersion": "1.0.0.0"
            });
            Flow::from_value(wrapped).map_err(|e| SolutionError::Invalid { what: format!("the definition cannot be wrapped: {e}") })
        }
        DocumentShape::ManagementApi => Err(SolutionError::Invalid {
            what: "the flow is in the flow-management API shape; its connection references must be converted to the solution shape first (flow-format.md E3)".into(),
        }),
    }
}

/// `Create folder with link back to list` → `Createfolderwithlinkbacktolist`, as exports name files.
fn file_stem(name: &str) -> String {
    let stem: String = name.chars().filter(char::is_ascii_alphanumeric).take(100).collect();
    if stem.is_empty() {
        "Flow".into()
    } else {
        stem
    }
}

/// Solution unique names start with a letter or underscore.
fn unique_name(name: &str) -> String {
    let stem = file_stem(name);
    if stem.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Flow{stem}")
    } else {
        stem
    }
}

fn crlf(text: &str) -> Vec<u8> {
    with_line_endings(text, "\r\n").into_bytes()
}

fn customizations_xml(name: &str, id: &str, flow_path: &str) -> String {
    let name = escape(name);
    let file = escape(flow_path);
    format!(
        r#"{XML_HEAD}<ImportExportXml xmlns:xsi="{XSI_NAMESPACE}">
  <Entities />
  <Roles />
  <Workflows>
    <Workflow WorkflowId="{{{id}}}" Name="{name}">
      <JsonFileName>/{file}</JsonFileName>
      <Type>1</Type>
      <Subprocess>0</Subprocess>
      <Category>5</Category>
      <Mode>0</Mode>
      <Scope>4</Scope>
      <OnDemand>0</OnDemand>
      <TriggerOnCreate>0</TriggerOnCreate>
      <TriggerOnDelete>0</TriggerOnDelete>
      <AsyncAutodelete>0</AsyncAutodelete>
      <SyncWorkflowLogOnFailure>0</SyncWorkflowLogOnFailure>
      <StateCode>1</StateCode>
      <StatusCode>2</StatusCode>
      <RunAs>1</RunAs>
      <IsTransacted>1</IsTransacted>
      <IntroducedVersion>1.0.0.0</IntroducedVersion>
      <IsCustomizable>1</IsCustomizable>
      <BusinessProcessType>0</BusinessProcessType>
      <IsCustomProcessingStepAllowedForOtherPublishers>1</IsCustomProcessingStepAllowedForOtherPublishers>
      <ModernFlowType>0</ModernFlowType>
      <PrimaryEntity>none</PrimaryEntity>
      <LocalizedNames>
        <LocalizedName languagecode="{ENGLISH}" description="{name}" />
      </LocalizedNames>
    </Workflow>
  </Workflows>
  <FieldSecurityProfiles />
  <Templates />
  <EntityMaps />
  <EntityRelationships />
  <OrganizationSettings />
  <optionsets />
  <CustomControls />
  <EntityDataProviders />
  <Languages>
    <Language>{ENGLISH}</Language>
  </Languages>
</ImportExportXml>"#
    )
}

/// `version`/`SolutionPackageVersion` are those `pac solution init` writes: importable into
/// every current environment.
fn solution_xml(name: &str, id: &str, prefix: &str) -> String {
    let unique = unique_name(name);
    let name = escape(name);
    let publisher = format!("{prefix}publisher");
    let option_value_prefix = option_value_prefix(prefix);
    let addresses: String = (1..=2).map(address).collect();
    format!(
        r#"{XML_HEAD}<ImportExportXml version="9.1.0.643" SolutionPackageVersion="9.1" languagecode="{ENGLISH}" generatedBy="CrmLive" xmlns:xsi="{XSI_NAMESPACE}">
  <SolutionManifest>
    <UniqueName>{unique}</UniqueName>
    <LocalizedNames>
      <LocalizedName description="{name}" languagecode="{ENGLISH}" />
    </LocalizedNames>
    <Descriptions />
    <Version>1.0.0.0</Version>
    <Managed>0</Managed>
    <Publisher>
      <UniqueName>{publisher}</UniqueName>
      <LocalizedNames>
        <LocalizedName description="{publisher}" languagecode="{ENGLISH}" />
      </LocalizedNames>
      <Descriptions />
      <EMailAddress xsi:nil="true"></EMailAddress>
      <SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl>
      <CustomizationPrefix>{prefix}</CustomizationPrefix>
      <CustomizationOptionValuePrefix>{option_value_prefix}</CustomizationOptionValuePrefix>
      <Addresses>
{addresses}      </Addresses>
    </Publisher>
    <RootComponents>
      <RootComponent type="29" id="{{{id}}}" behavior="0" />
    </RootComponents>
    <MissingDependencies />
  </SolutionManifest>
</ImportExportXml>"#
    )
}

/// The empty publisher address real exports carry twice.
fn address(number: u8) -> String {
    const NIL_FIELDS: [&str; 24] = [
        "City", "County", "Country", "Fax", "FreightTermsCode", "ImportSequenceNumber", "Latitude", "Line1", "Line2", "Line3",
        "Longitude", "Name", "PostalCode", "PostOfficeBox", "PrimaryContactName", "ShippingMethodCode", "StateOrProvince",
        "Telephone1", "Telephone2", "Telephone3", "TimeZoneRuleVersionNumber", "UPSZone", "UTCOffset", "UTCConversionTimeZoneCode",
    ];
    let mut out = format!(
        "        <Address>\n          <AddressNumber>{number}</AddressNumber>\n          <AddressTypeCode>1</AddressTypeCode>\n"
    );
    for field in NIL_FIELDS {
        if field == "ShippingMethodCode" {
            out.push_str("          <ShippingMethodCode>1</ShippingMethodCode>\n");
        } else {
            out.push_str(&format!("          <{field} xsi:nil=\"true\"></{field}>\n"));
        }
    }
    out.push_str("        </Address>\n");
    out
}

/// Option-set values of the publisher start with 5 digits (10000–99999); derive them from the
/// prefix so the same prefix always gets the same value.
fn option_value_prefix(prefix: &str) -> u32 {
    let hash = prefix.to_ascii_lowercase().bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    10_000 + hash % 90_000
}
