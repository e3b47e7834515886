//! The two layouts of one solution (flow-format.md §1.4). Unpacking (zip → folder) moves
//! `solution.xml` and `customizations.xml` into `Other/` and each `<Workflow>` element out of
//! customizations.xml into `Workflows/<file>.data.xml`; packing reverses it and regenerates
//! `[Content_Types].xml`. Elements move as text, so nothing in them is re-serialised.

use super::content_types::{content_types_xml, CONTENT_TYPES_PATH};
use super::customizations::{check_root, workflow_file_path};
use super::entry_path::check_entry_path;
use super::text_edit::{dedent, indent, indent_before, line_ending_of, with_line_endings, TextEdits};
use super::xml_tree::{XmlDocument, XmlElement};
use super::{SolutionEntry, SolutionError};

pub(crate) const ZIP_SOLUTION: &str = "solution.xml";
pub(crate) const ZIP_CUSTOMIZATIONS: &str = "customizations.xml";
pub(crate) const FOLDER_SOLUTION: &str = "Other/Solution.xml";
pub(crate) const FOLDER_CUSTOMIZATIONS: &str = "Other/Customizations.xml";
pub(crate) const DATA_XML_SUFFIX: &str = ".data.xml";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
const XSI: &str = "xmlns:xsi";

/// Zip layout → folder layout.
pub(crate) fn unpack(entries: Vec<SolutionEntry>) -> Result<Vec<SolutionEntry>, SolutionError> {
    let customizations = find(&entries, ZIP_CUSTOMIZATIONS)?;
    let doc = XmlDocument::parse(&customizations.path, &customizations.bytes)?;
    check_root(&doc)?;
    let eol = match line_ending_of(doc.text) {
        "" => "\r\n",
        eol => eol,
    };
    let namespace = doc.root.attribute(XSI);
    let mut data_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut edits = TextEdits::default();
    if let Some(workflows) = doc.root.child("Workflows") {
        let movable: Vec<&XmlElement> =
            workflows.children_named("Workflow").filter(|w| workflow_file_path(w).is_some()).collect();
        for workflow in &movable {
            let data_path = format!("{}{DATA_XML_SUFFIX}", workflow_file_path(workflow).unwrap_or_default());
            check_entry_path(&data_path)?;
            let column = indent_before(doc.text, workflow.span.start).map_or(0, str::len);
            let element = with_namespace(&doc, workflow, namespace);
            let mut text = String::new();
            if doc.has_bom() {
                text.push('\u{feff}');
            }
            text.push_str(XML_DECLARATION);
            text.push_str(eol);
            text.push_str(&with_line_endings(&dedent(&element, column), eol));
            data_files.push((data_path, text.into_bytes()));
        }
        if movable.len() == workflows.children.len() {
            if !movable.is_empty() {
                edits.replace(workflows.span.clone(), "<Workflows />");
            }
        } else {
            // Workflows without a file of their own stay; take out the others with their indent.
            for workflow in movable {
                let line_start = workflow.span.start - indent_before(doc.text, workflow.span.start).map_or(0, str::len);
                let from = doc.text[..line_start].strip_suffix(eol).map_or(workflow.span.start, |t| t.len());
                edits.replace(from..workflow.span.end, "");
            }
        }
    }
    let new_customizations = edits.apply(doc.text).into_bytes();
    let mut out = Vec::with_capacity(entries.len() + data_files.len());
    for entry in entries {
        match entry.path.as_str() {
            CONTENT_TYPES_PATH => {}
            ZIP_SOLUTION => out.push(entry.renamed(FOLDER_SOLUTION)),
            ZIP_CUSTOMIZATIONS => out.push(entry.renamed(FOLDER_CUSTOMIZATIONS).with_bytes(new_customizations.clone())),
            _ => {
                let matching = data_files.iter().position(|(data, _)| data.strip_suffix(DATA_XML_SUFFIX) == Some(entry.path.as_str()));
                out.push(entry);
                if let Some(i) = matching {
                    let (path, bytes) = data_files.remove(i);
                    out.push(SolutionEntry::new(path, bytes));
                }
            }
        }
    }
    // `.data.xml` of a Workflow whose definition file is not in the package: keep it anyway.
    out.extend(data_files.into_iter().map(|(path, bytes)| SolutionEntry::new(path, bytes)));
    Ok(out)
}

