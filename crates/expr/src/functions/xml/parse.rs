//! XML text → `Document`, read as `XmlDocument.LoadXml` reads it: whitespace-only text is
//! dropped outside `xml:space="preserve"`, line ends become `\n`, and ill-formed text fails
//! with .NET's messages. The document type is kept as text but never processed: no entity is
//! declared or expanded and nothing external is read, so only the five predefined entities and
//! character references can be used.

use super::dom::{is_xml_whitespace, Declaration, DocType, Document, Element, Name, Node, XML_NAMESPACE};
use super::names::{is_name_char, is_name_start_char, is_xml_char};
use super::namespaces::{Scope, Undeclared};
use super::{MAX_DEPTH, MAX_TEXT_BYTES};

pub(super) fn parse_document(text: &str) -> Result<Document, String> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!("The XML text is larger than the {} MiB this runtime reads.", MAX_TEXT_BYTES >> 20));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    Parser { text, pos: 0, open: Vec::new(), scope: Scope::new(), top: Vec::new(), pending_text: String::new(), root_seen: false }
        .document()
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    /// Elements whose end tag is still to come, outermost first.
    open: Vec<OpenElement>,
    scope: Scope,
    /// The document's own children.
    top: Vec<Node>,
    /// Character data and references read since the last markup.
    pending_text: String,
    root_seen: bool,
}

struct OpenElement {
    element: Element,
    start: usize,
    preserve_space: bool,
}

type Parsed<T> = Result<T, String>;

impl<'t> Parser<'t> {
    fn document(mut self) -> Parsed<Document> {
        while let Some(c) = self.peek() {
            match c {
                '<' => {
                    self.flush_text();
                    self.markup()?;
                }
                '&' => {
                    let start = self.pos;
                    let text = self.reference()?;
                    self.add_text(start, &text)?;
                }
                _ => self.char_data()?,
            }
        }
        self.flush_text();
        if !self.open.is_empty() {
            let names: Vec<String> = self.open.iter().rev().map(|o| o.element.name.qualified()).collect();
            return self.fail(
                self.text.len(),
                format!("Unexpected end of file has occurred. The following elements are not closed: {}.", names.join(", ")),
            );
        }
        if !self.root_seen {
            return Err("Root element is missing.".into());
        }
        Ok(Document { children: self.top })
    }

    // --- positions and errors

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn starts_with(&self, prefix: &str) -> bool {
        self.rest().starts_with(prefix)
    }

    fn fail<T>(&self, at: usize, message: impl std::fmt::Display) -> Parsed<T> {
        Err(self.located(at, message))
    }

    fn located(&self, at: usize, message: impl std::fmt::Display) -> String {
        let (line, column) = line_and_column(self.text, at);
        format!("{message} Line {line}, position {column}.")
    }

    fn unexpected_end<T>(&self, what: &str) -> Parsed<T> {
        self.fail(self.text.len(), format!("Unexpected end of file while parsing {what} has occurred."))
    }

    fn expect(&mut self, token: &str) -> Parsed<()> {
        if self.starts_with(token) {
            self.pos += token.len();
            return Ok(());
        }
        match self.peek() {
            Some(c) => self.fail(self.pos, format!("'{c}' is an unexpected token. The expected token is '{token}'.")),
            None => self.unexpected_end("the document"),
        }
    }

    fn skip_whitespace(&mut self) -> bool {
        let skipped = self.rest().len() - self.rest().trim_start_matches(is_xml_whitespace).len();
        self.pos += skipped;
        skipped > 0
    }

    fn require_whitespace(&mut self) -> Parsed<()> {
        if self.skip_whitespace() {
            return Ok(());
        }
        match self.peek() {
            Some(c) => self.fail(self.pos, format!("'{c}' is an unexpected token. Expecting white space.")),
            None => self.unexpected_end("the document"),
        }
    }

    /// The first character of `body` (at `offset`) that XML does not allow, as an error.
    fn check_chars(&self, offset: usize, body: &str) -> Parsed<()> {
        match body.char_indices().find(|(_, c)| !is_xml_char(*c)) {
            Some((i, c)) => self.fail(offset + i, invalid_char(c)),
            None => Ok(()),
        }
    }

    // --- text

