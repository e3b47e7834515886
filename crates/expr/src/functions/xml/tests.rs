//! Behaviour the shared conformance cases do not cover.

use super::*;
use crate::env::{EmptyScope, Env, FixedClock, SequentialGuids};

fn eval(expression: &str) -> Result<Val, EvalError> {
    let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
    let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
    crate::eval::evaluate_template(expression, &env)
}

/// `xml(text)` as text.
fn reserialized(source: &str) -> Result<String, String> {
    parse::parse_document(source).and_then(|d| write::document_text(&d))
}

fn json_of(source: &str) -> String {
    let document = parse::parse_document(source).unwrap();
    to_json::document_to_json(&document).unwrap().to_compact_json()
}

fn xml_of_json(json: &str) -> Result<String, String> {
    let Val::Object(object) = Val::from_json(&serde_json::from_str(json).unwrap()) else { panic!("not an object") };
    from_json::document_from_json(&object).and_then(|d| write::document_text(&d))
}

fn xpath_of(source: &str, expression: &str) -> Result<Val, String> {
    xpath::evaluate(&parse::parse_document(source).unwrap(), expression)
}

/// The text an XML value holds.
fn text_of(value: &Val) -> String {
    String::from_utf8(value.content_bytes().unwrap().unwrap()).unwrap()
}

#[test]
fn loading_drops_whitespace_only_text_and_normalises_line_ends() {
    assert_eq!(reserialized("<root> <!-- a --> b <!-- c --> </root>").unwrap(), "<root><!-- a --> b <!-- c --></root>");
    assert_eq!(reserialized("\n<root>&#65;&lt;&#x3e;</root>\n").unwrap(), "<root>A&lt;&gt;</root>");
    assert_eq!(reserialized("<r>a\r\nb\rc</r>").unwrap(), "<r>a\nb\nc</r>");
    assert_eq!(reserialized("<r>   </r>").unwrap(), "<r></r>", "not written empty, so not `<r />`");
    // Literal tabs and line ends in attributes become spaces; referenced ones stay.
    assert_eq!(reserialized("<r a=\"x&#10;y&#9;z\tw\r\nv\" b='&quot;'/>").unwrap(), "<r a=\"x&#xA;y\tz w v\" b=\"&quot;\" />");
    assert_eq!(reserialized("\u{FEFF}<r/>").unwrap(), "<r />", "a byte order mark is skipped");
}