/// Folder layout → zip layout.
pub(crate) fn pack(entries: Vec<SolutionEntry>) -> Result<Vec<SolutionEntry>, SolutionError> {
    let customizations = find(&entries, FOLDER_CUSTOMIZATIONS)?;
    find(&entries, FOLDER_SOLUTION)?;
    let doc = XmlDocument::parse(&customizations.path, &customizations.bytes)?;
    check_root(&doc)?;
    let eol = line_ending_of(doc.text);
    let namespace = doc.root.attribute(XSI);
    let data_entries: Vec<&SolutionEntry> = entries.iter().filter(|e| is_workflow_data(&e.path)).collect();
    let mut elements = Vec::new();
    let mut definition_files = Vec::new();
    for data in &data_entries {
        let data_doc = XmlDocument::parse(&data.path, &data.bytes)?;
        if data_doc.root.name != "Workflow" {
            return Err(data_doc.error_at(data_doc.root.span.start, format!("the root element is <{}>; expected <Workflow>", data_doc.root.name)));
        }
        let file = workflow_file_path(&data_doc.root).ok_or_else(|| {
            data_doc.error_at(data_doc.root.span.start, "<Workflow> has no <JsonFileName> or <XamlFileName>")
        })?;
        check_entry_path(&file)?;
        elements.push(without_namespace(&data_doc, namespace));
        definition_files.push(file);
    }
    let new_customizations = if elements.is_empty() {
        doc.text.to_owned()
    } else {
        let workflows = doc.root.child("Workflows").ok_or_else(|| {
            doc.error_at(doc.root.span.start, format!("there is no <Workflows> element to put {} back into", data_entries[0].path))
        })?;
        let outer = indent_before(doc.text, workflows.span.start).unwrap_or("");
        let child_indent = match workflows.children.first() {
            Some(first) => indent_before(doc.text, first.span.start).unwrap_or("").to_owned(),
            None => format!("{outer}{}", unit_of(&doc)),
        };
        let mut block = String::new();
        for element in &elements {
            block.push_str(eol);
            block.push_str(&child_indent);
            block.push_str(&with_line_endings(&indent(element, &child_indent), eol));
        }
        let mut edits = TextEdits::default();
        match workflows.children.last() {
            Some(last) => edits.insert(last.span.end, block),
            None => edits.replace(workflows.span.clone(), format!("<Workflows>{block}{eol}{outer}</Workflows>")),
        }
        edits.apply(doc.text)
    };
    check_definitions_present(&entries, &doc, &definition_files)?;

    let mut solution = None;
    let mut definitions: Vec<Option<SolutionEntry>> = definition_files.iter().map(|_| None).collect();
    let mut rest = Vec::new();
    for entry in entries {
        if entry.path == FOLDER_SOLUTION {
            solution = Some(entry.renamed(ZIP_SOLUTION));
        } else if let Some(i) = definition_files.iter().position(|f| *f == entry.path) {
            definitions[i] = Some(entry);
        } else if entry.path != FOLDER_CUSTOMIZATIONS && entry.path != CONTENT_TYPES_PATH && !is_workflow_data(&entry.path) {
            rest.push(entry);
        }
    }
    // Real exports: customizations.xml, solution.xml, the flows, the rest, [Content_Types].xml.
    let mut out = vec![SolutionEntry::new(ZIP_CUSTOMIZATIONS.into(), new_customizations.into_bytes())];
    out.extend(solution);
    out.extend(definitions.into_iter().flatten());
    out.extend(rest);
    let content_types = content_types_xml(out.iter().map(|e| e.path.as_str()));
    out.push(SolutionEntry::new(CONTENT_TYPES_PATH.into(), content_types));
    Ok(out)
}