    fn char_data(&mut self) -> Parsed<()> {
        let start = self.pos;
        let run_len = self.rest().find(['<', '&']).unwrap_or(self.rest().len());
        let run = &self.text[start..start + run_len];
        self.check_chars(start, run)?;
        if let Some(at) = run.find("]]>") {
            return self.fail(start + at, "']]>' is not allowed in character data.");
        }
        self.pos += run_len;
        self.add_text(start, &normalize_line_ends(run))
    }

    fn add_text(&mut self, start: usize, text: &str) -> Parsed<()> {
        if self.open.is_empty() {
            if !text.chars().all(is_xml_whitespace) {
                return self.fail(start, "Data at the root level is invalid.");
            }
            return Ok(());
        }
        self.pending_text.push_str(text);
        Ok(())
    }

    /// Ends the current run of text: whitespace-only runs are dropped unless `xml:space`
    /// preserves them, as `XmlDocument` does without `PreserveWhitespace`.
    fn flush_text(&mut self) {
        if self.pending_text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending_text);
        let preserve = self.open.last().is_some_and(|o| o.preserve_space);
        if !text.chars().all(is_xml_whitespace) {
            self.append(Node::Text(text));
        } else if preserve {
            self.append(Node::SignificantWhitespace(text));
        }
    }

    /// `&name;` or `&#…;` at the current position, as the text it stands for.
    fn reference(&mut self) -> Parsed<String> {
        let start = self.pos;
        self.pos += 1;
        if self.starts_with("#") {
            self.pos += 1;
            let hex = self.starts_with("x");
            if hex {
                self.pos += 1;
            }
            let digits_len = self.rest().find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(self.rest().len());
            let digits = &self.text[self.pos..self.pos + digits_len];
            let code = if hex { u32::from_str_radix(digits, 16) } else { digits.parse::<u32>() };
            self.pos += digits_len;
            let (Ok(code), true) = (code, self.starts_with(";")) else {
                return self.fail(start, "Invalid syntax for a character reference.");
            };
            self.pos += 1;
            return match char::from_u32(code).filter(|c| is_xml_char(*c)) {
                Some(c) => Ok(c.to_string()),
                None => self.fail(start, format!("Character reference '&#x{code:X};' is an invalid character.")),
            };
        }
        let name = self.name_text()?;
        self.expect(";")?;
        Ok(match name {
            "lt" => "<",
            "gt" => ">",
            "amp" => "&",
            "apos" => "'",
            "quot" => "\"",
            // Entities of a document type are not processed: see the module comment.
            _ => return self.fail(start + 1, format!("Reference to undeclared entity '{name}'.")),
        }
        .to_string())
    }

    // --- markup

    fn markup(&mut self) -> Parsed<()> {
        let start = self.pos;
        if self.starts_with("<!--") {
            let comment = self.comment()?;
            self.append(Node::Comment(comment));
        } else if self.starts_with("<![CDATA[") {
            if self.open.is_empty() {
                return self.fail(start, "Data at the root level is invalid.");
            }
            self.cdata()?;
        } else if self.starts_with("<!DOCTYPE") {
            self.doctype()?;
        } else if self.starts_with("<?") {
            self.processing_instruction()?;
        } else if self.starts_with("</") {
            self.end_tag()?;
        } else if self.starts_with("<!") {
            return self.fail(start + 1, "'!' is an unexpected token. The expected token is a name, '--' or '[CDATA['.");
        } else if self.rest() == "<" && self.open.is_empty() {
            return self.fail(start, "Data at the root level is invalid.");
        } else {
            self.start_tag()?;
        }
        Ok(())
    }

    fn append(&mut self, node: Node) {
        match self.open.last_mut() {
            Some(open) => open.element.children.push(node),
            None => self.top.push(node),
        }
    }

    /// `<!--…-->`, whose text may not contain `--` nor end with `-`.
    fn comment(&mut self) -> Parsed<String> {
        let body_start = self.pos + 4;
        let Some(dashes) = self.text[body_start..].find("--") else {
            return self.unexpected_end("Comment");
        };
        let end = body_start + dashes;
        if !self.text[end + 2..].starts_with('>') {
            return self.fail(end, "An XML comment cannot contain '--', and '-' cannot be the last character.");
        }
        let body = &self.text[body_start..end];
        self.check_chars(body_start, body)?;
        self.pos = end + 3;
        Ok(normalize_line_ends(body))
    }

    fn cdata(&mut self) -> Parsed<()> {
        let body_start = self.pos + "<![CDATA[".len();
        let Some(len) = self.text[body_start..].find("]]>") else {
            return self.unexpected_end("CDATA");
        };
        let body = &self.text[body_start..body_start + len];
        self.check_chars(body_start, body)?;
        self.pos = body_start + len + 3;
        self.append(Node::CData(normalize_line_ends(body)));
        Ok(())
    }

    fn processing_instruction(&mut self) -> Parsed<()> {
        let start = self.pos;
        self.pos += 2;
        let target = self.name_text()?;
        if target.contains(':') {
            return self.fail(start + 2, "The ':' character, hexadecimal value 0x3A, cannot be included in a name.");
        }
        if target == "xml" {
            if start != 0 {
                return self.fail(
                    start,
                    "Unexpected XML declaration. The XML declaration must be the first node in the document, and no white space characters are allowed to appear before it.",
                );
            }
            return self.declaration();
        }
        if target.eq_ignore_ascii_case("xml") {
            return self.fail(start + 2, format!("'{target}' is an invalid name for processing instructions."));
        }
        let data = if self.starts_with("?>") {
            String::new()
        } else {
            self.require_whitespace()?;
            let data_start = self.pos;
            let Some(len) = self.rest().find("?>") else {
                return self.unexpected_end("processing instruction");
            };
            let data = &self.text[data_start..data_start + len];
            self.check_chars(data_start, data)?;
            self.pos = data_start + len;
            normalize_line_ends(data)
        };
        self.pos += 2;
        let node = Node::ProcessingInstruction { target: target.to_string(), data };
        self.append(node);
        Ok(())
    }

    /// `<?xml version="1.0" encoding="…" standalone="yes|no"?>`, in that order; only version
    /// 1.0 is accepted, as by .NET.
    fn declaration(&mut self) -> Parsed<()> {
        let syntax_error = "Syntax for an XML declaration is invalid.";
        let mut pseudo_attributes = Vec::new();
        loop {
            let had_space = self.skip_whitespace();
            if self.starts_with("?>") {
                self.pos += 2;
                break;
            }
            if !had_space {
                return self.fail(self.pos, syntax_error);
            }
            let at = self.pos;
            let name_len = self.rest().find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(self.rest().len());
            let name = &self.text[at..at + name_len];
            self.pos += name_len;
            self.skip_whitespace();
            self.expect("=")?;
            self.skip_whitespace();
            let value = self.quoted_literal()?;
            pseudo_attributes.push((name, value, at));
        }
        let mut attributes = pseudo_attributes.into_iter().peekable();
        let version = match attributes.next() {
            Some(("version", value, _)) if value == "1.0" => value,
            Some(("version", value, at)) => return self.fail(at, format!("Version number '{value}' is invalid.")),
            Some((name, _, at)) => return self.fail(at, format!("'{name}' is an unexpected token. The expected token is 'version'.")),
            None => return self.fail(0, "Version number is required."),
        };
        let encoding = match attributes.next_if(|(name, _, _)| *name == "encoding") {
            Some((_, value, at)) if !is_encoding_name(&value) => return self.fail(at, format!("'{value}' is an invalid encoding name.")),
            found => found.map(|(_, value, _)| value),
        };
        let standalone = match attributes.next_if(|(name, _, _)| *name == "standalone") {
            Some((_, value, at)) if value != "yes" && value != "no" => return self.fail(at, syntax_error),
            found => found.map(|(_, value, _)| value),
        };
        if let Some((_, _, at)) = attributes.next() {
            return self.fail(at, syntax_error);
        }
        self.top.push(Node::Declaration(Declaration { version, encoding, standalone }));
        Ok(())
    }

    fn quoted_literal(&mut self) -> Parsed<String> {
        let Some(quote @ ('"' | '\'')) = self.peek() else {
            return match self.peek() {
                Some(c) => self.fail(self.pos, format!("'{c}' is an unexpected token. The expected token is '\"' or '''.")),
                None => self.unexpected_end("the document"),
            };
        };
        let start = self.pos + 1;
        let Some(len) = self.text[start..].find(quote) else {
            return self.unexpected_end("a quoted value");
        };
        let value = &self.text[start..start + len];
        self.check_chars(start, value)?;
        self.pos = start + len + 1;
        Ok(value.to_string())
    }

    /// `<!DOCTYPE name (SYSTEM "…" | PUBLIC "…" "…")? [internal subset]?>`: kept as written,
    /// never processed.
    fn doctype(&mut self) -> Parsed<()> {
        let start = self.pos;
        let already = self.top.iter().any(|n| matches!(n, Node::DocType(_)));
        if !self.open.is_empty() || self.root_seen || already {
            return self.fail(start, "Unexpected DTD declaration.");
        }
        self.pos += "<!DOCTYPE".len();
        self.require_whitespace()?;
        let name = self.name_text()?.to_string();
        let had_space = self.skip_whitespace();
        let (mut public_id, mut system_id) = (None, None);
        if had_space && self.starts_with("SYSTEM") {
            self.pos += 6;
            self.require_whitespace()?;
            system_id = Some(self.quoted_literal()?);
        } else if had_space && self.starts_with("PUBLIC") {
            self.pos += 6;
            self.require_whitespace()?;
            public_id = Some(self.quoted_literal()?);
            self.require_whitespace()?;
            system_id = Some(self.quoted_literal()?);
        }
        self.skip_whitespace();
        let mut internal_subset = String::new();
        if self.starts_with("[") {
            self.pos += 1;
            let subset_start = self.pos;
            self.skip_internal_subset()?;
            internal_subset = normalize_lone_carriage_returns(&self.text[subset_start..self.pos]);
            self.pos += 1;
            self.skip_whitespace();
        }
        self.expect(">")?;
        let doctype = DocType { name, public_id, system_id, internal_subset: Some(internal_subset) };
        self.top.push(Node::DocType(doctype));
        Ok(())
    }

    /// Moves to the `]` that ends the internal subset, stepping over declarations (and the
    /// quoted literals in them), comments, processing instructions and parameter entity
    /// references.
    fn skip_internal_subset(&mut self) -> Parsed<()> {
        loop {
            self.skip_whitespace();
            let at = self.pos;
            match self.peek() {
                None => return self.unexpected_end("DTD"),
                Some(']') => return Ok(()),
                Some('%') => {
                    self.pos += 1;
                    self.name_text()?;
                    self.expect(";")?;
                }
                Some('<') if self.starts_with("<!--") => {
                    self.comment()?;
                }
                Some('<') if self.starts_with("<?") => match self.rest().find("?>") {
                    Some(len) => self.pos += len + 2,
                    None => return self.unexpected_end("DTD"),
                },
                Some('<') if self.starts_with("<!") => self.skip_markup_declaration()?,
                Some(c) => return self.fail(at, format!("'{c}' is an unexpected token in the document type's internal subset.")),
            }
        }
    }

    fn skip_markup_declaration(&mut self) -> Parsed<()> {
        let mut quote = None;
        for (i, c) in self.rest().char_indices() {
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    self.pos += i + 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        self.unexpected_end("DTD")
    }

    fn start_tag(&mut self) -> Parsed<()> {
        let start = self.pos;
        self.pos += 1;
        let mut element = Element::new(self.qualified_name()?);
        loop {
            let had_space = self.skip_whitespace();
            match self.peek() {
                Some('>') => {
                    self.pos += 1;
                    element.self_closing = false;
                    break;
                }
                Some('/') if self.starts_with("/>") => {
                    self.pos += 2;
                    break;
                }
                None => return self.unexpected_end("an element's start tag"),
                Some(c) if !had_space => {
                    return self.fail(self.pos, format!("'{c}' is an unexpected token. The expected token is '>' or '/>'."))
                }
                Some(_) => {
                    let at = self.pos;
                    let name = self.qualified_name()?;
                    self.skip_whitespace();
                    self.expect("=")?;
                    self.skip_whitespace();
                    let value = self.attribute_value()?;
                    if element.attributes.iter().any(|a| a.name == name) {
                        return self.fail(at, format!("'{}' is a duplicate attribute name.", name.qualified()));
                    }
                    element.attributes.push(super::dom::Attribute { name, namespace: String::new(), value });
                }
            }
        }
        if self.open.len() >= MAX_DEPTH {
            return self.fail(start, format!("The XML is nested more than {MAX_DEPTH} levels deep."));
        }
        if self.open.is_empty() {
            if self.root_seen {
                return self.fail(start, "There are multiple root elements.");
            }
            self.root_seen = true;
        }
        self.scope.enter(&mut element, Undeclared::Error).map_err(|message| self.located(start + 1, message))?;
        let inherited = self.open.last().is_some_and(|o| o.preserve_space);
        let preserve_space = match element.attributes.iter().find(|a| a.namespace == XML_NAMESPACE && a.name.local == "space") {
            None => inherited,
            Some(a) if a.value == "preserve" => true,
            Some(a) if a.value == "default" => false,
            Some(a) => return self.fail(start, format!("'{}' is an invalid xml:space value.", a.value)),
        };
        if element.self_closing {
            self.scope.pop_frame();
            self.append(Node::Element(element));
        } else {
            self.open.push(OpenElement { element, start, preserve_space });
        }
        Ok(())
    }

    /// A quoted attribute value: references replaced, each literal tab, line end or line feed
    /// becoming a space (attribute value normalisation).
    fn attribute_value(&mut self) -> Parsed<String> {
        let Some(quote @ ('"' | '\'')) = self.peek() else {
            return self.quoted_literal();
        };
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.unexpected_end("an attribute value");
            };
            match c {
                _ if c == quote => {
                    self.pos += 1;
                    return Ok(value);
                }
                '<' => return self.fail(self.pos, "'<', hexadecimal value 0x3C, is an invalid attribute character."),
                '&' => {
                    let text = self.reference()?;
                    value.push_str(&text);
                    continue;
                }
                '\r' => {
                    if self.rest()[1..].starts_with('\n') {
                        self.pos += 1;
                    }
                    value.push(' ');
                }
                '\n' | '\t' => value.push(' '),
                _ if !is_xml_char(c) => return self.fail(self.pos, invalid_char(c)),
                _ => value.push(c),
            }
            self.pos += c.len_utf8();
        }
    }

    fn end_tag(&mut self) -> Parsed<()> {
        let start = self.pos;
        self.pos += 2;
        let name = self.name_text()?.to_string();
        self.skip_whitespace();
        self.expect(">")?;
        let Some(open) = self.open.pop() else {
            return self.fail(start + 2, "Unexpected end tag.");
        };
        let open_name = open.element.name.qualified();
        if open_name != name {
            let (line, column) = line_and_column(self.text, open.start + 1);
            return self.fail(
                start + 2,
                format!("The '{open_name}' start tag on line {line} position {column} does not match the end tag of '{name}'."),
            );
        }
        self.scope.pop_frame();
        self.append(Node::Element(open.element));
        Ok(())
    }

    // --- names

    fn name_text(&mut self) -> Parsed<&'t str> {
        let text: &'t str = self.text;
        let start = self.pos;
        match self.peek() {
            None => return self.unexpected_end("a name"),
            Some(c) if !is_name_start_char(c) => {
                return self.fail(start, format!("Name cannot begin with the '{c}' character, hexadecimal value 0x{:02X}.", c as u32))
            }
            Some(_) => {}
        }
        let len = self.rest().find(|c: char| !is_name_char(c)).unwrap_or(self.rest().len());
        self.pos += len;
        Ok(&text[start..start + len])
    }

    fn qualified_name(&mut self) -> Parsed<Name> {
        let start = self.pos;
        let text = self.name_text()?;
        match Name::parse(text) {
            Some(name) => Ok(name),
            None => self.fail(start, "The ':' character, hexadecimal value 0x3A, cannot be included in a name."),
        }
    }
}

fn invalid_char(c: char) -> String {
    format!("'{}', hexadecimal value 0x{:02X}, is an invalid character.", c.escape_unicode(), c as u32)
}

/// `[A-Za-z] ([A-Za-z0-9._] | '-')*`
fn is_encoding_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// XML line-end handling: `\r\n` and a lone `\r` both become `\n`.
pub(super) fn normalize_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// .NET keeps `\r\n` in an internal subset as written but turns a lone `\r` into `\n`.
fn normalize_lone_carriage_returns(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    out
}

/// 1-based line and column of a byte offset, counting `\r\n`, `\r` and `\n` as line ends.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    let mut chars = text[..at.min(text.len())].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    (line, column)
}
