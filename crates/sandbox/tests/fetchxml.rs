//! FetchXML over HTTP (`GET /<set>?fetchXml=…`): operators, link-entities, order, paging with
//! the cookie, null omission, security filtering and errors.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value as Json;

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn fetch_as(t: &TestSandbox, persona: &str, set: &str, xml: &str) -> Answer {
    t.get(persona, &format!("{set}?fetchXml={}", encode(xml))).await
}

/// The `fullname`s a contact fetch with `inner` (filters, orders) returns, in order.
async fn names(t: &TestSandbox, persona: &str, inner: &str) -> Vec<String> {
    let xml = format!("<fetch><entity name='contact'><attribute name='fullname'/>{inner}</entity></fetch>");
    let answer = fetch_as(t, persona, "contacts", &xml).await;
    assert_eq!(answer.status, 200, "{inner}: {}", answer.body);
    answer.ids("fullname")
}

#[tokio::test]
async fn every_condition_operator_selects_the_right_rows() {
    let t = TestSandbox::start().await;
    let cases: &[(&str, &[&str])] = &[
        ("attribute='firstname' operator='eq' value='maria'", &["Maria Campbell"]),
        ("attribute='firstname' operator='ne' value='Maria'", &["Nancy Davolio", "Paul Cannon", "Thomas Andersen", "Yvonne McKay"]),
        ("attribute='numberofchildren' operator='gt' value='0'", &["Maria Campbell", "Nancy Davolio"]),
        ("attribute='numberofchildren' operator='ge' value='2'", &["Maria Campbell", "Nancy Davolio"]),
        ("attribute='numberofchildren' operator='lt' value='2'", &["Thomas Andersen"]),
        ("attribute='numberofchildren' operator='le' value='2'", &["Maria Campbell", "Thomas Andersen"]),
        ("attribute='creditlimit' operator='ge' value='10000.5'", &["Nancy Davolio", "Thomas Andersen"]),
        ("attribute='donotemail' operator='eq' value='1'", &["Thomas Andersen"]),
        ("attribute='birthdate' operator='gt' value='1980-01-01'", &["Maria Campbell"]),
        ("attribute='fullname' operator='like' value='%an%'", &["Nancy Davolio", "Paul Cannon", "Thomas Andersen"]),
        ("attribute='fullname' operator='not-like' value='%an%'", &["Maria Campbell", "Yvonne McKay"]),
        ("attribute='lastname' operator='begins-with' value='Ca'", &["Maria Campbell", "Paul Cannon"]),
        ("attribute='fullname' operator='ends-with' value='n'", &["Paul Cannon", "Thomas Andersen"]),
        ("attribute='fullname' operator='begins-with' value='%'", &[]),
        ("attribute='emailaddress1' operator='null'", &["Paul Cannon"]),
        ("attribute='birthdate' operator='not-null'", &["Maria Campbell", "Nancy Davolio"]),
        ("attribute='contactid' operator='eq' value='{C0000000-0000-4000-8000-000000000001}'", &["Maria Campbell"]),
        ("attribute='ownerid' operator='eq-userid'", &["Nancy Davolio", "Paul Cannon"]),
        ("attribute='ownerid' operator='ne-userid'", &["Maria Campbell", "Thomas Andersen", "Yvonne McKay"]),
        ("attribute='owningbusinessunit' operator='eq-businessid'", &["Nancy Davolio", "Paul Cannon"]),
    ];
    for (condition, expected) in cases {
        let got = names(&t, "admin", &format!("<filter><condition {condition}/></filter>")).await;
        assert_eq!(sorted(got), list(expected), "{condition}");
    }
    let in_list = "<filter><condition attribute='firstname' operator='in'><value>Maria</value><value>paul</value></condition></filter>";
    assert_eq!(sorted(names(&t, "admin", in_list).await), list(&["Maria Campbell", "Paul Cannon"]));
    let not_in = in_list.replace("'in'", "'not-in'");
    assert_eq!(sorted(names(&t, "admin", &not_in).await), list(&["Nancy Davolio", "Thomas Andersen", "Yvonne McKay"]));
    let lookups = format!(
        "<filter><condition attribute='parentcustomerid' operator='in'><value>{{{CONTOSO}}}</value><value>{FABRIKAM}</value></condition></filter>"
    );
    assert_eq!(sorted(names(&t, "admin", &lookups).await), list(&["Maria Campbell", "Nancy Davolio"]));
    // The caller's own id and business unit, as sam.
    assert_eq!(names(&t, "sam", "<filter><condition attribute='ownerid' operator='eq-userid'/></filter>").await, vec!["Maria Campbell"]);
    assert_eq!(
        sorted(names(&t, "sam", "<filter><condition attribute='owningbusinessunit' operator='eq-businessid'/></filter>").await),
        list(&["Maria Campbell", "Thomas Andersen", "Yvonne McKay"])
    );
}