#[test]
fn xml_space_preserve_keeps_whitespace() {
    let source = "<r xml:space=\"preserve\"> <a/> </r>";
    assert_eq!(reserialized(source).unwrap(), "<r xml:space=\"preserve\"> <a /> </r>");
    assert_eq!(json_of(source), r##"{"r":{"@xml:space":"preserve","#significant-whitespace":[" "," "],"a":null}}"##);
}

#[test]
fn the_document_type_is_kept_but_not_processed() {
    assert_eq!(reserialized("<!DOCTYPE html><html/>").unwrap(), "<!DOCTYPE html[]><html />", ".NET writes back an empty subset");
    assert_eq!(
        reserialized("<!DOCTYPE r PUBLIC 'p' \"s\" [<!ENTITY e 'x'>]>\n<r/>").unwrap(),
        "<!DOCTYPE r PUBLIC \"p\" \"s\"[<!ENTITY e 'x'>]><r />"
    );
    let undeclared = reserialized("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>").unwrap_err();
    assert!(undeclared.contains("Reference to undeclared entity 'e'"), "{undeclared}");
    let external = reserialized("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>").unwrap_err();
    assert!(external.contains("undeclared entity"), "{external}");
    let laughs = format!(
        "<!DOCTYPE r [<!ENTITY a \"lol\">{}]><r>&j;</r>",
        (b'b'..=b'j').map(|c| format!("<!ENTITY {} \"{}\">", c as char, format!("&{};", (c - 1) as char).repeat(10))).collect::<String>()
    );
    assert!(reserialized(&laughs).is_err());
    assert!(reserialized("<r/><!DOCTYPE r>").is_err());
}

#[test]
fn ill_formed_text_fails_with_dotnet_messages() {
    for (source, message) in [
        ("", "Root element is missing."),
        ("<!-- comment -->", "Root element is missing."),
        ("<a/><b/>", "There are multiple root elements. Line 1, position 5."),
        ("<a>", "The following elements are not closed: a."),
        ("<a></b>", "The 'a' start tag on line 1 position 2 does not match the end tag of 'b'."),
        ("<aaa:root/>", "'aaa' is an undeclared prefix."),
        ("<?xml version=\"1.1\"?><r/>", "Version number '1.1' is invalid."),
        ("<?xml encoding=\"ascii\"?><r/>", "The expected token is 'version'."),
        ("<?xml version=\"1.0\" standalone=\"no\" encoding=\"utf-8\"?><r/>", "Syntax for an XML declaration is invalid."),
        (" <?xml version=\"1.0\"?><r/>", "Unexpected XML declaration."),
        ("<r a='1' a='2'/>", "'a' is a duplicate attribute name."),
        ("<r xmlns:p='u' xmlns:q='u' p:a='1' q:a='2'/>", "'q:a' is a duplicate attribute name."),
        ("<r a='<'/>", "is an invalid attribute character"),
        ("<r>]]></r>", "']]>' is not allowed in character data."),
        ("<r>\u{1}</r>", "hexadecimal value 0x01, is an invalid character."),
        ("<r>&#0;</r>", "is an invalid character"),
        ("<r>&nbsp;</r>", "Reference to undeclared entity 'nbsp'."),
        ("<r><!-- a -- b --></r>", "An XML comment cannot contain '--'"),
        ("<r>x</r>y", "Data at the root level is invalid."),
        ("<a:b:c/>", "cannot be included in a name"),
        ("<r xmlns:p=''/>", "Cannot use a prefix with an empty namespace"),
        ("<r><?XML x?></r>", "is an invalid name for processing instructions"),
    ] {
        let error = reserialized(source).unwrap_err();
        assert!(error.contains(message), "{source:?}: {error}");
    }
}

#[test]
fn limits_refuse_deep_or_large_documents() {
    let nested = |depth: usize| format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    assert!(reserialized(&nested(MAX_DEPTH)).is_ok());
    assert!(reserialized(&nested(MAX_DEPTH + 1)).unwrap_err().contains("nested more than 256 levels"));
    assert!(reserialized(&nested(100_000)).is_err(), "no stack overflow");
    let large = format!("<r>{}</r>", "x".repeat(MAX_TEXT_BYTES));
    assert!(reserialized(&large).unwrap_err().contains("larger than the 16 MiB"));
    let deep_json = (0..300).fold(Val::Int(1), |inner, _| Val::Object([("a".to_string(), inner)].into_iter().collect()));
    let Val::Object(deep_json) = deep_json else { unreachable!() };
    assert!(from_json::document_from_json(&deep_json).unwrap_err().contains("nested more than 256 levels"));
}

#[test]
fn json_of_xml_follows_newtonsoft() {
    assert_eq!(json_of("<thing:root xmlns:thing=\"namespace\"/>"), r#"{"thing:root":{"@xmlns:thing":"namespace"}}"#);
    assert_eq!(json_of("<r xmlns=\"u\"><a>1</a></r>"), r#"{"r":{"@xmlns":"u","a":"1"}}"#);
    // The name a namespace gets is the innermost prefix bound to it, not the one written.
    assert_eq!(json_of("<p:r xmlns:p=\"u\"><q:a xmlns:q=\"u\"/></p:r>"), r#"{"p:r":{"@xmlns:p":"u","q:a":{"@xmlns:q":"u"}}}"#);
    assert_eq!(json_of("<ro_x003E_ot a_x0020_b=\"1\"/>"), r#"{"ro>ot":{"@a b":"1"}}"#);
    assert_eq!(json_of("<r><?pi some data?><![CDATA[x]]></r>"), r##"{"r":{"?pi":"some data","#cdata-section":"x"}}"##);
    assert_eq!(json_of("<r>only<b/>mixed</r>"), r##"{"r":{"#text":["only","mixed"],"b":null}}"##);
    // Newtonsoft's documented sample for `json:Array`.
    let forced = "<person xmlns:json='http://james.newtonking.com/projects/json' id='1'>
        <name>Alan</name>
        <url>http://www.google.com</url>
        <role json:Array='true'>Admin</role>
      </person>";
    assert_eq!(json_of(forced), r#"{"person":{"@id":"1","name":"Alan","url":"http://www.google.com","role":["Admin"]}}"#);
}

#[test]
fn xml_of_json_follows_newtonsoft() {
    let scalars = r#"{"r":{"i":1,"f":1.5,"b":true,"n":null,"big":1e20,"e":"","o":{}}}"#;
    assert_eq!(xml_of_json(scalars).unwrap(), "<r><i>1</i><f>1.5</f><b>true</b><n /><big>1E+20</big><e></e><o /></r>");
    assert_eq!(xml_of_json(r#"{"r":{"a":[[1,2],3]}}"#).unwrap(), "<r><a><a>1</a><a>2</a></a><a>3</a></r>");
    assert_eq!(xml_of_json(r#"{"r":{"a":"x","@late":"y"}}"#).unwrap(), "<r late=\"y\"><a>x</a></r>");
    assert_eq!(
        xml_of_json(r#"{"?xml":{"@version":"1.0","@standalone":"yes"},"!DOCTYPE":{"@name":"r","@system":"r.dtd"},"?pi":"d","r":"x"}"#)
            .unwrap(),
        "<?xml version=\"1.0\" standalone=\"yes\"?><!DOCTYPE r SYSTEM \"r.dtd\"><?pi d?><r>x</r>"
    );
    assert_eq!(xml_of_json(r#"{"p:r":{"@xmlns:p":"u","p:a":1}}"#).unwrap(), "<p:r xmlns:p=\"u\"><p:a>1</p:a></p:r>");
    assert_eq!(xml_of_json(r#"{"ro:ot":"text"}"#).unwrap(), "<ot>text</ot>", "an undeclared prefix is dropped");
    assert_eq!(xml_of_json(r#"{"r":"a\u0001b\r"}"#).unwrap(), "<r>a&#x1;b\r</r>");
    assert_eq!(xml_of_json(r#"{"r":{"@a":"x\ny"}}"#).unwrap(), "<r a=\"x&#xA;y\" />");
    assert_eq!(xml_of_json(r#"{"r":[]}"#).unwrap(), "");
    for (json, message) in [
        (r#"{"r":[1,2]}"#, "More than one root element"),
        (r#"{"r":1,"?pi":"x"}"#, "More than one root element"),
        (r##"{"#text":"x"}"##, "wrong type"),
        (r#"{"@a":"x"}"#, "needs an element"),
        (r##"{"r":{"#text":{"a":1}}}"##, "Cannot get an XML string value from token type 'StartObject'."),
        (r#"{"r":{"?xml":{"@version":"1.0"}}}"#, "wrong type"),
        (r#"{"?xml":{"@version":"2.0"},"r":1}"#, "must be '1.0'"),
        (r#"{"":1}"#, "empty name"),
    ] {
        let error = xml_of_json(json).unwrap_err();
        assert!(error.contains(message), "{json}: {error}");
    }
}

#[test]
fn xml_and_json_through_expressions() {
    assert_eq!(text_of(&eval("@xml(json('{\"a\":{\"@x\":\"1\",\"#text\":\"t\"}}'))").unwrap()), "<a x=\"1\">t</a>");
    assert_eq!(eval("@json(xml('<r><a>1</a><a>2</a></r>'))").unwrap().to_compact_json(), r#"{"r":{"a":["1","2"]}}"#);
    assert!(eval("@json(xml(json('{}')))").unwrap_err().message.contains("Root element is missing"));
    assert!(eval("@json(xml(binary('<')))").unwrap_err().message.contains("Data at the root level is invalid"));
    let martian = eval("@json(xml('<?xml version=\"1.0\" encoding=\"martian\"?><root/>'))").unwrap_err();
    assert!(martian.message.contains("'martian' is not a supported encoding name"), "{}", martian.message);
    assert!(eval("@json(xml('<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><root/>'))").is_ok());
    assert!(eval("@xml(1)").unwrap_err().message.contains("a string or an object"));
    assert!(eval("@xml(createArray())").is_err());
    assert_eq!(eval("@{xml(json(xml('<root><!-- comment --></root>')))}").unwrap(), Val::String("<root />".into()));
    assert_eq!(eval("@{xml(json(xml('<root> <!-- a --> b <!-- c --> </root>')))}").unwrap(), Val::String("<root> b </root>".into()));
    // An XML value whose content type names another charset is decoded with it.
    let latin1 = "@json(json('{\"$content-type\":\"application/xml;charset=iso-8859-1\",\"$content\":\"PHI+6TwvZT4=\"}'))";
    assert!(eval(latin1).is_err(), "ill-formed: <r>é</e>");
    let latin1 = "@json(json('{\"$content-type\":\"text/xml;charset=iso-8859-1\",\"$content\":\"PHI+6Twvcj4=\"}'))";
    assert_eq!(eval(latin1).unwrap().to_compact_json(), r#"{"r":"é"}"#);
}

#[test]
fn xpath_results() {
    let source = "<r xmlns:p=\"u\"><a id=\"1\">x<![CDATA[<y>]]></a><p:b><c/>t</p:b><!-- note --></r>";
    assert_eq!(xpath_of(source, "count(//*)").unwrap(), Val::Float(4.0));
    assert_eq!(xpath_of(source, "string(/r/a/@id)").unwrap(), Val::String("1".into()));
    assert_eq!(xpath_of(source, "/r/a = 'x<y>'").unwrap(), Val::Bool(true));
    assert_eq!(xpath_of(source, "/r/a/text()").unwrap(), Val::Array(vec![Val::String("x<y>".into())]), "text and CDATA are one node");
    let text = |v: Val| match v {
        Val::Array(items) => items.iter().map(text_of).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text(xpath_of(source, "/r/a").unwrap()), ["<a id=\"1\">x&lt;y&gt;</a>"]);
    assert_eq!(text(xpath_of(source, "/r/a/@id").unwrap()), ["id=\"1\""]);
    // The borrowed prefix is declared; the writer indents until it meets text.
    assert_eq!(text(xpath_of(source, "/r/*[local-name()='b']").unwrap()), ["<p:b xmlns:p=\"u\">\r\n  <c />t</p:b>"]);
    assert_eq!(text(xpath_of(source, "//comment()").unwrap()), ["<!-- note -->"]);
    assert_eq!(
        text(xpath_of("<r><a><b>1</b></a><c/></r>", "/r").unwrap()),
        ["<r>\r\n  <a>\r\n    <b>1</b>\r\n  </a>\r\n  <c />\r\n</r>"],
        "indented as XPathNavigator.OuterXml is"
    );
    assert_eq!(text(xpath_of("<!--c--><r/>", "/").unwrap()), ["<!--c-->\r\n<r />"]);
    for prefixed in ["/r/p:b", "//p:*", "/r/@p:x", "child::p:b", "p:f()"] {
        assert!(xpath_of(source, prefixed).unwrap_err().contains("Namespace Manager"), "{prefixed}");
    }
    assert_eq!(xpath_of(source, "count(child::r/descendant::*) + string-length('a:b')").unwrap(), Val::Float(6.0));
    assert!(xpath_of(source, "/r/[").is_err());
    assert!(xpath_of(source, "").is_err());
}

#[test]
fn hostile_xpath_is_refused_not_overflowing() {
    let source = "<r/>";
    for expression in [
        format!("{}1{}", "(".repeat(5000), ")".repeat(5000)),
        format!("{}1", "-".repeat(5000)),
        format!("{}1", "- ".repeat(2000)),
        "1+".repeat(3000) + "1",
        format!("/r{}", "[1]".repeat(3000)),
    ] {
        assert!(xpath_of(source, &expression).is_err(), "{}", &expression[..20]);
    }
    let too_many_operators = vec!["1"; 200].join(" and ");
    assert!(xpath_of(source, &too_many_operators).unwrap_err().contains("more than 128 operators"));
    // The worst accepted expressions still fit a small thread stack, debug build included.
    let nested_chain = |op: &str| {
        let chain = vec!["1"; 97].join(op);
        format!("{}{chain}{}", "(".repeat(32), ")".repeat(32))
    };
    let worst = [nested_chain("="), nested_chain(" or "), nested_chain("|"), format!("{}1", "-".repeat(32)), "/r".repeat(2000)];
    let small_stack = std::thread::Builder::new().stack_size(1 << 20);
    let results = small_stack
        .spawn(move || worst.iter().map(|expression| xpath_of("<r/>", expression).map(|_| ())).collect::<Vec<_>>())
        .unwrap()
        .join()
        .unwrap();
    assert!(results.iter().all(|r| r.is_ok() || r.as_ref().unwrap_err().contains("cannot be evaluated")), "{results:?}");
}

#[test]
fn xpath_reference_examples() {
    let items = "'<?xml version=\"1.0\"?> <produce> <item> <name>Gala</name> <type>apple</type> <count>20</count> </item> <item> <name>Honeycrisp</name> <type>apple</type> <count>10</count> </item> </produce>'";
    let names = eval(&format!("@xpath(xml({items}), '/produce/item/name')")).unwrap();
    let Val::Array(names) = names else { panic!("{names:?}") };
    assert_eq!(names.iter().map(text_of).collect::<Vec<_>>(), ["<name>Gala</name>", "<name>Honeycrisp</name>"]);
    assert_eq!(eval(&format!("@xpath(xml({items}), 'sum(/produce/item/count)')")).unwrap(), Val::Float(30.0));
    let located = "@xpath(xml('<file xmlns=\"https://contoso.com\"><location>Paris</location></file>'), '/*[name()=\"file\"]/*[name()=\"location\"]/text()')";
    assert_eq!(eval(located).unwrap(), Val::Array(vec![Val::String("Paris".into())]));
}

#[test]
fn xpath_needs_an_xml_value() {
    assert!(eval("@xpath(binary('<r/>'), '/r')").unwrap_err().message.contains("be an XML object"));
    assert_eq!(eval("@xpath(xml('<r><a>1</a><a>2</a></r>'), 'sum(/r/a)')").unwrap(), Val::Float(3.0));
    assert!(eval("@xpath(xml('<r/>'), 1)").is_err());
}