/// `Workflows/X.json.data.xml`, the shape SolutionPackager gives a moved `<Workflow>`.
pub(crate) fn is_workflow_data(path: &str) -> bool {
    path.starts_with("Workflows/") && path.ends_with(DATA_XML_SUFFIX)
}

/// A flow file with no `<Workflow>` element anywhere would be dropped by the import: refuse.
fn check_definitions_present(entries: &[SolutionEntry], doc: &XmlDocument, moved_back: &[String]) -> Result<(), SolutionError> {
    let declared: Vec<String> = doc
        .root
        .child("Workflows")
        .map(|w| w.children_named("Workflow").filter_map(workflow_file_path).collect())
        .unwrap_or_default();
    for entry in entries {
        let is_flow = entry.path.starts_with("Workflows/") && entry.path.ends_with(".json");
        let known = |files: &[String]| files.iter().any(|f| f.eq_ignore_ascii_case(&entry.path));
        if is_flow && !known(moved_back) && !known(&declared) {
            return Err(SolutionError::Missing {
                what: format!("{}{DATA_XML_SUFFIX}", entry.path),
                hint: format!(" (the <Workflow> entry that makes {} part of the solution)", entry.path),
            });
        }
    }
    Ok(())
}

fn find<'e>(entries: &'e [SolutionEntry], path: &str) -> Result<&'e SolutionEntry, SolutionError> {
    entries.iter().find(|e| e.path == path).ok_or_else(|| SolutionError::missing(path))
}

/// One level of indentation: what the root's first child is indented by.
fn unit_of<'t>(doc: &XmlDocument<'t>) -> &'t str {
    doc.root.children.first().and_then(|c| indent_before(doc.text, c.span.start)).unwrap_or("")
}

/// The element's text with the root's `xmlns:xsi` declared on it, so the file stands alone.
fn with_namespace(doc: &XmlDocument, element: &XmlElement, namespace: Option<&str>) -> String {
    let text = doc.slice(element.span.clone());
    let Some(namespace) = namespace.filter(|_| element.attribute(XSI).is_none()) else { return text.to_owned() };
    let tag_len = element.start_tag.len();
    let close = if text[..tag_len].ends_with("/>") { tag_len - 2 } else { tag_len - 1 };
    let at = text[..close].trim_end().len();
    let declaration = format!(" {XSI}=\"{}\"", quick_xml::escape::escape(namespace));
    format!("{}{declaration}{}", &text[..at], &text[at..])
}

/// The `.data.xml` root element's text without the `xmlns:xsi` that [`with_namespace`] added.
fn without_namespace(data: &XmlDocument, namespace: Option<&str>) -> String {
    let root = &data.root;
    let text = data.slice(root.span.clone());
    if namespace.is_none() || root.attribute(XSI) != namespace {
        return text.to_owned();
    }
    let tag = &text[..root.start_tag.len()];
    match attribute_span(tag, XSI) {
        Some(span) => format!("{}{}", &text[..span.start], &text[span.end..]),
        None => text.to_owned(),
    }
}

/// The range of ` name="value"` (leading whitespace included) in a well-formed start tag.
fn attribute_span(tag: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let bytes = tag.as_bytes();
    let mut i = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    loop {
        let space_start = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        if key_start == i {
            return None;
        }
        let key = &tag[key_start..i];
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'=') {
            i += 1;
        }
        let quote = *bytes.get(i)?;
        let close = tag[i + 1..].find(quote as char)? + i + 1;
        i = close + 1;
        if key == name {
            return Some(space_start..i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_spans_skip_values_that_look_like_attributes() {
        let tag = r#"<Workflow Name="a xmlns:xsi='x'" xmlns:xsi="http://x">"#;
        let span = attribute_span(tag, XSI).unwrap();
        assert_eq!(&tag[span], r#" xmlns:xsi="http://x""#);
        assert_eq!(attribute_span("<W a='1'/>", XSI), None);
    }
}