#[tokio::test]
async fn nested_and_or_filters_keep_their_meaning() {
    let t = TestSandbox::start().await;
    let filter = "<filter type='and'><condition attribute='numberofchildren' operator='not-null'/>
        <filter type='or'><condition attribute='firstname' operator='eq' value='Nancy'/><condition attribute='donotemail' operator='eq' value='true'/></filter></filter>";
    assert_eq!(sorted(names(&t, "admin", filter).await), list(&["Nancy Davolio", "Thomas Andersen"]));
    // Two filters on the entity are both applied.
    let two = "<filter><condition attribute='lastname' operator='begins-with' value='C'/></filter><filter><condition attribute='jobtitle' operator='eq' value='Consultant'/></filter>";
    assert_eq!(names(&t, "admin", two).await, vec!["Paul Cannon"]);
}

#[tokio::test]
async fn orders_apply_in_sequence() {
    let t = TestSandbox::start().await;
    assert_eq!(
        names(&t, "admin", "<order attribute='lastname' descending='true'/>").await,
        vec!["Yvonne McKay", "Nancy Davolio", "Paul Cannon", "Maria Campbell", "Thomas Andersen"]
    );
    assert_eq!(
        names(&t, "admin", "<order attribute='numberofchildren' descending='true'/><order attribute='firstname'/>").await,
        vec!["Nancy Davolio", "Maria Campbell", "Thomas Andersen", "Paul Cannon", "Yvonne McKay"]
    );
    let top = fetch_as(&t, "admin", "contacts", "<fetch top='2'><entity name='contact'><attribute name='fullname'/><order attribute='firstname'/></entity></fetch>").await;
    assert_eq!(top.body["value"].as_array().unwrap().len(), 2);
    assert_eq!(top.body["value"][1]["fullname"], "Nancy Davolio");
}

#[tokio::test]
async fn results_leave_out_null_values_and_keep_ids_etags_and_aliases() {
    let t = TestSandbox::start().await;
    let xml = format!(
        "<fetch><entity name='contact'><attribute name='fullname' alias='name'/><attribute name='emailaddress1'/><attribute name='parentcustomerid'/>
         <filter><condition attribute='contactid' operator='in'><value>{MARIA}</value><value>{PAUL}</value></condition></filter>
         <order attribute='fullname'/></entity></fetch>"
    );
    let answer = fetch_as(&t, "admin", "contacts", &xml).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body["@odata.context"].as_str().unwrap().ends_with("/api/data/v9.2/$metadata#contacts"));
    let maria = &answer.body["value"][0];
    assert_eq!(maria["name"], "Maria Campbell");
    assert_eq!(maria["emailaddress1"], "maria@contoso.test");
    assert_eq!(maria["_parentcustomerid_value"], CONTOSO);
    assert_eq!(maria["contactid"], MARIA);
    assert!(maria["@odata.etag"].as_str().unwrap().starts_with("W/\""));
    let paul = answer.body["value"][1].as_object().unwrap();
    let keys: Vec<&str> = paul.keys().map(String::as_str).collect();
    assert_eq!(keys, vec!["@odata.etag", "name", "contactid"], "no email, no parent: left out");
    // The OData list of the same row has the nulls.
    let odata = t.get("admin", &format!("contacts({PAUL})?$select=emailaddress1")).await;
    assert_eq!(odata.body["emailaddress1"], Json::Null);
}

#[tokio::test]
async fn link_entities_inner_and_outer() {
    let t = TestSandbox::start().await;
    let xml = |link_type: &str, filter: &str| {
        format!(
            "<fetch><entity name='contact'><attribute name='fullname'/><order attribute='fullname'/>
             <link-entity name='account' from='accountid' to='parentcustomerid' alias='acc' link-type='{link_type}'>
               <attribute name='name'/><attribute name='numberofemployees' alias='staff'/>{filter}</link-entity></entity></fetch>"
        )
    };
    let inner = fetch_as(&t, "admin", "contacts", &xml("inner", "")).await;
    assert_eq!(inner.status, 200, "{}", inner.body);
    let rows = inner.body["value"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = rows.iter().map(|r| (r["fullname"].as_str().unwrap(), r["acc.name"].as_str().unwrap())).collect();
    assert_eq!(
        pairs,
        vec![
            ("Maria Campbell", "Contoso Ltd"),
            ("Nancy Davolio", "Fabrikam Inc"),
            ("Thomas Andersen", "Northwind Traders"),
            ("Yvonne McKay", "Adventure Works"),
        ],
        "Paul has no account: an inner link drops him"
    );
    assert_eq!(rows[0]["staff"], 250, "a link attribute's alias replaces alias.column");

    let outer = fetch_as(&t, "admin", "contacts", &xml("outer", "")).await;
    let rows = outer.body["value"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let paul = rows.iter().find(|r| r["fullname"] == "Paul Cannon").unwrap();
    assert!(paul.get("acc.name").is_none(), "{paul}");

    // A filter inside the link restricts the join: inner drops the rows, outer only their columns.
    let filter = "<filter><condition attribute='numberofemployees' operator='gt' value='100'/></filter>";
    let inner = fetch_as(&t, "admin", "contacts", &xml("inner", filter)).await;
    let names: Vec<&str> = inner.body["value"].as_array().unwrap().iter().map(|r| r["fullname"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Maria Campbell", "Nancy Davolio"]);
    let outer = fetch_as(&t, "admin", "contacts", &xml("outer", filter)).await;
    let with_account = outer.body["value"].as_array().unwrap().iter().filter(|r| r.get("acc.name").is_some()).count();
    assert_eq!((outer.body["value"].as_array().unwrap().len(), with_account), (5, 2));

    // A condition on the main entity can name the link's alias.
    let xml = "<fetch><entity name='contact'><attribute name='fullname'/>
        <link-entity name='account' from='accountid' to='parentcustomerid' alias='a' link-type='outer'/>
        <filter><condition entityname='a' attribute='name' operator='null'/></filter></entity></fetch>";
    let answer = fetch_as(&t, "admin", "contacts", xml).await;
    assert_eq!(answer.body["value"][0]["fullname"], "Paul Cannon");
    assert_eq!(answer.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn security_filters_fetch_results_as_it_filters_odata_lists() {
    let t = TestSandbox::start().await;
    assert_eq!(names(&t, "admin", "").await.len(), 5);
    assert_eq!(sorted(names(&t, "sam", "").await), list(&["Maria Campbell", "Thomas Andersen", "Yvonne McKay"]));
    let odata: Vec<String> = t.get("sam", "contacts?$select=fullname").await.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fullname"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sorted(names(&t, "sam", "").await), sorted(odata));

    // Linked rows out of reach are invisible too: sam reads no Fabrikam (admin's, root unit), so
    // accounts linked from tasks regarding it do not join for sam.
    let xml = "<fetch><entity name='task'><attribute name='subject'/>
        <link-entity name='account' from='accountid' to='regardingobjectid' alias='acc' link-type='inner'><attribute name='name'/></link-entity></entity></fetch>";
    let admin = fetch_as(&t, "admin", "tasks", xml).await;
    assert_eq!(admin.body["value"].as_array().unwrap().len(), 1, "{}", admin.body);
    assert_eq!(admin.body["value"][0]["acc.name"], "Fabrikam Inc");
    let sam = fetch_as(&t, "sam", "tasks", xml).await;
    assert_eq!(sam.status, 200, "{}", sam.body);
    assert_eq!(sam.body["value"].as_array().unwrap().len(), 0);

    // The read privilege is needed on every table the fetch touches.
    let nora = fetch_as(&t, "nora", "contacts", "<fetch><entity name='contact'/></fetch>").await;
    assert_eq!((nora.status, nora.error_code()), (403, "0x80040220"));
    let xml = "<fetch><entity name='task'><link-entity name='contact' from='contactid' to='regardingobjectid'/></entity></fetch>";
    let nora = fetch_as(&t, "nora", "tasks", xml).await;
    assert_eq!(nora.status, 403, "{}", nora.body);
    assert!(nora.error_message().contains("is missing prvReadContact privilege"), "{}", nora.error_message());
}

/// Follows the paging cookie from page 1 to the end; returns the ids in order and the pages.
async fn all_pages(t: &TestSandbox, persona: &str, order: &str, count: usize) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut page = 1;
    let mut cookie: Option<String> = None;
    loop {
        let cookie_attribute = cookie
            .as_deref()
            .map(|c| format!(" paging-cookie='{}'", c.replace('&', "&amp;").replace('\'', "&apos;").replace('<', "&lt;").replace('>', "&gt;")))
            .unwrap_or_default();
        let xml = format!(
            "<fetch count='{count}' page='{page}'{cookie_attribute}><entity name='contact'><attribute name='fullname'/>{order}</entity></fetch>"
        );
        let answer = send(
            t.request(Method::GET, persona, &format!("contacts?fetchXml={}", encode(&xml)))
                .header("Prefer", "odata.include-annotations=\"*\""),
        )
        .await;
        assert_eq!(answer.status, 200, "page {page}: {}", answer.body);
        let rows = answer.body["value"].as_array().unwrap();
        assert!(rows.len() <= count);
        ids.extend(answer.ids("contactid"));
        let annotation = answer.body.get("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie").and_then(Json::as_str);
        let more = answer.body.get("@Microsoft.Dynamics.CRM.morerecords");
        match (annotation, more) {
            (Some(annotation), Some(Json::Bool(true))) => {
                // `<cookie pagenumber="2" pagingcookie="%253ccookie…" istracking="False" />`
                assert!(annotation.contains(&format!("pagenumber=\"{}\"", page + 1)), "{annotation}");
                let encoded = annotation.split("pagingcookie=\"").nth(1).unwrap().split('"').next().unwrap();
                assert!(encoded.starts_with("%253ccookie"), "encoded twice: {encoded}");
                cookie = Some(decode(&decode(encoded)));
                page += 1;
            }
            (None, None) => return (ids, page),
            other => panic!("the cookie and morerecords come together: {other:?}"),
        }
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn paging_with_the_cookie_returns_every_row_once_in_order() {
    let t = TestSandbox::start().await;
    for i in 0..7 {
        t.create("admin", "contacts", serde_json::json!({"firstname": "Page", "lastname": format!("Tester {i}"), "fullname": format!("Page Tester {}", i % 3)})).await;
    }
    let (ids, pages) = all_pages(&t, "admin", "<order attribute='fullname' descending='true'/>", 3).await;
    assert_eq!(pages, 4, "12 rows in pages of 3");
    let expected = names(&t, "admin", "<order attribute='fullname' descending='true'/>").await;
    assert_eq!(ids.len(), 12);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 12, "no row twice");
    // The same order as the unpaged query (ties broken by the id in both).
    let unpaged = fetch_as(&t, "admin", "contacts", "<fetch><entity name='contact'><order attribute='fullname' descending='true'/></entity></fetch>").await;
    assert_eq!(ids, unpaged.ids("contactid"));
    assert_eq!(expected.len(), 12);

    // Without the cookie the page number alone finds the page.
    let page_two = fetch_as(&t, "admin", "contacts", "<fetch count='3' page='2'><entity name='contact'><order attribute='fullname' descending='true'/></entity></fetch>").await;
    assert_eq!(page_two.ids("contactid"), ids[3..6].to_vec());
    assert!(page_two.body.get("@Microsoft.Dynamics.CRM.morerecords").is_none(), "annotations only when asked for");

    // The cookie continues after the last row served: a row created meanwhile that sorts before
    // it neither repeats a row nor pushes one out (paging by number would show ids[2] again).
    let first = send(
        t.request(Method::GET, "admin", &format!("contacts?fetchXml={}", encode("<fetch count='3'><entity name='contact'><order attribute='fullname' descending='true'/></entity></fetch>")))
            .header("Prefer", "odata.include-annotations=\"Microsoft.Dynamics.CRM.fetchxmlpagingcookie\""),
    )
    .await;
    assert!(first.body.get("@Microsoft.Dynamics.CRM.morerecords").is_none(), "only the annotation asked for");
    let annotation = first.body["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"].as_str().unwrap();
    let encoded = annotation.split("pagingcookie=\"").nth(1).unwrap().split('"').next().unwrap();
    let cookie = decode(&decode(encoded)).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    t.create("admin", "contacts", serde_json::json!({"lastname": "Zed", "fullname": "Zz First"})).await;
    let xml = format!("<fetch count='3' page='2' paging-cookie=\"{cookie}\"><entity name='contact'><order attribute='fullname' descending='true'/></entity></fetch>");
    let second = fetch_as(&t, "admin", "contacts", &xml).await;
    assert_eq!(second.ids("contactid"), ids[3..6].to_vec(), "{}", second.body);

    // Sam pages through only what sam may read.
    let (sam_ids, sam_pages) = all_pages(&t, "sam", "", 2).await;
    assert_eq!((sam_ids.len(), sam_pages), (3, 2));
}

#[tokio::test]
async fn total_record_count_when_asked_for() {
    let t = TestSandbox::start().await;
    let xml = "<fetch count='2' returntotalrecordcount='true'><entity name='contact'><attribute name='fullname'/></entity></fetch>";
    let answer = send(
        t.request(Method::GET, "sam", &format!("contacts?fetchXml={}&$count=true", encode(xml)))
            .header("Prefer", "odata.include-annotations=\"*\""),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["@Microsoft.Dynamics.CRM.totalrecordcount"], 3);
    assert_eq!(answer.body["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"], false);
    assert_eq!(answer.body["@odata.count"], 3);
    assert_eq!(answer.body["value"].as_array().unwrap().len(), 2);
    assert_eq!(answer.header("Preference-Applied"), Some("odata.include-annotations=\"*\""));
}

#[tokio::test]
async fn distinct_returns_each_combination_once() {
    let t = TestSandbox::start().await;
    let xml = "<fetch distinct='true'><entity name='contact'><attribute name='preferredcontactmethodcode'/><order attribute='preferredcontactmethodcode'/></entity></fetch>";
    let answer = fetch_as(&t, "admin", "contacts", xml).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let values: Vec<Json> = answer.body["value"].as_array().unwrap().iter().map(|r| r.get("preferredcontactmethodcode").cloned().unwrap_or(Json::Null)).collect();
    assert_eq!(values, vec![Json::Null, 1.into(), 2.into(), 3.into()], "Yvonne has none: an empty object");
}

#[tokio::test]
async fn bad_fetches_are_400_naming_what_is_wrong() {
    let t = TestSandbox::start().await;
    let cases: &[(&str, &str, &str, &str)] = &[
        ("contacts", "<fetch><entity name='contact'>", "0x80040203", "not valid XML"),
        ("contacts", "<fetch><entity name='contact'></fetch>", "0x80040203", "not valid XML"),
        ("contacts", "<fetch><entity name='account'/></fetch>", "0x80060888", "entity 'account' of the FetchXML does not match the entity set 'contacts'"),
        ("contacts", "<fetch><entity name='contact'><attribute name='nickname'/></entity></fetch>", "0x80041103", "'contact' entity doesn't contain attribute with Name = 'nickname'"),
        ("contacts", "<fetch><entity name='contact'><link-entity name='widget' from='a' to='b'/></entity></fetch>", "0x80041102", "name = 'widget'"),
        ("contacts", "<fetch><entity name='contact'><filter><condition attribute='fullname' operator='sounds-like' value='x'/></filter></entity></fetch>", "0x80040203", "operator 'sounds-like'"),
        ("contacts", "<fetch><entity name='contact'><filter><condition attribute='numberofchildren' operator='eq' value='two'/></filter></entity></fetch>", "0x80040203", "convert input value 'two' to attribute 'contact.numberofchildren'"),
        ("contacts", "<fetch><entity name='contact'><filter><condition attribute='numberofchildren' operator='like' value='1'/></filter></entity></fetch>", "0x80040203", "works on text attributes"),
        ("contacts", "<fetch top='5' page='2'><entity name='contact'/></fetch>", "0x80040203", "top attribute can't be specified"),
        ("contacts", "<fetch><entity name='contact' foo='1'/></fetch>", "0x80040203", "'foo' attribute is not declared"),
    ];
    for (set, xml, code, message) in cases {
        let answer = fetch_as(&t, "admin", set, xml).await;
        assert_eq!(answer.status, 400, "{xml}: {}", answer.body);
        assert_eq!(answer.error_code(), *code, "{xml}: {}", answer.body);
        assert!(answer.error_message().contains(message), "{xml}: {}", answer.error_message());
    }
    let mixed = t.get("admin", &format!("contacts?fetchXml={}&$filter=firstname eq 'x'", encode("<fetch><entity name='contact'/></fetch>"))).await;
    assert_eq!(mixed.status, 400);
    assert!(mixed.error_message().contains("$filter cannot be combined with fetchXml"), "{}", mixed.error_message());
}
